// The realtime validation (`npm run validate:realtime`): for each case of cases.ts and each seed,
// the virtual runs ('lockstep' as the experiments run, 'services-model') and the run on the real
// services in real time, one services run at a time, each written atomically to
// OUT/<side>/<case>/seed-<n>.json (an existing file is never rerun, so an interrupted validation
// resumes); then OUT/comparison.json (compare.ts over the seeds every side has), which the report's
// realtime section renders. Must not: print (it reports through onLine).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeRun } from '../report-data';
import { runOnce, type RunResult } from '../run-loop';
import { gitRevision, writeAtomic, type RunFile } from '../runner';
import { meanCi, type MeanCi } from '../stats';
import { DELIVERY_MS, MODELS, POLICY_DELAY_MS, VALIDATION_STEPS, validationCases, virtualConfig, type ModelKind, type ValidationCase } from './cases';
import { compareRuns, type MeasureComparison, type RunNumbers } from './compare';
import { runOnServices, type ServicesExtra } from './services-run';

export type Side = 'services' | ModelKind;
export const SIDES: readonly Side[] = ['services', ...MODELS];

export interface ValidationRunFile extends RunFile {
  readonly side: Side;
  /** Services runs: policy lag, update time, counters, and the load average before and after. */
  readonly extra?: ServicesExtra & { readonly loadavg: { readonly before: number[]; readonly after: number[] } };
}

export interface ValidateOptions {
  readonly out: string;
  readonly seeds: readonly number[];
  readonly steps?: number;
  /** Case ids (default all). */
  readonly cases?: readonly string[];
  /** Sides to run (default all); the comparison uses whatever is on disk. */
  readonly sides?: readonly Side[];
  readonly command: string;
  readonly onLine?: (line: string) => void;
}

export interface ComparisonFile {
  /** The commands that ran the runs compared (kept from the previous comparison.json, plus this one). */
  readonly commands: string[];
  readonly gitRevisions: string[];
  readonly writtenAt: string;
  readonly steps: number;
  readonly policyDelayMs: number;
  readonly deliveryMs: number;
  readonly cases: {
    readonly id: string;
    readonly label: string;
    readonly snapshotEvery: number;
    readonly seeds: Record<Side, number[]>;
    readonly models: { readonly model: ModelKind; readonly measures: MeasureComparison[] }[];
    /** Measured on the services: policy lag (env steps, all swaps of all seeds), update seconds, advice age, wall seconds per run, load average. */
    readonly services: {
      policyLagSteps: MeanCi;
      updateSeconds: MeanCi;
      adviceAgeMs: MeanCi;
      wallSeconds: MeanCi;
      loadavg1: MeanCi;
      /** Lowest and highest advised-step percentage of a single services run. */
      advisedPctRange: [number, number];
    };
    readonly adviceAgeMs: Record<ModelKind, MeanCi>;
  }[];
}

const fileOf = (out: string, side: Side, id: string, seed: number): string => path.join(out, side, id, `seed-${seed}.json`);

async function exists(file: string): Promise<boolean> {
  try {
    const r = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<RunFile>;
    return r.result !== undefined;
  } catch {
    return false;
  }
}

function record(
  c: ValidationCase,
  side: Side,
  seed: number,
  settings: RunFile['settings'],
  result: RunResult,
  extra?: ValidationRunFile['extra'],
): ValidationRunFile {
  return {
    experiment: 'realtime-validation',
    config: c.id,
    label: c.label,
    seed,
    clock: side === 'services' ? 'real' : 'virtual',
    settings,
    result,
    finishedAt: new Date().toISOString(),
    gitRevision: gitRevision(),
    side,
    ...(extra ? { extra } : {}),
  };
}

