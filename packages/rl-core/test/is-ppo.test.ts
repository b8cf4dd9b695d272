import fc from 'fast-check';
import {
  approxKl,
  biasedLogits,
  clipFraction,
  clippedSurrogate,
  clippedSurrogateGrad,
  explainedVariance,
  InvalidValueError,
  IS_MODES,
  isCorrection,
  isWeights,
  isWeightStats,
  logSoftmax,
  normalizeAdvantages,
  ppoPolicyLoss,
  ShapeError,
  valueLoss,
} from '@ala/rl-core';

const finite = fc.double({ min: -20, max: 20, noNaN: true });

describe('isWeights', () => {
  it('computes each mode by its formula (hand-computed)', () => {
    // one sample: logπ_θ = -1, logπ_old = -1.2, β·b[a] = 0.5, log μ = -0.9, logπ_prox = -1.1
    const base = { newLogp: [-1], oldLogp: [-1.2], biasTaken: [0.5], logpMu: [-0.9], proxLogp: [-1.1] };
    expect(isWeights({ mode: 'seed', ...base }).ratio[0]).toBeCloseTo(Math.exp(-1 + 1.2 - 0.5), 14);
    expect(isWeights({ mode: 'exact', ...base }).ratio[0]).toBeCloseTo(Math.exp(-0.1), 14);
    const d = isWeights({ mode: 'decoupled', ...base, cBar: 2 });
    expect(d.ratio[0]).toBeCloseTo(Math.exp(0.1), 14);
    expect(d.weight[0]).toBeCloseTo(Math.exp(-0.2), 14);
    const t = isWeights({ mode: 'decoupled', ...base, logpMu: [-3], cBar: 2 });
    expect(t.weight[0]).toBe(2);
    expect(t.truncated).toBe(1);
  });

  it('isCorrection gives the reference log-prob and weight of each mode without π_θ (hand-computed)', () => {
    const base = { oldLogp: [-1.2], biasTaken: [0.5], logpMu: [-0.9], proxLogp: [-1.1] };
    expect(isCorrection({ mode: 'seed', ...base }).logpRef[0]).toBeCloseTo(-0.7, 14);
    expect(isCorrection({ mode: 'exact', ...base }).logpRef[0]).toBe(-0.9);
    const d = isCorrection({ mode: 'decoupled', ...base, logpMu: [-3], cBar: 2 });
    expect([d.logpRef[0], d.weight[0], d.truncated]).toEqual([-1.1, 2, 1]);
    expect(() => isCorrection({ mode: 'exact', logpMu: [0, 0] }, 3)).toThrow(ShapeError);
  });

  it('property: with b ≡ 0 (and θ = θ_old = θ_prox) every weight is 1 in every mode', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -30, max: 0, noNaN: true }), { minLength: 1, maxLength: 30 }), (lp) => {
        const zero = lp.map(() => 0);
        for (const mode of IS_MODES) {
          const r = isWeights({ mode, newLogp: lp, oldLogp: lp, biasTaken: zero, logpMu: lp, proxLogp: lp, cBar: 1 });
          for (let i = 0; i < lp.length; i++) {
            expect(r.ratio[i]).toBe(1);
            expect(r.weight[i]).toBe(1);
          }
          expect(r.truncated).toBe(0);
        }
      }),
      { seed: 31, numRuns: 100 },
    );
  });

  it('property: Σ_a μ(a)·w(a)·f(a) = E_π[f] for exact weights (and decoupled without truncation); seed gives E_π[f]/Z', () => {
    const vecs = fc
      .integer({ min: 1, max: 8 })
      .chain((n) =>
        fc.tuple(
          fc.array(finite, { minLength: n, maxLength: n }),
          fc.array(finite, { minLength: n, maxLength: n }),
          fc.array(finite, { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(vecs, fc.double({ min: 0, max: 2, noNaN: true }), ([z, b, f], beta) => {
        const bb = b.map((x) => Math.max(-2, Math.min(2, x)));
        const lpi = logSoftmax(z);
        const lmu = logSoftmax(biasedLogits(z, bb, beta));
        const n = z.length;
        const all = { newLogp: lpi, oldLogp: lpi, biasTaken: bb.map((x) => beta * x), logpMu: lmu, proxLogp: lpi };
        const exact = isWeights({ mode: 'exact', ...all });
        const dec = isWeights({ mode: 'decoupled', ...all });
        const seed = isWeights({ mode: 'seed', ...all });
        let ePi = 0;
        let eExact = 0;
        let eDec = 0;
        let eSeed = 0;
        let Z = 0;
        for (let a = 0; a < n; a++) {
          const mu = Math.exp(lmu[a]!);
          const pi = Math.exp(lpi[a]!);
          ePi += pi * f[a]!;
          eExact += mu * exact.ratio[a]! * exact.weight[a]! * f[a]!;
          eDec += mu * dec.ratio[a]! * dec.weight[a]! * f[a]!;
          eSeed += mu * seed.ratio[a]! * f[a]!;
          Z += pi * Math.exp(beta * bb[a]!);
        }
        const tol = 1e-9 * (1 + Math.abs(ePi) + f.reduce((s, x) => s + Math.abs(x), 0));
        expect(Math.abs(eExact - ePi)).toBeLessThan(tol);
        expect(Math.abs(eDec - ePi)).toBeLessThan(tol);
        expect(Math.abs(eSeed - ePi / Z)).toBeLessThan(tol);
      }),
      { seed: 32, numRuns: 300 },
    );
  });

  it('requires the inputs of its mode and rejects bad values', () => {
    expect(() => isWeights({ mode: 'seed', newLogp: [0], oldLogp: [0] })).toThrow(InvalidValueError);
    expect(() => isWeights({ mode: 'exact', newLogp: [0] })).toThrow(InvalidValueError);
    expect(() => isWeights({ mode: 'decoupled', newLogp: [0], logpMu: [0] })).toThrow(InvalidValueError);
    expect(() => isWeights({ mode: 'exact', newLogp: [0, 0], logpMu: [0] })).toThrow(ShapeError);
    expect(() => isWeights({ mode: 'exact', newLogp: [Number.NaN], logpMu: [0] })).toThrow(InvalidValueError);
    expect(() => isWeights({ mode: 'bogus' as 'exact', newLogp: [0], logpMu: [0] })).toThrow(InvalidValueError);
    expect(() => isWeights({ mode: 'decoupled', newLogp: [0], logpMu: [0], proxLogp: [0], cBar: 0 })).toThrow(InvalidValueError);
  });
});

describe('isWeightStats', () => {
  it('matches hand-computed statistics', () => {
    const s = isWeightStats([1, 1, 1, 1]);
    expect(s).toEqual({ mean: 1, max: 1, p99: 1, truncatedFraction: 0, essOverN: 1 });
    expect(isWeightStats([2, 0, 0, 0]).essOverN).toBeCloseTo(0.25, 14);
    const ramp = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(isWeightStats(ramp).p99).toBeCloseTo(99.01, 10); // numpy.percentile(arange(1, 101), 99)
    expect(isWeightStats([0.5, 1, 3, 4], 2).truncatedFraction).toBe(0.5);
    expect(() => isWeightStats([])).toThrow(InvalidValueError);
    expect(() => isWeightStats([1, -1])).toThrow(InvalidValueError);
  });
});

describe('PPO pieces', () => {
  it('clipped surrogate at ratio exactly 1 ± clip and beyond (hand-computed)', () => {
    const ratio = [1.2, 0.8, 1.2, 0.8, 1.5, 0.5];
    const advantages = [1, 1, -1, -1, 1, -1];
    // per-sample max(−A·r, −A·clip(r)): −1.2, −0.8, 1.2, 0.8, −1.2 (clipped), 0.8 (clipped)
    const r = clippedSurrogate({ ratio, advantages, clipCoef: 0.2 });
    expect(r.pgLoss).toBeCloseTo(-0.4 / 6, 14);
    expect(r.clipFrac).toBeCloseTo(2 / 6, 14);
    const viaLogp = ppoPolicyLoss({ mode: 'exact', newLogp: ratio.map(Math.log), logpMu: ratio.map(() => 0), advantages, clipCoef: 0.2 });
    expect(viaLogp.pgLoss).toBeCloseTo(-0.4 / 6, 12);
    expect(clipFraction([1.5, 1, 0.7], 0.2)).toBeCloseTo(2 / 3, 14);
  });

  it('clipping around 1 silences negative-advantage updates of advised actions under the seed ratio', () => {
    // Advised action, β·b[a] = 1: at θ = θ_old the seed ratio is e^{-1} = 0.37 < 1 − ε.
    const r = Math.exp(-1);
    const g = clippedSurrogateGrad({ ratio: [r, r, Math.exp(1), Math.exp(1)], advantages: [-1, 1, 1, -1], clipCoef: 0.2 });
    expect(g[0]).toBe(0); // advised, A < 0: no gradient at all
    expect(g[1]).toBeCloseTo(-r, 14); // advised, A > 0: full gradient −A·r
    expect(g[2]).toBe(0); // discouraged action (ratio e > 1 + ε), A > 0: silenced too
    expect(g[3]).toBeCloseTo(Math.exp(1), 14);
    // weights multiply the derivative
    expect(clippedSurrogateGrad({ ratio: [1], advantages: [2], clipCoef: 0.2, weight: [0.5] })[0]).toBeCloseTo(-1, 14);
  });

  it('decoupled loss multiplies by the truncated detached weight', () => {
    // r = π_θ/π_prox = e^{0.1}, weight = min(1.5, π_prox/μ = e^{0.7}) = 1.5, A = 2
    const r = ppoPolicyLoss({ mode: 'decoupled', newLogp: [-1], proxLogp: [-1.1], logpMu: [-1.8], advantages: [2], clipCoef: 0.2, cBar: 1.5 });
    expect(r.pgLoss).toBeCloseTo(-1.5 * 2 * Math.exp(0.1), 12);
    expect(r.truncated).toBe(1);
  });

  it('value loss, plain and clipped (hand-computed)', () => {
    expect(valueLoss({ newValues: [1, 2], returns: [0, 0] })).toBeCloseTo((0.5 * (1 + 4)) / 2, 14);
    // V=2, V_old=1, R=0, ε=0.5: unclipped 4, clipped (1.5 − 0)² = 2.25 → max 4
    // V=0, V_old=1, R=2, ε=0.5: unclipped 4, clipped (0.5 − 2)² = 2.25 → max 4
    // V=1.2, V_old=1, R=3, ε=0.1: unclipped 3.24, clipped (1.1 − 3)² = 3.61 → 3.61
    const v = valueLoss({ newValues: [2, 0, 1.2], oldValues: [1, 1, 1], returns: [0, 2, 3], clipCoef: 0.5 });
    expect(v).toBeCloseTo((0.5 * (4 + 4 + 3.24)) / 3, 12);
    const w = valueLoss({ newValues: [1.2], oldValues: [1], returns: [3], clipCoef: 0.1 });
    expect(w).toBeCloseTo(0.5 * 3.61, 12);
    expect(() => valueLoss({ newValues: [1], returns: [1], clipCoef: 0.1 })).toThrow(InvalidValueError);
  });

  it('approx KL k1 and k3 (hand-computed) and k3 >= 0', () => {
    const k = approxKl({ newLogp: [Math.log(2), 0], oldLogp: [0, 0] });
    expect(k.k1).toBeCloseTo(-Math.log(2) / 2, 14);
    expect(k.k3).toBeCloseTo((1 - Math.log(2)) / 2, 14);
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 1, maxLength: 20 }), (pairs) => {
        expect(approxKl({ newLogp: pairs.map((p) => p[0]), oldLogp: pairs.map((p) => p[1]) }).k3).toBeGreaterThanOrEqual(0);
      }),
      { seed: 33, numRuns: 100 },
    );
  });

  it('explained variance and advantage normalisation', () => {
    expect(explainedVariance([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(explainedVariance([2, 2, 2], [1, 2, 3])).toBeCloseTo(0, 14);
    expect(Number.isNaN(explainedVariance([1, 2], [5, 5]))).toBe(true);
    // [1, 2, 3]: mean 2, unbiased std 1
    expect(Array.from(normalizeAdvantages([1, 2, 3]))).toEqual([-1, 0, 1].map((x) => expect.closeTo(x, 7)));
    expect(Array.from(normalizeAdvantages([5]))).toEqual([0]);
  });
});
