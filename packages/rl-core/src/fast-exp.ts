// exp(x) for x <= 0, ~3x faster than Math.exp in V8 and within 5e-16 relative error of it
// (checked over a dense grid in test/fast-exp.test.ts). Used only by the actor hot path
// (act-batch.ts), where 400 exponentials per batch dominate the cost.
// Method: table-driven exponential (P. T. P. Tang, "Table-driven implementation of the
// exponential function in IEEE floating-point arithmetic", ACM TOMS 15(2), 1989,
// https://doi.org/10.1145/63522.214389): x = (64m + j)·ln2/64 + r with |r| <= ln2/128, so
// exp(x) = 2^m · 2^(j/64) · exp(r), exp(r) by a degree-5 Taylor polynomial (error r^6/720 < 4e-17)
// in Estrin form (shorter dependency chain than Horner). The WebAssembly kernel of actBatch
// (../assembly/act-kernel.ts) does the same operations two lanes at a time.
// ln2/64 is split into a high part with trailing zero bits (exact products) and a low part
// (fdlibm's ln2_hi/ln2_lo divided by 64). Must not: be used for x > 0 (returns garbage there).

import { hotMath } from './math';

const { pow } = hotMath;

const TWO_POW_J64 = new Float64Array(64);
for (let j = 0; j < 64; j++) TWO_POW_J64[j] = pow(2, j / 64);
/** 2^-m for m = 0..1100 (exact: powers of two, down into subnormals). */
const TWO_POW_NEG = new Float64Array(1101);
for (let m = 0; m <= 1100; m++) TWO_POW_NEG[m] = pow(2, -m);
const INV_L = 64 / Math.LN2;
const L_HI = 6.9314718036912381649e-1 / 64;
const L_LO = 1.90821492927058770002e-10 / 64;
/** 1.5·2^52: (y + SHIFT) − SHIFT rounds y to the nearest integer (ties to even) for |y| < 2^51. */
const SHIFT = 6755399441055744;

/** exp(x) for x <= 0 (including -Infinity, which gives 0). */
export function expNonPositive(x: number): number {
  if (!(x > -745.2)) return 0; // below the smallest subnormal, -Infinity, or NaN (callers validate NaN away)
  // Round by the 1.5·2^52 shift, not Math.round: ~1.8x faster over the whole function in V8.
  const k = x * INV_L + SHIFT - SHIFT;
  const r = x - k * L_HI - k * L_LO;
  const r2 = r * r;
  const p = 1 + r + r2 * (0.5 + r * (1 / 6)) + r2 * r2 * (1 / 24 + r * (1 / 120));
  return (TWO_POW_J64[k & 63] as number) * p * (TWO_POW_NEG[-(k >> 6)] as number);
}
