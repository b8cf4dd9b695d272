import { expNonPositive } from '../src/fast-exp';

describe('expNonPositive (table-driven exp used by actBatch)', () => {
  it('is within 5e-16 relative error of Math.exp on a dense grid of [-745, 0]', () => {
    let worst = 0;
    for (let i = 0; i <= 400_000; i++) {
      const x = -745 * (i / 400_000) - 1e-3 * Math.sin(i); // irregular points, not only table nodes
      const want = Math.exp(Math.min(0, x));
      if (want < 1e-300) continue; // subnormal range: absolute error below is what matters
      worst = Math.max(worst, Math.abs(expNonPositive(Math.min(0, x)) - want) / want);
    }
    expect(worst).toBeLessThan(5e-16);
  });

  it('handles the ends: 0, tiny, subnormal, underflow, -Infinity', () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-1e-300)).toBe(1);
    expect(Math.abs(expNonPositive(-740) - Math.exp(-740))).toBeLessThan(1e-320);
    expect(expNonPositive(-746)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
  });
});
