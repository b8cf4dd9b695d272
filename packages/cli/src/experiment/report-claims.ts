// What the headline sentences of docs/results.md are built from (report-verdicts.ts and
// report-extra.ts): a configuration's runs by experiment and id, the two measures compared, the
// difference of two configurations with its verdict, and the seed counts. Must not: decide a
// claim or run anything.
import type { ConfigResults, ExperimentResults, RunSummary } from './report-data';
import { diffCi, fmtCi, verdict, type MeanCi } from './stats';

export type Pick = (r: RunSummary) => number;
/** π alone averaged over training. */
export const auc: Pick = (r) => r.evalAuc;
/** Behaviour (with advice) averaged over training. */
export const beh: Pick = (r) => r.behaviourAuc;

/** Configuration `id` of experiment `exp`, when it has runs. */
export function cfgOf(results: readonly ExperimentResults[], exp: string, id: string): ConfigResults | undefined {
  const c = results.find((e) => e.meta.name === exp)?.configs.find((x) => x.cfg.id === id);
  return c && c.runs.length > 0 ? c : undefined;
}

/** Welch interval of `a` − `b` on measure `f`. */
export function d(a: ConfigResults, b: ConfigResults, f: Pick): MeanCi {
  return diffCi(a.runs.map(f), b.runs.map(f));
}

/** "Δ m ± h, verdict". */
export const cmp = (x: MeanCi): string => `Δ ${fmtCi(x)}, ${verdict(x)}`;

/** "n seeds", n the fewest runs among `cs`. */
export function seedsOf(...cs: ConfigResults[]): string {
  const n = Math.min(...cs.map((c) => c.runs.length));
  return `${n} seed${n === 1 ? '' : 's'}`;
}

/** A claim not supported counts against the paper only with at least 5 seeds on each side. */
export const enough = (...cs: ConfigResults[]): boolean => cs.every((c) => c.runs.length >= 5);
