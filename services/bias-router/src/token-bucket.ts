// Per-advisor rate limit: one token bucket per key (capacity `burst`, refilled at `ratePerS`
// tokens per second), at most `maxKeys` buckets (least recently used forgotten first, which only
// ever gives a forgotten key a full bucket). Pure: time is passed in, ms on a monotonic clock.
// Reference: https://en.wikipedia.org/wiki/Token_bucket

export interface TokenBucketOptions {
  /** Tokens added per second (> 0). */
  ratePerS: number;
  /** Bucket capacity (>= 1): the largest burst admitted at once. */
  burst: number;
  /** Buckets kept at once. */
  maxKeys: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: TokenBucketOptions) {
    if (!(opts.ratePerS > 0) || !Number.isFinite(opts.ratePerS)) throw new RangeError(`ratePerS must be a finite number > 0, got ${opts.ratePerS}`);
    if (!(opts.burst >= 1) || !Number.isFinite(opts.burst)) throw new RangeError(`burst must be a finite number >= 1, got ${opts.burst}`);
    if (!(opts.maxKeys >= 1)) throw new RangeError(`maxKeys must be >= 1, got ${opts.maxKeys}`);
  }

  /** Tokens in `key`'s bucket at `now` (burst for an unknown key). */
  tokens(key: string, now: number): number {
    const b = this.buckets.get(key);
    if (b === undefined) return this.opts.burst;
    return Math.min(this.opts.burst, b.tokens + (Math.max(0, now - b.at) * this.opts.ratePerS) / 1000);
  }

  /**
   * Takes one token from each distinct key at `now`, all or nothing: returns false (and takes
   * nothing) when any bucket has less than one token.
   */
  take(keys: readonly string[], now: number): boolean {
    const distinct = [...new Set(keys)];
    const levels = distinct.map((k) => this.tokens(k, now));
    if (levels.some((t) => t < 1)) return false;
    distinct.forEach((k, i) => {
      this.buckets.delete(k);
      this.buckets.set(k, { tokens: (levels[i] as number) - 1, at: now });
    });
    while (this.buckets.size > this.opts.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
    return true;
  }

  size(): number {
    return this.buckets.size;
  }
}
