import fc from 'fast-check';
import { createRng, deriveSeed, fillRandn, InvalidValueError, permutation, randInt, randn, rngSplit } from '@ala/rl-core';

describe('xoshiro128** generator', () => {
  it('matches the reference C implementation (SplitMix64-seeded with 42)', () => {
    // Produced by the reference xoshiro128starstar.c + splitmix64.c compiled with gcc.
    const rng = createRng(42);
    const got = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(got).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
  });

  it('matches the reference C implementation from the raw state [1, 2, 3, 4]', () => {
    const rng = createRng(0);
    rng.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4] });
    const got = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('replays exactly after getState/setState through JSON', () => {
    const rng = createRng(7n);
    for (let i = 0; i < 10; i++) rng.nextFloat();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const a = [rng.nextFloat(), rng.nextUint32(), randn(rng)];
    const other = createRng(999);
    other.setState(saved);
    expect([other.nextFloat(), other.nextUint32(), randn(other)]).toEqual(a);
  });

  it('rejects bad states with a typed error and keeps its state', () => {
    const rng = createRng(3);
    const before = rng.getState();
    expect(() => rng.setState({ algorithm: 'pcg32', s: [1, 2, 3, 4] })).toThrow(InvalidValueError);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(InvalidValueError);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3] })).toThrow(InvalidValueError);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 2 ** 32] })).toThrow(InvalidValueError);
    expect(rng.getState()).toEqual(before);
    expect(() => createRng(1.5)).toThrow(InvalidValueError);
    expect(() => createRng(Number.NaN)).toThrow(InvalidValueError);
  });

  it('gives floats in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(11);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    expect(outside).toBe(0);
    // 5 standard errors: sd(U) / sqrt(n) = 0.2887 / 447 = 6.5e-4.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 6.5e-4);
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(2e-3);
  });

  it('derives distinct, reproducible sub-streams', () => {
    const seeds = new Set<number>();
    for (let k = 0; k < 1000; k++) seeds.add(deriveSeed(123, k));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(123, 5)).toBe(deriveSeed(123n, 5n));
    expect(deriveSeed(123, 5)).not.toBe(deriveSeed(124, 5));
    expect(Number.isSafeInteger(deriveSeed(2n ** 63n, 1))).toBe(true);
    const a = rngSplit(1, 2);
    const b = rngSplit(1, 2);
    const c = rngSplit(1, 3);
    const xa = [a.nextUint32(), a.nextUint32()];
    expect([b.nextUint32(), b.nextUint32()]).toEqual(xa);
    expect([c.nextUint32(), c.nextUint32()]).not.toEqual(xa);
  });

  it('draws standard normals (mean 0, variance 1, symmetric tails)', () => {
    const out = fillRandn(createRng(5), new Float64Array(100_000));
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (const x of out) {
      s += x;
      s2 += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    expect(Math.abs(s / out.length)).toBeLessThan(0.015);
    expect(Math.abs(s2 / out.length - 1)).toBeLessThan(0.02);
    // P(|Z| > 2) = 0.0455
    expect(Math.abs(beyond2 / out.length - 0.0455)).toBeLessThan(0.004);
  });

  it('randInt is uniform and permutation is a permutation', () => {
    const rng = createRng(9);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[randInt(rng, 6)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(450);
    expect(() => randInt(rng, 0)).toThrow(InvalidValueError);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const p = Array.from(permutation(createRng(seed), n)).sort((x, y) => x - y);
        expect(p).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { seed: 1, numRuns: 50 },
    );
  });
});
