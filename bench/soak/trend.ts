// Pure helpers of the soak: parse Prometheus text exposition into name -> value (summed over
// label sets), and fit a least-squares line to a series to say whether it trends. Must not: do I/O.

/** `name{labels} value` lines -> name -> sum of values over label sets (comments skipped). */
export function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
  }
  return out;
}

export interface Trend {
  n: number;
  mean: number;
  slopePerMin: number;
  /** slope x window length / mean: the fitted change over the window, relative to the mean. */
  relChange: number;
  /** slope / its standard error. */
  t: number;
  direction: 'up' | 'down' | 'flat';
}

/** Least-squares slope of y over x (seconds); NaN samples are skipped. */
export function fitTrend(xs: readonly number[], ys: readonly number[], opts: { minRel?: number; minT?: number } = {}): Trend {
  const pts = xs.map((x, i) => [x, ys[i]!] as const).filter(([, y]) => Number.isFinite(y));
  const n = pts.length;
  const mx = pts.reduce((a, [x]) => a + x, 0) / n;
  const my = pts.reduce((a, [, y]) => a + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const slope = n >= 3 && sxx > 0 ? sxy / sxx : 0;
  let sse = 0;
  for (const [x, y] of pts) sse += (y - (my + slope * (x - mx))) ** 2;
  const se = n >= 3 && sxx > 0 ? Math.sqrt(sse / (n - 2) / sxx) : Infinity;
  const t = se === 0 ? (slope === 0 ? 0 : Math.sign(slope) * Infinity) : slope / se;
  const span = n > 0 ? pts[n - 1]![0] - pts[0]![0] : 0;
  const relChange = my !== 0 ? (slope * span) / Math.abs(my) : 0;
  const big = Math.abs(relChange) > (opts.minRel ?? 0.1) && Math.abs(t) > (opts.minT ?? 3);
  return { n, mean: my, slopePerMin: slope * 60, relChange, t, direction: big ? (slope > 0 ? 'up' : 'down') : 'flat' };
}
