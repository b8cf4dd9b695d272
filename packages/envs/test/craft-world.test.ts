// CraftWorld: determinism per seed, the tech tree and rewards, legality and bad input (named
// errors, no state change), observation layout, describe(), state replay, and the planner
// expert's success rate on the default variant (>= 95% of seeds).
import {
  CraftAction as A,
  CraftWorldEnv,
  getExpert,
  InvalidActionError,
  InvalidOptionError,
  Item,
  makeEnv,
  MILESTONES,
  ResetNeededError,
  Tile,
  type CraftWorldState,
  type Env,
} from '../src/index';

function runExpert(env: Env, seed: number, knobs = {}): { success: boolean; ret: number; steps: number; milestones: string[] } {
  const expert = getExpert(env, knobs);
  env.reset({ seed });
  let ret = 0;
  const milestones: string[] = [];
  for (let steps = 1; ; steps++) {
    const r = env.step(expert.expertAction(env));
    ret += r.reward;
    if (typeof r.info['milestone'] === 'string') milestones.push(r.info['milestone']);
    if (r.terminated || r.truncated) return { success: r.terminated, ret, steps, milestones };
  }
}

/** A hand-built 6x6 world: agent at (2,2) facing north toward a tree; stone and iron to the east. */
function handState(env: CraftWorldEnv, inventory: Partial<Record<Item, number>> = {}): CraftWorldState {
  const tiles = new Uint8Array(36);
  tiles[1 * 6 + 2] = Tile.TREE;
  tiles[2 * 6 + 3] = Tile.STONE;
  tiles[3 * 6 + 3] = Tile.IRON;
  const inv = new Int32Array(9);
  for (const [k, v] of Object.entries(inventory)) inv[Number(k)] = v ?? 0;
  return { size: env.size, tiles, x: 2, y: 2, facing: 0, inventory: inv, achieved: new Uint8Array(MILESTONES.length), steps: 0 };
}

