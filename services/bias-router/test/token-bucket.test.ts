// TokenBuckets: burst, refill rate, all-or-nothing charging of several keys, bounded key count,
// and a property against a naive per-key simulation.
import fc from 'fast-check';
import { TokenBuckets } from '../src';

describe('TokenBuckets', () => {
  it('admits a burst, then refills at ratePerS', () => {
    const b = new TokenBuckets({ ratePerS: 10, burst: 3, maxKeys: 10 });
    expect([0, 0, 0, 0].map(() => b.take(['p'], 0))).toEqual([true, true, true, false]);
    expect(b.take(['p'], 99)).toBe(false); // 0.99 tokens
    expect(b.take(['p'], 100)).toBe(true); // one token after 100 ms at 10/s
    expect(b.tokens('p', 10_000)).toBe(3); // capped at burst
  });

  it('charges several advisors all or nothing', () => {
    const b = new TokenBuckets({ ratePerS: 1, burst: 1, maxKeys: 10 });
    expect(b.take(['p'], 0)).toBe(true);
    expect(b.take(['q', 'p'], 0)).toBe(false);
    expect(b.tokens('q', 0)).toBe(1); // q was not charged
    expect(b.take(['q', 'q'], 0)).toBe(true); // distinct keys: charged once
  });

  it('keeps at most maxKeys buckets', () => {
    const b = new TokenBuckets({ ratePerS: 1, burst: 1, maxKeys: 2 });
    b.take(['a'], 0);
    b.take(['b'], 0);
    b.take(['c'], 0);
    expect(b.size()).toBe(2);
  });

  it('refuses bad options', () => {
    expect(() => new TokenBuckets({ ratePerS: 0, burst: 1, maxKeys: 1 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ ratePerS: 1, burst: 0.5, maxKeys: 1 })).toThrow(RangeError);
  });

  it('matches a naive simulation on random single-key traffic', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), (gaps, burst) => {
        const rate = 5;
        const b = new TokenBuckets({ ratePerS: rate, burst, maxKeys: 4 });
        let tokens = burst;
        let t = 0;
        let last = 0;
        for (const g of gaps) {
          t += g;
          tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
          last = t;
          const want = tokens >= 1;
          if (want) tokens -= 1;
          if (b.take(['k'], t) !== want) return false;
        }
        return true;
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
