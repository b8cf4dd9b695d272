import fc from 'fast-check';
import {
  agreementRate,
  createRng,
  filterByPolicyLag,
  InvalidValueError,
  lagLrScale,
  permutation,
  ShapeError,
  voteBlend,
  voteSelect,
  type AdviceCandidate,
} from '@ala/rl-core';

const A: AdviceCandidate = { adviceId: 'a', priority: 2, confidence: 0.5, bias: [1, 0, 0] }; // w = 1
const B: AdviceCandidate = { adviceId: 'b', priority: 1, confidence: 0.9, bias: [0, 1, 0] }; // w = 0.9
const C: AdviceCandidate = { adviceId: 'c', priority: 3, confidence: 0.2, bias: [2, 0, 1] }; // w = 0.6

describe('voteSelect', () => {
  it('picks the highest priority × confidence', () => {
    const r = voteSelect([B, C, A])!;
    expect(r.winner.adviceId).toBe('a');
    expect(r.index).toBe(2);
    expect(r.weight).toBeCloseTo(1, 14);
    expect(r.action).toBe(0);
    expect(r.agreement).toBeCloseTo(1.6 / 2.5, 14); // A and C prefer action 0
    expect(r.contributing).toEqual(['b', 'c', 'a']);
  });

  it('breaks ties deterministically: priority, confidence, age, then adviceId', () => {
    const p2 = { adviceId: 'z', priority: 2, confidence: 0.5, bias: [0, 1] };
    const p1 = { adviceId: 'y', priority: 1, confidence: 1, bias: [1, 0] };
    expect(voteSelect([p1, p2])!.winner.adviceId).toBe('z');
    const x1 = { adviceId: 'x1', priority: 1, confidence: 1, bias: [1, 0], ageMs: 10 };
    const x0 = { adviceId: 'x0', priority: 1, confidence: 1, bias: [1, 0], ageMs: 20 };
    expect(voteSelect([x0, x1])!.winner.adviceId).toBe('x1');
    const s1 = { adviceId: 'm', priority: 1, confidence: 1, bias: [1, 0] };
    const s2 = { adviceId: 'k', priority: 1, confidence: 1, bias: [0, 1] };
    expect(voteSelect([s1, s2])!.winner.adviceId).toBe('k');
  });

  it('property: the winner does not depend on arrival order', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const g = createRng(seed);
        const cands = Array.from({ length: n }, (_, i) => ({
          adviceId: `adv-${i}`,
          priority: Math.floor(g.nextFloat() * 3),
          confidence: Math.floor(g.nextFloat() * 3) / 2,
          bias: [g.nextFloat(), g.nextFloat()],
          ageMs: Math.floor(g.nextFloat() * 2) * 100,
        }));
        const a = voteSelect(cands, { halfLifeMs: 100 });
        const shuffled = Array.from(permutation(g, n)).map((i) => cands[i]!);
        const b = voteSelect(shuffled, { halfLifeMs: 100 });
        expect(b?.winner.adviceId).toBe(a?.winner.adviceId);
      }),
      { seed: 41, numRuns: 200 },
    );
  });

  it('down-weights old advice by half-life and returns undefined without weight', () => {
    const old = { ...A, ageMs: 1000 }; // w = 0.5 < 0.9
    expect(voteSelect([old, B], { halfLifeMs: 1000 })!.winner.adviceId).toBe('b');
    expect(voteSelect([old, B])!.winner.adviceId).toBe('a');
    expect(voteSelect([])).toBeUndefined();
    expect(voteSelect([{ ...A, confidence: 0 }])).toBeUndefined();
  });

  it('rejects bad candidates', () => {
    expect(() => voteSelect([{ ...A, confidence: 1.5 }])).toThrow(InvalidValueError);
    expect(() => voteSelect([{ ...A, priority: -1 }])).toThrow(InvalidValueError);
    expect(() => voteSelect([A, { ...B, bias: [0, 1] }])).toThrow(ShapeError);
    expect(() => voteSelect([{ ...A, bias: [Number.NaN, 0, 0] }])).toThrow(InvalidValueError);
    expect(() => voteSelect([{ ...A, adviceId: '' }])).toThrow(InvalidValueError);
    expect(() => voteSelect([A], { halfLifeMs: 0 })).toThrow(InvalidValueError);
  });
});

describe('voteBlend and agreementRate', () => {
  it('blends biases by normalised weight (hand-computed)', () => {
    const r = voteBlend([A, B, C])!;
    // weights 1, 0.9, 0.6 over 2.5 → 0.4, 0.36, 0.24; bias = [0.4 + 0.48, 0.36, 0.24]
    expect(r.weights).toEqual([0.4, 0.36, 0.24].map((x) => expect.closeTo(x, 14)));
    expect(Array.from(r.bias)).toEqual([0.88, 0.36, 0.24].map((x) => expect.closeTo(x, 14)));
    expect(r.action).toBe(0);
    expect(r.agreement).toBeCloseTo(0.64, 14);
    expect(voteBlend([{ ...A, priority: 0 }])).toBeUndefined();
  });

  it('agreementRate is the weight share preferring an action', () => {
    expect(agreementRate([A, B, C], 1)).toBeCloseTo(0.36, 14);
    expect(agreementRate([A, B, C], 2)).toBe(0);
    expect(agreementRate([], 0)).toBe(0);
  });
});

describe('policy lag', () => {
  it('filters by lag and reports statistics (hand-computed)', () => {
    const r = filterByPolicyLag({ policyVersions: [10, 9, 7, 5], currentVersion: 10, maxPolicyLag: 2 });
    expect(Array.from(r.keep)).toEqual([1, 1, 0, 0]);
    expect(r).toMatchObject({ kept: 2, dropped: 2, keptFraction: 0.5, lagMin: 0, lagMean: 2.25, lagMax: 5 });
    expect(lagLrScale(r.keptFraction)).toBe(0.5);
    expect(lagLrScale(0.1, 0.25)).toBe(0.25);
    expect(filterByPolicyLag({ policyVersions: [], currentVersion: 3, maxPolicyLag: 0 }).keptFraction).toBe(1);
  });

  it('rejects versions from the future, non-integers and bad buffers, writing nothing', () => {
    const out = new Uint8Array([7, 7]);
    expect(() => filterByPolicyLag({ policyVersions: [3, 11], currentVersion: 10, maxPolicyLag: 2, out })).toThrow(InvalidValueError);
    expect(() => filterByPolicyLag({ policyVersions: [3, 1.5], currentVersion: 10, maxPolicyLag: 2, out })).toThrow(InvalidValueError);
    expect(() => filterByPolicyLag({ policyVersions: [3], currentVersion: 10, maxPolicyLag: 2, out })).toThrow(ShapeError);
    expect(Array.from(out)).toEqual([7, 7]);
    expect(() => lagLrScale(1.5)).toThrow(InvalidValueError);
  });
});
