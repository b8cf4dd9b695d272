// Reads a results directory (DIR/<experiment>/experiment.json and <config>/seed-<n>.json) and
// reduces each run to the numbers the report compares: π alone (eval) at the end and averaged over
// training (the area under its learning curve), the behaviour return with advice, advice and IS
// statistics, the steps to each milestone; then per configuration the mean curves with 95 %
// intervals over seeds. Must not: write files or format text.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MILESTONES } from '@ala/envs';
import type { NamedConfig } from './run-config';
import type { RunFile } from './runner';
import { meanCi, type MeanCi } from './stats';

export interface ExperimentMeta {
  readonly name: string;
  readonly claim: string;
  readonly design: string;
  readonly xLabel?: string;
  readonly quick: boolean;
  readonly clock: string;
  readonly seeds: number[];
  readonly configs: NamedConfig[];
  readonly command: string;
  /** Every command that ran into this directory, oldest first (older files: absent). */
  readonly commands?: string[];
  readonly gitRevision: string;
}

/** The numbers of one run. */
export interface RunSummary {
  readonly config: string;
  readonly seed: number;
  /** π alone at the end of the run. */
  readonly evalFinal: number;
  /** Mean of π alone over every evaluation (the area under its learning curve / steps). */
  readonly evalAuc: number;
  readonly evalSuccess: number;
  /** Behaviour return (with advice), last 100 episodes at the end; and averaged over the run. */
  readonly behaviourFinal: number;
  readonly behaviourAuc: number;
  readonly advisedFrac: number;
  readonly maxLogRatio: number;
  readonly isWeightMean: number;
  readonly isWeightMax: number;
  readonly essOverN: number;
  readonly klMuPi: number;
  /** Env steps from which on the behaviour (last 100 episodes) reached each milestone in >= half the episodes; null = not at the end. */
  readonly milestoneSteps: (number | null)[];
  /** The same for π alone (evaluations). */
  readonly milestoneStepsEval: (number | null)[];
  readonly envSteps: number;
  readonly runSeconds: number;
  readonly wallSeconds: number;
  readonly gitRevision: string;
  /** Behaviour return averaged over the curve points from `fromStep` on (set by the caller). */
  readonly curve: RunFile['result']['curve'];
  readonly evals: RunFile['result']['evals'];
  /** Per real-LLM advisor: model, server, latencies, agreement (absent for scripted advisors). */
  readonly llm?: RunFile['result']['llm'];
}

export interface ConfigResults {
  readonly cfg: NamedConfig;
  readonly runs: RunSummary[];
}

export interface ExperimentResults {
  readonly meta: ExperimentMeta;
  readonly configs: ConfigResults[];
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length);

export function summarizeRun(r: RunFile): RunSummary {
  const c = r.result.curve;
  const e = r.result.evals;
  const last = c.at(-1);
  // from which point on the milestone stays reached in at least half the episodes (a first window of
  // only the quickest episodes, all successes, does not count)
  const firstAt = (pts: readonly { envSteps: number; milestones: number[] }[], j: number): number | null => {
    let from: number | null = null;
    for (const p of pts) from = (p.milestones[j] ?? 0) >= 0.5 ? (from ?? p.envSteps) : null;
    return from;
  };
  return {
    config: r.config,
    seed: r.seed,
    evalFinal: e.at(-1)?.ret ?? Number.NaN,
    evalAuc: mean(e.map((p) => p.ret)),
    evalSuccess: e.at(-1)?.success ?? Number.NaN,
    behaviourFinal: last?.ret100 ?? Number.NaN,
    behaviourAuc: mean(c.flatMap((p) => (p.ret100 === null ? [] : [p.ret100]))),
    advisedFrac: mean(c.map((p) => p.advisedFrac)),
    maxLogRatio: Math.max(0, ...c.map((p) => p.maxLogRatio)),
    isWeightMean: mean(c.map((p) => p.isWeightMean)),
    isWeightMax: Math.max(0, ...c.map((p) => p.isWeightMax)),
    essOverN: mean(c.map((p) => p.essOverN)),
    klMuPi: mean(c.map((p) => p.klMuPi)),
    milestoneSteps: MILESTONES.map((_, j) => firstAt(c, j)),
    milestoneStepsEval: MILESTONES.map((_, j) => firstAt(e, j)),
    envSteps: r.result.envSteps,
    runSeconds: r.result.seconds,
    wallSeconds: r.result.wallSeconds,
    gitRevision: r.gitRevision ?? 'unknown',
    curve: c,
    evals: e,
    ...(r.result.llm ? { llm: r.result.llm } : {}),
  };
}

