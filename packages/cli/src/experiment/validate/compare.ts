// The comparison of the realtime validation: per case, per virtual model and per measure, the
// services' runs (real time) against the virtual ones over the same seeds: each side's mean with
// its 95 % Student-t interval, whether the virtual mean lies in the services' interval (the test
// the issue asks for), and Welch's interval of services − virtual. Pure: numbers in, numbers out.
import { diffCi, meanCi, type MeanCi } from '../stats';

/** The per-run numbers compared (from a RunResult via summarizeRun). */
export interface RunNumbers {
  readonly seed: number;
  /** π alone, mean over the evaluations of the run. */
  readonly piAlone: number;
  /** π alone at the end. */
  readonly piEnd: number;
  /** Behaviour return with advice (last 100 episodes), mean over the run. */
  readonly advisedReturn: number;
  /** Advised steps / steps, mean over chunks, in %. */
  readonly advisedPct: number;
}

export const MEASURES: readonly { key: Exclude<keyof RunNumbers, 'seed'>; label: string }[] = [
  { key: 'piAlone', label: 'π alone, mean over training' },
  { key: 'piEnd', label: 'π alone, end' },
  { key: 'advisedReturn', label: 'return with advice (behaviour), mean over training' },
  { key: 'advisedPct', label: 'advised steps (%)' },
];

export interface MeasureComparison {
  readonly measure: string;
  readonly label: string;
  readonly services: MeanCi;
  readonly virtual: MeanCi;
  /** The virtual mean lies in the services' 95 % interval (false when that interval is undefined). */
  readonly virtualInServicesCi: boolean;
  /** services − virtual, Welch 95 %. */
  readonly diff: MeanCi;
  /** Welch's interval contains 0. */
  readonly diffCovers0: boolean;
}

/** Is `x` inside the interval `c` (mean ± half; a zero-width interval holds only its mean)? */
export function inCi(x: number, c: MeanCi): boolean {
  return Number.isFinite(x) && Number.isFinite(c.mean) && Number.isFinite(c.half) && Math.abs(x - c.mean) <= c.half;
}

/** Compares the runs of the seeds both sides have (a seed missing on one side is left out of both). */
export function compareRuns(services: readonly RunNumbers[], virtual: readonly RunNumbers[]): MeasureComparison[] {
  const seeds = new Set(services.map((r) => r.seed).filter((s) => virtual.some((v) => v.seed === s)));
  const s = services.filter((r) => seeds.has(r.seed));
  const v = virtual.filter((r) => seeds.has(r.seed));
  return MEASURES.map(({ key, label }) => {
    const sc = meanCi(s.map((r) => r[key]));
    const vc = meanCi(v.map((r) => r[key]));
    const d = diffCi(
      s.map((r) => r[key]),
      v.map((r) => r[key]),
    );
    return {
      measure: key,
      label,
      services: sc,
      virtual: vc,
      virtualInServicesCi: inCi(vc.mean, sc),
      diff: d,
      diffCovers0: Number.isFinite(d.half) && Math.abs(d.mean) <= d.half,
    };
  });
}
