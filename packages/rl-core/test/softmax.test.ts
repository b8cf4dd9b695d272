import fc from 'fast-check';
import {
  biasedLogits,
  createRng,
  entropy,
  InvalidValueError,
  logSoftmax,
  logsumexp,
  NoLegalActionError,
  sampleCategorical,
  sampleLogits,
  ShapeError,
  softmax,
} from '@ala/rl-core';

const logits = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 12 });

describe('logsumexp / logSoftmax / softmax', () => {
  it('matches hand-computed values', () => {
    // log(e^1 + e^2 + e^3) = 3 + log(1 + e^-1 + e^-2) = 3.40760596444438
    expect(logsumexp([1, 2, 3])).toBeCloseTo(3.40760596444438, 12);
    const lp = logSoftmax([1, 2, 3]);
    expect(Array.from(lp)).toEqual([1 - 3.40760596444438, 2 - 3.40760596444438, 3 - 3.40760596444438].map((x) => expect.closeTo(x, 12)));
    expect(Array.from(softmax([0, Math.log(3)]))).toEqual([expect.closeTo(0.25, 14), expect.closeTo(0.75, 14)]);
  });

  it('gives no NaN for logits of +-1e3', () => {
    expect(logsumexp([1e3, 1e3])).toBeCloseTo(1e3 + Math.log(2), 10);
    const p = softmax([1e3, -1e3, 0]);
    expect(Array.from(p)).toEqual([1, 0, 0]);
    const lp = logSoftmax([-1e3, -1e3]);
    expect(Array.from(lp)).toEqual([expect.closeTo(-Math.log(2), 12), expect.closeTo(-Math.log(2), 12)]);
  });

  it('keeps masked actions at -Infinity / probability 0', () => {
    const lp = logSoftmax([1, 5, -Infinity, 2], [1, 0, 1, 1]);
    expect(lp[1]).toBe(-Infinity);
    expect(lp[2]).toBe(-Infinity);
    expect(Math.exp(lp[0]!) + Math.exp(lp[3]!)).toBeCloseTo(1, 14);
    expect(() => logSoftmax([1, 2], [0, 0])).toThrow(NoLegalActionError);
    expect(logsumexp([-Infinity, -Infinity])).toBe(-Infinity);
  });

  it('rejects NaN, +Infinity and wrong shapes without writing the output', () => {
    const out = new Float64Array([7, 7]);
    expect(() => logSoftmax([1, Number.NaN], undefined, out)).toThrow(InvalidValueError);
    expect(() => logSoftmax([1, Infinity], undefined, out)).toThrow(InvalidValueError);
    expect(() => logSoftmax([1, 2], [1], out)).toThrow(ShapeError);
    expect(() => logSoftmax([1, 2, 3], undefined, out)).toThrow(ShapeError);
    expect(Array.from(out)).toEqual([7, 7]);
  });

  it('property: softmax sums to 1 and equals exp(logSoftmax); masked stay 0 under any bias', () => {
    fc.assert(
      fc.property(logits, fc.integer(), fc.double({ min: 0, max: 10, noNaN: true }), (z, seed, beta) => {
        const rng = createRng(seed);
        const mask = z.map((_, i) => (i === 0 || rng.nextFloat() < 0.7 ? 1 : 0));
        const bias = z.map(() => 10 * (2 * rng.nextFloat() - 1));
        const y = biasedLogits(z, bias, beta, mask);
        const p = softmax(y);
        let s = 0;
        for (let a = 0; a < z.length; a++) {
          expect(Number.isNaN(p[a]!)).toBe(false);
          if (!mask[a]) {
            expect(y[a]).toBe(-Infinity);
            expect(p[a]).toBe(0);
          }
          s += p[a]!;
        }
        expect(s).toBeCloseTo(1, 12);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('entropy: uniform over k legal actions is log k; one-hot is 0', () => {
    expect(entropy([0, 0, 0, 0, 1e3, 0, 0, 0], 4)).toBeCloseTo((Math.log(4) + 0) / 2, 12);
    expect(entropy([0, 0, 0, 0], 4, [1, 1, 0, 0])).toBeCloseTo(Math.log(2), 12);
    expect(() => entropy([0, 0, 0], 2)).toThrow(InvalidValueError);
  });
});

describe('categorical sampling', () => {
  it('matches the probabilities (chi-square, fixed seed)', () => {
    const probs = [0.1, 0.2, 0.3, 0.4];
    const rng = createRng(2024);
    const n = 100_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleCategorical(probs, rng)]! += 1;
    let chi2 = 0;
    for (let a = 0; a < 4; a++) chi2 += (counts[a]! - n * probs[a]!) ** 2 / (n * probs[a]!);
    expect(chi2).toBeLessThan(16.27); // p = 0.001 critical value, 3 degrees of freedom
  });

  it('never returns a zero-probability or masked action', () => {
    fc.assert(
      fc.property(logits, fc.integer(), (z, seed) => {
        const rng = createRng(seed);
        const mask = z.map((_, i) => (i === z.length - 1 || rng.nextFloat() < 0.5 ? 1 : 0));
        for (let k = 0; k < 20; k++) expect(mask[sampleLogits(z, rng, mask)]).toBe(1);
        const p = softmax(z, mask);
        for (let k = 0; k < 20; k++) expect(p[sampleCategorical(p, rng)]).toBeGreaterThan(0);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('sampleLogits agrees with sampleCategorical(softmax) draw for draw', () => {
    const z = [0.3, -1, 2, 0.5, -Infinity];
    const a = createRng(77);
    const b = createRng(77);
    const p = softmax(z);
    for (let k = 0; k < 1000; k++) expect(sampleLogits(z, a)).toBe(sampleCategorical(p, b));
  });

  it('rejects bad weights', () => {
    const rng = createRng(1);
    expect(() => sampleCategorical([0, 0], rng)).toThrow(NoLegalActionError);
    expect(() => sampleCategorical([0.5, -0.1], rng)).toThrow(InvalidValueError);
    expect(() => sampleCategorical([0.5, Number.NaN], rng)).toThrow(InvalidValueError);
  });
});