/** Runs every missing (side, case, seed): the virtual ones first (minutes of CPU), then the services one at a time (real time). */
export async function runValidation(opts: ValidateOptions): Promise<{ ran: number; skipped: number }> {
  const cases = validationCases(opts.steps ?? VALIDATION_STEPS).filter((c) => opts.cases === undefined || opts.cases.includes(c.id));
  const sides = opts.sides ?? SIDES;
  const say = opts.onLine ?? ((): void => undefined);
  let [ran, skipped] = [0, 0];
  const order = [...sides.filter((s) => s !== 'services'), ...sides.filter((s) => s === 'services')];
  for (const side of order) {
    for (const seed of opts.seeds) {
      for (const c of cases) {
        const file = fileOf(opts.out, side, c.id, seed);
        if (await exists(file)) {
          skipped += 1;
          continue;
        }
        const t0 = performance.now();
        if (side === 'services') {
          const before = os.loadavg();
          const { result, extra } = await runOnServices(c.config, seed, { snapshotEvery: c.snapshotEvery });
          await writeAtomic(file, record(c, side, seed, c.config, result, { ...extra, loadavg: { before, after: os.loadavg() } }));
        } else {
          const cfg = virtualConfig(c, side);
          await writeAtomic(file, record(c, side, seed, cfg, await runOnce(cfg, seed, 'virtual')));
        }
        ran += 1;
        say(`${side} ${c.id} seed ${seed}: ${((performance.now() - t0) / 1000).toFixed(0)} s (load ${os.loadavg()[0]!.toFixed(2)})`);
      }
    }
  }
  return { ran, skipped };
}

async function readRuns(out: string, side: Side, id: string): Promise<ValidationRunFile[]> {
  const dir = path.join(out, side, id);
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => /^seed-\d+\.json$/.test(f));
  const runs = await Promise.all(names.map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as ValidationRunFile));
  return runs.sort((a, b) => a.seed - b.seed);
}

export function numbersOf(r: RunFile): RunNumbers {
  const s = summarizeRun(r);
  return { seed: r.seed, piAlone: s.evalAuc, piEnd: s.evalFinal, advisedReturn: s.behaviourAuc, advisedPct: 100 * s.advisedFrac };
}

/** Reads every run under `out` and writes OUT/comparison.json; `command` (if it ran anything) joins the commands recorded there. */
export async function writeComparison(out: string, command: string | undefined, steps = VALIDATION_STEPS): Promise<ComparisonFile> {
  const before = await fs
    .readFile(path.join(out, 'comparison.json'), 'utf8')
    .then((t) => (JSON.parse(t) as Partial<ComparisonFile>).commands ?? [])
    .catch(() => [] as string[]);
  const commands = command === undefined || before.includes(command) ? before : [...before, command];
  const revs = new Set<string>();
  const cases: ComparisonFile['cases'] = [];
  for (const c of validationCases(steps)) {
    const runs = Object.fromEntries(await Promise.all(SIDES.map(async (s) => [s, await readRuns(out, s, c.id)] as const))) as Record<Side, ValidationRunFile[]>;
    for (const s of SIDES) for (const r of runs[s]) revs.add(r.gitRevision);
    const svc = runs.services;
    const ex = svc.flatMap((r) => (r.extra ? [r.extra] : []));
    cases.push({
      id: c.id,
      label: c.label,
      snapshotEvery: c.snapshotEvery,
      seeds: Object.fromEntries(SIDES.map((s) => [s, runs[s].map((r) => r.seed)])) as Record<Side, number[]>,
      models: MODELS.map((model) => ({ model, measures: compareRuns(svc.map(numbersOf), runs[model].map(numbersOf)) })),
      services: {
        policyLagSteps: meanCi(ex.flatMap((e) => e.policyLagSteps)),
        updateSeconds: meanCi(ex.map((e) => e.updateSeconds)),
        adviceAgeMs: meanCi(ex.map((e) => e.adviceAgeMs)),
        wallSeconds: meanCi(svc.map((r) => r.result.wallSeconds)),
        loadavg1: meanCi(ex.flatMap((e) => [e.loadavg.before[0]!, e.loadavg.after[0]!])),
        advisedPctRange: [Math.min(...svc.map((r) => numbersOf(r).advisedPct)), Math.max(...svc.map((r) => numbersOf(r).advisedPct))],
      },
      adviceAgeMs: Object.fromEntries(MODELS.map((m) => [m, meanCi(runs[m].map((r) => r.result.advice.meanAgeMs))])) as Record<ModelKind, MeanCi>,
    });
  }
  const file: ComparisonFile = {
    commands,
    gitRevisions: [...revs].sort(),
    writtenAt: new Date().toISOString(),
    steps,
    policyDelayMs: POLICY_DELAY_MS,
    deliveryMs: DELIVERY_MS,
    cases,
  };
  await writeAtomic(path.join(out, 'comparison.json'), file);
  return file;
}
