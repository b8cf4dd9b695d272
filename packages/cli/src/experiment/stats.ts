// Summary statistics over seeds for the results report: mean with a two-sided 95 % Student-t
// confidence interval, and the Welch interval of a difference of two means. Pure maths, no I/O.

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (then the normal 1.96). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  return df <= 30 ? T975[Math.floor(df) - 1]! : 1.96;
}

export interface MeanCi {
  readonly mean: number;
  /** Half-width of the 95 % interval (NaN with fewer than 2 values). */
  readonly half: number;
  readonly n: number;
}

function variance(xs: readonly number[], mean: number): number {
  return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
}

/** Mean and 95 % t-interval half-width of the finite values of `xs`. */
export function meanCi(xs: readonly (number | null | undefined)[]): MeanCi {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return { mean: Number.NaN, half: Number.NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  if (v.length < 2) return { mean, half: Number.NaN, n: 1 };
  return { mean, half: (tQuantile975(v.length - 1) * Math.sqrt(variance(v, mean))) / Math.sqrt(v.length), n: v.length };
}

/** a − b with Welch's 95 % interval (unequal variances, Welch–Satterthwaite degrees of freedom). */
export function diffCi(a: readonly number[], b: readonly number[]): MeanCi {
  const ma = meanCi(a);
  const mb = meanCi(b);
  if (ma.n < 2 || mb.n < 2) return { mean: ma.mean - mb.mean, half: Number.NaN, n: Math.min(ma.n, mb.n) };
  const va = variance(a, ma.mean) / ma.n;
  const vb = variance(b, mb.mean) / mb.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { mean: ma.mean - mb.mean, half: 0, n: Math.min(ma.n, mb.n) };
  const df = (va + vb) ** 2 / (va ** 2 / (ma.n - 1) + vb ** 2 / (mb.n - 1));
  return { mean: ma.mean - mb.mean, half: tQuantile975(df) * se, n: Math.min(ma.n, mb.n) };
}

/** "m ± h" with `digits` decimals ("m" alone when h is NaN, "–" when m is NaN). */
export function fmtCi(c: MeanCi, digits = 2): string {
  if (!Number.isFinite(c.mean)) return '–';
  return Number.isFinite(c.half) ? `${c.mean.toFixed(digits)} ± ${c.half.toFixed(digits)}` : c.mean.toFixed(digits);
}

/** 'higher' / 'lower' when the interval of a difference excludes 0, else 'no difference'. */
export function verdict(d: MeanCi): 'higher' | 'lower' | 'no clear difference' {
  if (!Number.isFinite(d.half)) return 'no clear difference';
  if (d.mean - d.half > 0) return 'higher';
  if (d.mean + d.half < 0) return 'lower';
  return 'no clear difference';
}