describe('CraftWorld-v0', () => {
  it('is deterministic per seed and maps differ across seeds', () => {
    const a = makeEnv('CraftWorld-v0');
    const b = makeEnv('CraftWorld-v0');
    expect(Array.from(a.reset({ seed: 3 }).obs)).toEqual(Array.from(b.reset({ seed: 3 }).obs));
    expect((a as CraftWorldEnv).getState()).toEqual((b as CraftWorldEnv).getState());
    const c = makeEnv('CraftWorld-v0');
    c.reset({ seed: 4 });
    expect((c as CraftWorldEnv).getState().tiles).not.toEqual((a as CraftWorldEnv).getState().tiles);
    expect(runExpert(a, 11)).toEqual(runExpert(b, 11));
  });

  it('follows the tech tree with milestone rewards and terminates on the iron pickaxe', () => {
    const env = new CraftWorldEnv({ size: 6 });
    env.reset({ seed: 0 });
    env.setState(handState(env));
    const mask = env.legalActions();
    expect(mask[A.CRAFT_PLANKS]).toBe(0);
    expect(mask[A.INTERACT]).toBe(1);
    expect(() => env.step(A.CRAFT_PLANKS)).toThrow(InvalidActionError);
    const seq: [number, number][] = [
      [A.INTERACT, 1],
      [A.INTERACT, 0],
      [A.CRAFT_PLANKS, 1],
      [A.CRAFT_PLANKS, 0],
      [A.CRAFT_STICKS, 1],
      [A.MOVE_WEST, 0],
      [A.PLACE_TABLE, 1],
      [A.CRAFT_WOODEN_PICKAXE, 1],
      [A.MOVE_EAST, 0],
      [A.INTERACT, 1],
    ];
    for (const [a, r] of seq) expect([a, env.step(a).reward]).toEqual([a, r]);
    const s = env.getState();
    expect(s.tiles[2 * 6 + 0]).toBe(Tile.TABLE); // placed on the faced grass cell (west of (1,2))
    expect(s.tiles[2 * 6 + 3]).toBe(Tile.GRASS); // the stone was mined
    expect(Array.from(s.inventory)).toEqual([0, 0, 1, 1, 0, 0, 1, 0, 0]);
    expect(s.achieved.reduce((x, y) => x + y, 0)).toBe(6);
    // Top up stone, sticks and fuel, then finish the tree.
    env.setState({ ...s, inventory: Int32Array.from([1, 0, 2, 3, 0, 0, 1, 0, 0]) });
    const rest: [number, number][] = [
      [A.MOVE_WEST, 0],
      [A.CRAFT_STONE_PICKAXE, 1],
      [A.PLACE_FURNACE, 1],
      [A.MOVE_EAST, 0],
      [A.MOVE_SOUTH, 0],
      [A.MOVE_EAST, 0],
      [A.INTERACT, 1],
      [A.MOVE_NORTH, 0],
      [A.SMELT_IRON, 1],
      [A.MOVE_WEST, 0],
    ];
    for (const [a, r] of rest) {
      const out = env.step(a);
      expect([a, out.reward, out.terminated]).toEqual([a, r, false]);
    }
    expect(env.getState().tiles[1 * 6 + 1]).toBe(Tile.FURNACE); // faced cell was the table: first grass neighbour (north)
    const last = env.step(A.CRAFT_IRON_PICKAXE);
    expect([last.reward, last.terminated, last.info['success']]).toEqual([1, true, true]);
    expect(() => env.step(A.NOOP)).toThrow(ResetNeededError);
  });

  it("'goal' reward pays only the iron pickaxe; the expert reaches it", () => {
    const env = makeEnv('CraftWorld-hard-v0');
    const out = runExpert(env, 1);
    expect(out.success).toBe(true);
    expect(out.ret).toBe(1);
    expect(out.milestones).toEqual([...MILESTONES]);
  });

  it('the planner expert succeeds on >= 95% of default-variant seeds', () => {
    const env = makeEnv('CraftWorld-v0');
    let wins = 0;
    for (let seed = 0; seed < 100; seed++) wins += runExpert(env, seed).success ? 1 : 0;
    expect(wins).toBeGreaterThanOrEqual(95);
  });

  it('adversarial and inaccurate experts do much worse', () => {
    const env = makeEnv('CraftWorld-v0');
    let wins = 0;
    for (let seed = 0; seed < 10; seed++) wins += runExpert(env, seed, { adversarial: 1 }).success ? 1 : 0;
    expect(wins).toBe(0);
    const s = getExpert('CraftWorld-v0');
    env.reset({ seed: 2 });
    const scores = s.scores(env);
    const legal = env.legalActions();
    scores.forEach((v, a) => expect(v === -Infinity).toBe(!legal[a]));
  });

  it('rejects bad input without changing state', () => {
    expect(() => makeEnv('CraftWorld-v0', { size: 3 })).toThrow(InvalidOptionError);
    expect(() => makeEnv('CraftWorld-v0', { difficulty: 'insane' })).toThrow(InvalidOptionError);
    expect(() => makeEnv('CraftWorld-v0', { colour: 'red' })).toThrow(InvalidOptionError);
    const env = new CraftWorldEnv();
    expect(() => env.step(0)).toThrow(ResetNeededError);
    env.reset({ seed: 9 });
    const before = env.getState();
    for (const bad of [14, -1, 1.5, NaN]) expect(() => env.step(bad)).toThrow(InvalidActionError);
    expect(() => env.step(A.CRAFT_IRON_PICKAXE)).toThrow(InvalidActionError);
    expect(() => env.reset({ seed: -1 })).toThrow(InvalidOptionError);
    expect(() => env.reset({ options: { x: 1 } })).toThrow(InvalidOptionError);
    expect(() => env.setState({ ...before, x: 99 })).toThrow(InvalidOptionError);
    expect(() => env.setState({ ...before, tiles: new Uint8Array(3) })).toThrow(InvalidOptionError);
    expect(env.getState()).toEqual(before);
    const trunc = new CraftWorldEnv({ maxSteps: 2 });
    trunc.reset({ seed: 0 });
    expect([trunc.step(0).truncated, trunc.step(0).truncated]).toEqual([false, true]);
    expect(() => trunc.step(0)).toThrow(ResetNeededError);
  });

  it('observes a local view, inventory, facing, stations and time in [0, 1]', () => {
    const env = new CraftWorldEnv({ size: 6, viewRadius: 1 });
    env.reset({ seed: 0 });
    env.setState(handState(env, { [Item.LOG]: 3 }));
    const obs = env.step(A.NOOP).obs;
    expect(obs).toHaveLength(env.observationSpace.low.length);
    expect(obs).toHaveLength(9 * 7 + 9 + 4 + 2 + 1);
    expect(obs[1 * 7 + 0]).toBe(1); // tree straight north (view cell 1, channel tree)
    expect(obs[5 * 7 + 1]).toBe(1); // stone east (view cell 5, channel stone)
    expect(obs[8 * 7 + 2]).toBe(1); // iron south-east
    expect(obs[63 + Item.LOG]).toBeCloseTo(3 / 9);
    expect(obs[72]).toBe(1); // facing north
    expect(obs[78]).toBeCloseTo(1 / 300);
    expect(obs.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('describes the situation for an advisor', () => {
    const env = new CraftWorldEnv({ size: 6 });
    env.reset({ seed: 0 });
    env.setState(handState(env, { [Item.PLANKS]: 2 }));
    const text = env.describe();
    expect(text).toContain('facing north; in front of you: tree');
    expect(text).toContain('Inventory: 2 planks.');
    expect(text).toContain('stone 1 east');
    expect(text).toContain('place_table');
    expect(text).toContain('craft_iron_pickaxe: 1 iron_ingot + 1 sticks');
  });
});
