// The points of `ala train`'s learning curve (drawn by experiment/charts.ts with Vega-Lite): each
// episode's return and the mean of the last 100 episodes at its end, against env steps, thinned
// evenly to at most `maxPoints` episodes (the last one always kept) so a long run stays a small SVG.
// Must not: read or write files.

export interface CurvePoint {
  /** Env steps when the episode finished. */
  readonly step: number;
  /** Episodic return. */
  readonly ret: number;
  /** Mean return of the last 100 episodes (this one included). */
  readonly mean: number;
}

export function trainCurvePoints(episodes: readonly { envStep: number; return: number }[], maxPoints = 600): CurvePoint[] {
  if (!(maxPoints >= 2)) throw new RangeError(`maxPoints must be >= 2, got ${maxPoints}`);
  const all: CurvePoint[] = [];
  let sum = 0;
  for (let i = 0; i < episodes.length; i++) {
    sum += episodes[i]!.return;
    if (i >= 100) sum -= episodes[i - 100]!.return;
    all.push({ step: episodes[i]!.envStep, ret: episodes[i]!.return, mean: sum / Math.min(i + 1, 100) });
  }
  if (all.length <= maxPoints) return all;
  const stride = (all.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => all[Math.round(k * stride)]!);
}
