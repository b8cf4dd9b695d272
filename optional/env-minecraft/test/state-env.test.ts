// The offline state view, observation encoding, legal actions, description, rewards and options
// of Minecraft-v0, from hand-built states (no server).
import { EnvError, InvalidOptionError, ResetNeededError } from '@ala/envs';
import { minecraftEnvSpec, OBS_LAYOUT, OBS_SIZE } from '../src/index';
import { encodeObservation } from '../src/observation';
import { botUsername, minecraftConfig } from '../src/options';
import { Action, ACTION_NAMES, Category, egoToWorld, gridIndex, worldToEgo } from '../src/rules';
import { encodeMinecraftState } from '../src/state';
import { scoreStep } from '../src/task';
import { plainState, withCell } from './fixtures';

describe('Minecraft-v0 state view', () => {
  it('has fixed spaces, refuses to simulate, and answers from an imported state', () => {
    const env = minecraftEnvSpec().create({});
    expect(env.observationSpace.low.length).toBe(OBS_SIZE);
    expect(env.actionSpace.n).toBe(ACTION_NAMES.length);
    expect(env.actionSpace.actionNames).toEqual(ACTION_NAMES);
    expect(() => env.reset()).toThrow(EnvError);
    expect(() => env.step(0)).toThrow(/createAsync/);
    expect(env.describe()).toMatch(/no state/);
    expect(Array.from(env.legalActions()).slice(0, 6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(() => (env as unknown as { exportState(): Uint8Array }).exportState()).toThrow(ResetNeededError);
    const s = withCell(plainState({ nearestLog: [0, 0, -1] }), 1, 1, 0, Category.LOG);
    (env as unknown as { importState(b: Uint8Array): void }).importState(encodeMinecraftState(s));
    expect(env.legalActions()[Action.dig]).toBe(1);
    expect(env.legalActions()[Action.craft_planks]).toBe(0);
    const text = env.describe();
    expect(text).toMatch(/collect as many logs/);
    expect(text).toMatch(/facing north; in front of you: log at your feet level/);
    expect(text).toMatch(/Legal actions now: .*dig/);
  });

  it('encodes the observation within its bounds, one-hot per grid cell', () => {
    const space = minecraftEnvSpec().create({}).observationSpace;
    const s = withCell(plainState({ inventory: [3, 70, 0, 0, 1], nearestLog: [5, 2, 0], facing: 1 }), 2, 1, -1, Category.LEAVES);
    const obs = encodeObservation(s);
    expect(obs.length).toBe(OBS_SIZE);
    for (let i = 0; i < OBS_SIZE; i++) expect(obs[i]! >= space.low[i]! && obs[i]! <= space.high[i]!).toBe(true);
    const grid = OBS_LAYOUT.parts.grid!.start;
    expect(obs[grid + gridIndex(2, 1, -1) * 7 + (Category.LEAVES - 1)]).toBe(1);
    expect(obs[grid + gridIndex(0, 0, 0) * 7 + (Category.SOLID - 1)]).toBe(1);
    expect(obs[grid + gridIndex(1, 0, 0) * 7 + (Category.SOLID - 1)]).toBe(0);
    const inv = OBS_LAYOUT.parts.inventory!.start;
    expect(Array.from(obs.slice(inv, inv + 5))).toEqual([3 / 64, 1, 0, 0, 1 / 64]);
    // facing west, a log 5 blocks east is 5 behind
    const log = OBS_LAYOUT.parts.nearestLog!.start;
    expect(Array.from(obs.slice(log, log + 4))).toEqual([1, -5 / 16, 2 / 8, 0]);
    const pos = OBS_LAYOUT.parts.position!.start;
    expect(Array.from(obs.slice(pos, pos + 3))).toEqual([3 / 32, 0, -5 / 32]);
  });

  it('egocentric and world offsets are inverse for every facing', () => {
    for (let f = 0; f < 4; f++)
      for (let fwd = -3; fwd <= 3; fwd++)
        for (let right = -3; right <= 3; right++) {
          const [dx, dz] = egoToWorld(f, fwd, right);
          expect(worldToEgo(f, dx, dz)).toEqual([fwd, right]);
        }
    expect(egoToWorld(0, 1, 0)).toEqual([0, -1]); // north is -z
    expect(egoToWorld(0, 0, 1)).toEqual([1, 0]); // facing north, the right hand is east
  });

  it('legal actions follow the inventory, the table and the free cell in front', () => {
    const env = minecraftEnvSpec().create({}) as ReturnType<ReturnType<typeof minecraftEnvSpec>['create']> & { importState(b: Uint8Array): void };
    const legal = (s: ReturnType<typeof plainState>): string[] => {
      env.importState(encodeMinecraftState(s));
      return ACTION_NAMES.filter((_, a) => env.legalActions()[a]);
    };
    expect(legal(plainState())).toEqual(['noop', 'forward', 'back', 'turn_left', 'turn_right', 'jump']);
    expect(legal(plainState({ inventory: [1, 0, 0, 0, 0] }))).toContain('craft_planks');
    expect(legal(plainState({ inventory: [0, 4, 0, 1, 0] }))).toEqual(expect.arrayContaining(['craft_sticks', 'craft_table', 'place_table']));
    expect(legal(plainState({ inventory: [0, 3, 2, 0, 0] }))).not.toContain('craft_pickaxe');
    expect(legal(plainState({ inventory: [0, 3, 2, 0, 0], nearestTable: [2, 0, 1] }))).toContain('craft_pickaxe');
    expect(legal(withCell(plainState({ inventory: [0, 0, 0, 1, 0] }), 1, 1, 0, Category.LOG))).not.toContain('place_table');
    expect(legal(plainState({ inventory: [0, 0, 0, 0, 1] }))).toContain('equip_tool');
    expect(legal(plainState({ inventory: [0, 0, 0, 0, 1], toolHeld: true }))).not.toContain('equip_tool');
    expect(legal(plainState({ entityInFront: true }))).toContain('dig');
  });
});

describe('Minecraft-v0 rewards', () => {
  it("'logs' pays every log picked up and never terminates", () => {
    const o = scoreStep('logs', [1, 0, 0, 0, 0], [3, 0, 0, 0, 0], 0b1, 1);
    expect(o).toMatchObject({ reward: 2, terminated: false, logsCollected: 3 });
    expect(scoreStep('logs', [3, 0, 0, 0, 0], [2, 4, 0, 0, 0], 0b1, 3).reward).toBe(0);
  });

  it("'techtree' pays each first item once and ends on the wooden pickaxe", () => {
    expect(scoreStep('techtree', [0, 0, 0, 0, 0], [1, 0, 0, 0, 0], 0, 0)).toMatchObject({ reward: 1, reached: ['log'], milestones: 1 });
    expect(scoreStep('techtree', [2, 0, 0, 0, 0], [3, 0, 0, 0, 0], 1, 2).reward).toBe(0);
    const end = scoreStep('techtree', [0, 1, 2, 0, 0], [0, 0, 0, 0, 1], 0b1111, 3);
    expect(end).toMatchObject({ reward: 1, terminated: true, reached: ['wooden_pickaxe'] });
  });
});

describe('Minecraft-v0 options', () => {
  it('checks options and falls back to ALA_MINECRAFT_* for the connection', () => {
    const c = minecraftConfig(
      { index: 3, agents: 20, actorId: 'actor-7' },
      { ALA_MINECRAFT_HOST: 'mc.example', ALA_MINECRAFT_PORT: '25570', ALA_MINECRAFT_AUTH: 'microsoft', ALA_MINECRAFT_STEP_TIMEOUT_MS: '900' },
    );
    expect(c).toMatchObject({ host: 'mc.example', port: 25570, auth: 'microsoft', stepTimeoutMs: 900, version: '1.16.5', task: 'logs', maxSteps: 250 });
    expect(c).toMatchObject({ ticksPerStep: 4, digThroughActions: true });
    expect(minecraftConfig({ host: 'other', port: 1 }, { ALA_MINECRAFT_HOST: 'mc.example' })).toMatchObject({ host: 'other', port: 1 });
    const name = botUsername(c);
    expect(name).toMatch(/^ala[0-9a-f]{4}_3$/);
    expect(name.length).toBeLessThanOrEqual(16);
    expect(botUsername(minecraftConfig({ index: 3, agents: 20, actorId: 'actor-8' }, {}))).not.toBe(name);
    for (const bad of [
      { task: 'diamonds' },
      { maxSteps: 0 },
      { ticksPerStep: 21 },
      { digThroughActions: 'yes' },
      { index: 2, agents: 2 },
      { auth: 'mojang' },
      { usernamePrefix: 'way-too-long' },
      { colour: 'red' },
    ]) {
      expect(() => minecraftConfig(bad as object, {})).toThrow(InvalidOptionError);
    }
    expect(() => minecraftConfig({}, { ALA_MINECRAFT_PORT: 'x' })).toThrow(InvalidOptionError);
  });
});
