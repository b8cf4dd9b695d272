// Property tests of CraftWorld under random legal play: no legal action ever throws, the agent
// always stands on grass, inventories never go negative, observations stay in [0, 1], rewards
// follow the milestone rule, and a state restored with setState replays identically.
import fc from 'fast-check';
import { CraftWorldEnv, MILESTONES, Pcg64, randInt, Tile } from '../src/index';

describe('CraftWorld invariants under random legal play', () => {
  it('holds for random seeds, sizes and action streams', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 6, max: 14 }), fc.constantFrom('easy', 'normal', 'hard'), (seed, size, difficulty) => {
        const env = new CraftWorldEnv({ size, difficulty: difficulty as 'easy' | 'normal' | 'hard', maxSteps: 150 });
        const rng = Pcg64.fromSeed(seed);
        env.reset({ seed });
        let total = 0;
        for (;;) {
          const legal = env.legalActions();
          const choices = Array.from(legal.keys()).filter((a) => legal[a] === 1);
          const r = env.step(choices[randInt(rng, choices.length)]!);
          total += r.reward;
          const s = env.getState();
          expect(s.tiles[s.y * size + s.x]).toBe(Tile.GRASS);
          expect(s.inventory.every((n) => n >= 0)).toBe(true);
          expect(r.obs.every((v) => v >= 0 && v <= 1)).toBe(true);
          expect(total).toBe(s.achieved.reduce((a, b) => a + b, 0));
          if (r.terminated || r.truncated) break;
        }
        expect(total).toBeLessThanOrEqual(MILESTONES.length);
      }),
      { numRuns: 25 },
    );
  });

  it('replays identically from a restored state', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }), (seed, actions) => {
        const a = new CraftWorldEnv();
        a.reset({ seed });
        for (const x of actions.slice(0, actions.length >> 1)) a.step(x);
        const b = new CraftWorldEnv();
        b.setState(a.getState());
        for (const x of actions.slice(actions.length >> 1)) expect(Array.from(b.step(x).obs)).toEqual(Array.from(a.step(x).obs));
        expect(b.getState()).toEqual(a.getState());
      }),
      { numRuns: 30 },
    );
  });
});