/** Every experiment under `dir` with at least its experiment.json, in registry order when known. */
export async function loadResults(dir: string, order: readonly string[] = []): Promise<ExperimentResults[]> {
  const names = (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name);
  names.sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || a.localeCompare(b));
  const out: ExperimentResults[] = [];
  for (const name of names) {
    const metaFile = path.join(dir, name, 'experiment.json');
    let meta: ExperimentMeta;
    try {
      meta = JSON.parse(await fs.readFile(metaFile, 'utf8')) as ExperimentMeta;
    } catch {
      continue;
    }
    const configs: ConfigResults[] = [];
    // the configurations named in experiment.json, then any other directory holding runs (e.g. from
    // an older experiment.json written by a run restricted with --only)
    const named = new Set(meta.configs.map((c) => c.id));
    const extra: NamedConfig[] = [];
    for (const d of await fs.readdir(path.join(dir, name), { withFileTypes: true })) {
      if (!d.isDirectory() || named.has(d.name)) continue;
      const f = (await fs.readdir(path.join(dir, name, d.name))).find((x) => /^seed-\d+\.json$/.test(x));
      if (f === undefined) continue;
      const r = JSON.parse(await fs.readFile(path.join(dir, name, d.name, f), 'utf8')) as RunFile;
      extra.push({ id: r.config, label: r.label, config: r.settings, ...(r.x !== undefined ? { x: r.x } : {}) });
    }
    for (const cfg of [...meta.configs, ...extra]) {
      const files = (await fs.readdir(path.join(dir, name, cfg.id)).catch(() => [] as string[])).filter((f) => /^seed-\d+\.json$/.test(f));
      const runs: RunSummary[] = [];
      for (const f of files) {
        const r = JSON.parse(await fs.readFile(path.join(dir, name, cfg.id, f), 'utf8')) as RunFile;
        runs.push(summarizeRun(r));
      }
      runs.sort((a, b) => a.seed - b.seed);
      configs.push({ cfg, runs });
    }
    out.push({ meta, configs });
  }
  return out;
}

/**
 * π alone (evaluations on fresh envs, no advice) averaged over the second half of the run, i.e.
 * after advice stopped in the configurations that stop it at 50 %. (The behaviour return is a mean
 * over the last 100 episodes, up to 30k env steps here, so it would still hold advised episodes.)
 */
export function secondHalfEval(r: RunSummary): number {
  const pts = r.evals.filter((p) => p.envSteps > 0.5 * r.envSteps);
  return pts.length === 0 ? Number.NaN : pts.reduce((s, p) => s + p.ret, 0) / pts.length;
}

/** Mean and 95 % interval over seeds of a per-run number. */
export function over(c: ConfigResults | undefined, f: (r: RunSummary) => number): MeanCi {
  return meanCi(c?.runs.map(f) ?? []);
}

/** Per x (env steps) the mean and interval over seeds of `pick` along the runs' points (runs share their x grid). */
export function meanCurve<P extends { envSteps: number }>(
  runs: readonly RunSummary[],
  points: (r: RunSummary) => readonly P[],
  pick: (p: P) => number | null,
): { x: number; ci: MeanCi }[] {
  const xs = new Map<number, (number | null)[]>();
  for (const r of runs) for (const p of points(r)) xs.set(p.envSteps, [...(xs.get(p.envSteps) ?? []), pick(p)]);
  return [...xs.entries()].sort((a, b) => a[0] - b[0]).map(([x, v]) => ({ x, ci: meanCi(v) }));
}
