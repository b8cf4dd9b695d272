// CraftWorld's portable state (exportState / importState / fromState): a restored env describes,
// masks and steps exactly like the original for a seeded action sequence, the planner advises the
// same on both, every variant round-trips, and malformed, foreign or mismatched bytes throw
// EnvStateError and change nothing (including a seeded fuzz of random and bit-flipped bytes).
import fc from 'fast-check';
import {
  CRAFTWORLD_VARIANTS,
  CraftWorldEnv,
  EnvError,
  EnvStateError,
  Pcg64,
  ResetNeededError,
  VectorEnv,
  craftWorldExpert,
  craftWorldStateBytes,
  hasPortableState,
  makeEnv,
  randInt,
  type Rng,
  type StepResult,
} from '../src/index';

const VARIANTS = Object.keys(CRAFTWORLD_VARIANTS);

function randomLegal(env: CraftWorldEnv, rng: Rng): number {
  const legal = Array.from(env.legalActions()).flatMap((x, a) => (x ? [a] : []));
  return legal[randInt(rng, legal.length)]!;
}

/** A variant's env after `steps` seeded random legal steps (from reset seed `seed`). */
function played(id: string, seed: number, steps: number): CraftWorldEnv {
  const env = makeEnv(id) as CraftWorldEnv;
  env.reset({ seed });
  const rng = Pcg64.fromSeed(seed + 1000);
  for (let k = 0; k < steps; k++) {
    const r = env.step(randomLegal(env, rng));
    if (r.terminated || r.truncated) env.reset();
  }
  return env;
}

function stepBoth(a: CraftWorldEnv, b: CraftWorldEnv, seed: number, n: number): number {
  const rng = Pcg64.fromSeed(seed);
  for (let k = 0; k < n; k++) {
    const action = randomLegal(a, rng);
    const ra: StepResult = a.step(action);
    const rb: StepResult = b.step(action);
    expect(Array.from(rb.obs)).toEqual(Array.from(ra.obs));
    expect([rb.reward, rb.terminated, rb.truncated, rb.info]).toEqual([ra.reward, ra.terminated, ra.truncated, ra.info]);
    expect(b.describe()).toBe(a.describe());
    if (ra.terminated || ra.truncated) return k + 1;
  }
  return n;
}

