// The Bias message every transport benchmark sends (281 bytes encoded: 20 actions), so run.ts,
// hop-segments.ts and their baselines measure the same payload. Must not do I/O.
import type { Bias } from '@ala/protocol';

/** Lifetime the benchmarks publish with: long enough that nothing expires in flight. */
export const BENCH_TTL_MS = 5_000;

export const BENCH_BIAS: Bias = {
  v: 1,
  agentId: 'agent-07',
  adviceId: 'adv-5f3a9c',
  stateSeq: 0,
  bound: 2,
  ttlMs: BENCH_TTL_MS,
  createdAt: 1_795_000_000_123,
  bias: Array.from({ length: 20 }, (_, k) => 2 * Math.sin(k * 1.7) * 0.999),
  recommended: 4,
};
