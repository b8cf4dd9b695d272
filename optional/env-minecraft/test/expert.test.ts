// The scripted expert of Minecraft-v0 on hand-built states: dig a log in front, walk and turn
// towards the nearest log, craft along the tech tree; and the standard knobs.
import { minecraftEnvSpec } from '../src/index';
import { plannedAction, minecraftScores } from '../src/expert';
import { Action, ACTION_NAMES, Category } from '../src/rules';
import { encodeMinecraftState, type MinecraftState } from '../src/state';
import { plainState, withCell } from './fixtures';

const plan = (s: MinecraftState): string => ACTION_NAMES[plannedAction(s)]!;

describe('Minecraft-v0 expert', () => {
  it('collects logs: dig in front, else walk or turn towards the nearest log', () => {
    expect(plan(withCell(plainState({ nearestLog: [0, 0, -1] }), 1, 1, 0, Category.LOG))).toBe('dig');
    expect(plan(plainState({ nearestLog: [0, 0, -4] }))).toBe('forward'); // 4 north, facing north
    expect(plan(plainState({ nearestLog: [3, 0, 2] }))).toBe('turn_right'); // behind on the right (east)
    expect(plan(plainState({ nearestLog: [-3, 0, 2] }))).toBe('turn_left');
    expect(plan(plainState({ nearestLog: [0, 0, 3] }))).toBe('turn_left'); // straight behind: turn around
    expect(plan(plainState({ nearestLog: [2, 0, -3] }))).toBe('forward'); // ahead on the right: walk level first
    expect(plan(plainState({ nearestLog: [0, 3, -1] }))).toBe('dig'); // the fourth log of a trunk
    expect(plan(withCell(plainState({ nearestLog: [0, 0, -3] }), 1, 1, 0, Category.SOLID))).toBe('jump');
    expect(plan(plainState())).toBe('forward'); // nothing in sight: explore
  });

  it('follows the tech tree when the recipes are available', () => {
    const tt = (inventory: number[], over: Partial<MinecraftState> = {}): string => plan(plainState({ task: 'techtree', inventory, ...over }));
    expect(tt([1, 0, 0, 0, 0])).toBe('craft_planks');
    expect(tt([0, 0, 0, 0, 0], { nearestLog: [0, 0, -2] })).toBe('forward');
    expect(tt([0, 9, 0, 0, 0])).toBe('craft_table');
    expect(tt([0, 5, 0, 1, 0])).toBe('craft_sticks');
    expect(tt([0, 3, 4, 1, 0])).toBe('place_table');
    expect(tt([0, 3, 4, 0, 0], { nearestTable: [1, 0, -1] })).toBe('craft_pickaxe');
    expect(tt([0, 0, 0, 0, 1])).toBe('equip_tool');
  });

  it('scores 1 for the plan, 0 for other legal actions, -Infinity for illegal ones; knobs apply', () => {
    const s = withCell(plainState({ nearestLog: [0, 0, -1] }), 1, 1, 0, Category.LOG);
    const scores = minecraftScores(s);
    expect(scores[Action.dig]).toBe(1);
    expect(scores[Action.forward]).toBe(0);
    expect(scores[Action.craft_pickaxe]).toBe(-Infinity);
    const env = minecraftEnvSpec().create({}) as ReturnType<ReturnType<typeof minecraftEnvSpec>['create']> & { importState(b: Uint8Array): void };
    env.importState(encodeMinecraftState(s));
    expect(minecraftEnvSpec().expert({}).advise(env)).toMatchObject({ action: Action.dig, mode: 'expert' });
    const adv = minecraftEnvSpec().expert({ adversarial: 1, seed: 3 }).advise(env);
    expect(adv.mode).toBe('adversarial');
    expect(adv.action).not.toBe(Action.dig);
    expect(env.legalActions()[adv.action]).toBe(1);
    const random = minecraftEnvSpec().expert({ accuracy: 0, seed: 5 });
    const seen = new Set(Array.from({ length: 50 }, () => random.advise(env).action));
    expect(seen.size).toBeGreaterThan(3);
    for (const a of seen) expect(env.legalActions()[a]).toBe(1);
  });
});