describe('CraftWorld portable state', () => {
  it.each(VARIANTS)('%s: export -> fromState gives the same describe(), mask, state and step() results', (id) => {
    for (const seed of [0, 1, 2]) {
      const a = played(id, seed, 40 + 25 * seed);
      const bytes = a.exportState();
      expect(bytes.length).toBe(craftWorldStateBytes(a.size));
      const b = CraftWorldEnv.fromState(bytes, id);
      expect(b.id).toBe(id);
      expect(b.config).toEqual(a.config);
      expect(b.describe()).toBe(a.describe());
      expect(Array.from(b.legalActions())).toEqual(Array.from(a.legalActions()));
      expect(b.getState()).toEqual(a.getState());
      expect(Array.from(b.exportState())).toEqual(Array.from(bytes));
      expect(stepBoth(a, b, 77 + seed, 600)).toBeGreaterThan(0);
    }
  });

  it('importState into a same-variant env restores it exactly; the expert advises the same on both', () => {
    const a = played('CraftWorld-v0', 5, 60);
    const b = makeEnv('CraftWorld-v0') as CraftWorldEnv;
    b.reset({ seed: 99 });
    b.importState(a.exportState());
    expect(b.describe()).toBe(a.describe());
    const ea = craftWorldExpert({ seed: 3, accuracy: 0.7, adversarial: 0.1 });
    const eb = craftWorldExpert({ seed: 3, accuracy: 0.7, adversarial: 0.1 });
    for (let k = 0; k < 150; k++) {
      const adv = ea.advise(a);
      expect(eb.advise(b)).toEqual(adv);
      const r = a.step(adv.action);
      b.step(adv.action);
      if (r.terminated || r.truncated) break;
    }
  });

  it('the expert solves the episode from a restored mid-episode state as from the original', () => {
    const a = played('CraftWorld-easy-v0', 11, 30);
    const b = CraftWorldEnv.fromState(a.exportState(), 'CraftWorld-easy-v0');
    const e = craftWorldExpert();
    const run = (env: CraftWorldEnv): number[] => {
      const actions: number[] = [];
      for (;;) {
        const act = e.expertAction(env);
        actions.push(act);
        const r = env.step(act);
        if (r.terminated || r.truncated) return actions;
      }
    };
    expect(run(b)).toEqual(run(a));
  });

  it('is compact: 130 bytes at 12x12, 90 at 8x8, 186 at 16x16', () => {
    expect(played('CraftWorld-v0', 0, 0).exportState().length).toBe(130);
    expect(played('CraftWorld-easy-v0', 0, 0).exportState().length).toBe(90);
    expect(played('CraftWorld-hard-v0', 0, 0).exportState().length).toBe(186);
    expect(craftWorldStateBytes(64)).toBe(58 + 2048);
  });

  it('keeps an ended episode ended, and needs a started episode to export', () => {
    const env = makeEnv('CraftWorld-easy-v0', { maxSteps: 3 }) as CraftWorldEnv;
    env.reset({ seed: 1 });
    for (let k = 0; k < 3; k++) env.step(0);
    const restored = CraftWorldEnv.fromState(env.exportState(), env.id);
    expect(() => restored.step(0)).toThrow(ResetNeededError);
    expect(() => (makeEnv('CraftWorld-v0') as CraftWorldEnv).exportState()).toThrow(ResetNeededError);
  });

  it('refuses bytes from an env with other options (mismatch) and changes nothing', () => {
    const easy = played('CraftWorld-easy-v0', 2, 10);
    const before = easy.exportState();
    const v0 = played('CraftWorld-v0', 2, 10).exportState();
    expect(() => easy.importState(v0)).toThrow(expect.objectContaining({ name: 'EnvStateError', reason: 'mismatch', field: 'size' }));
    const otherSteps = makeEnv('CraftWorld-easy-v0', { maxSteps: 150 }) as CraftWorldEnv;
    otherSteps.reset({ seed: 2 });
    expect(() => easy.importState(otherSteps.exportState())).toThrow(expect.objectContaining({ reason: 'mismatch', field: 'maxSteps' }));
    expect(Array.from(easy.exportState())).toEqual(Array.from(before));
  });

  it('refuses malformed bytes with a typed reason and changes nothing', () => {
    const env = played('CraftWorld-v0', 4, 20);
    const good = env.exportState();
    const before = env.describe();
    const patched = (at: number, value: number): Uint8Array => {
      const b = good.slice();
      b[at] = value;
      return b;
    };
    const le32 = (at: number, value: number): Uint8Array => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(at, value, true);
      return b;
    };
    const agent = good[9]! * 12 + good[8]!;
    const cases: [Uint8Array, string, string][] = [
      [new Uint8Array(0), 'length', 'bytes'],
      [good.subarray(0, good.length - 1), 'length', 'bytes'],
      [Uint8Array.from([...good, 0]), 'length', 'bytes'],
      [patched(0, 0x41), 'format', 'magic'],
      [patched(2, 2), 'version', 'version'],
      [patched(3, 5), 'range', 'size'],
      [patched(3, 13), 'length', 'bytes'],
      [patched(4, 0), 'range', 'viewRadius'],
      [patched(5, 3), 'range', 'difficulty'],
      [patched(6, 2), 'range', 'reward'],
      [patched(7, 2), 'format', 'flags'],
      [patched(8, 12), 'range', 'position'],
      [patched(10, 4), 'range', 'facing'],
      [patched(13, 0x08), 'range', 'achieved'],
      [le32(14, 300), 'range', 'steps'],
      [le32(18, 0), 'range', 'maxSteps'],
      [le32(22, 2 ** 31), 'range', 'inventory'],
      [patched(58 + (agent >> 1), good[58 + (agent >> 1)]! | (7 << ((agent & 1) * 4))), 'range', 'tiles'],
      [patched(58 + (agent >> 1), (good[58 + (agent >> 1)]! & ~(0xf << ((agent & 1) * 4))) | (4 << ((agent & 1) * 4))), 'range', 'position'],
    ];
    for (const [bytes, reason, field] of cases) {
      let err: unknown;
      try {
        env.importState(bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EnvStateError);
      expect(err).toMatchObject({ reason, field, envId: 'CraftWorld-v0' });
      expect(() => CraftWorldEnv.fromState(bytes)).toThrow(EnvStateError);
      expect(env.describe()).toBe(before);
    }
    expect(Array.from(env.exportState())).toEqual(Array.from(good));
  });

  it('fuzz: random and bit-flipped bytes give EnvStateError or a consistent env, never another error', () => {
    const good = played('CraftWorld-v0', 6, 30).exportState();
    const check = (bytes: Uint8Array): void => {
      let env: CraftWorldEnv;
      try {
        env = CraftWorldEnv.fromState(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(EnvStateError);
        return;
      }
      expect(Array.from(env.exportState())).toEqual(Array.from(bytes)); // canonical: nothing dropped or invented
      env.describe();
      if (Array.from(env.legalActions()).some((x) => x === 1)) {
        try {
          env.step(0);
        } catch (e) {
          expect(e).toBeInstanceOf(ResetNeededError);
        }
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => check(b)),
      { seed: 7, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), (flips) => {
        const b = good.slice();
        for (const [at, x] of flips) b[at % b.length]! ^= x;
        check(b);
      }),
      { seed: 7, numRuns: 600 },
    );
  });

  it('VectorEnv.exportState gives CraftWorld bytes and undefined for envs without a portable state', () => {
    const cw = VectorEnv.make('CraftWorld-v0', 2);
    cw.reset({ seed: 1 });
    const bytes = cw.exportState(1)!;
    expect(CraftWorldEnv.fromState(bytes).describe()).toBe(cw.describe(1));
    const cp = VectorEnv.make('CartPole-v1', 1);
    cp.reset({ seed: 1 });
    expect(cp.exportState(0)).toBeUndefined();
    expect(hasPortableState(cp.envs[0]!)).toBe(false);
    expect(() => cw.exportState(2)).toThrow(EnvError);
  });
});
