// Runs a named experiment over seeds into DIR/<experiment>/: experiment.json (the claim, the
// configurations, seeds, command, git revision, versions) and one <config>/seed-<n>.json per
// finished (config, seed), written atomically, so an interrupted run resumes where it stopped (a
// finished pair is never rerun). `shard: [k, n]` runs only every n-th pair from the k-th (one
// process per core). A configuration with `llm` advisors gets an LlmClient whose answer cache is
// <config>/seed-<n>.llm-cache.json, so the run can be repeated without the server. Must not: print (it reports through onRun/onSteps).
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { runtimeVersions, writeFileAtomic } from '../train/run-dir';
import type { NamedConfig } from './run-config';
import { LlmClient } from './llm-client';
import { runOnce, type ClockMode, type RunResult } from './run-loop';
import type { Experiment } from './registry';

export interface RunFile {
  readonly experiment: string;
  readonly config: string;
  readonly label: string;
  readonly seed: number;
  readonly clock: ClockMode;
  readonly x?: number;
  readonly settings: NamedConfig['config'];
  readonly result: RunResult;
  readonly finishedAt: string;
  readonly gitRevision: string;
  /** Set when the result is that of an identical (settings, seed) run of another experiment. */
  readonly reusedFrom?: string;
}

export interface RunnerOptions {
  readonly seeds: readonly number[];
  readonly quick: boolean;
  readonly out: string;
  readonly clock?: ClockMode;
  /** [k, n]: this process runs pairs k, k+n, k+2n ... */
  readonly shard?: readonly [number, number];
  /** Only these config ids (default all). */
  readonly only?: readonly string[];
  /** OpenAI-compatible server of `llm` advisors (default: the local llama-server, started on the first cache miss). */
  readonly llmEndpoint?: string;
  /** The command line that started the run, recorded in experiment.json. */
  readonly command: string;
  readonly onRun?: (e: { config: string; seed: number; skipped: boolean; done: number; total: number; wallSeconds?: number }) => void;
  readonly onSteps?: (config: string, seed: number, envSteps: number, totalSteps: number) => void;
}

/** `git rev-parse HEAD` (+ "-dirty" with uncommitted changes), or "unknown" outside a git clone. */
export function gitRevision(cwd = process.cwd()): string {
  try {
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${rev}-dirty` : rev;
  } catch {
    return 'unknown';
  }
}

export const runFileName = (dir: string, config: string, seed: number): string => path.join(dir, config, `seed-${seed}.json`);

/** A finished run in `file` made with other settings than the configuration now has (the code's defaults changed, or the registry did). */
export class StaleRunError extends Error {
  override readonly name = 'StaleRunError';
  constructor(readonly file: string) {
    super(`${file} was run with other settings than the configuration has now: move its experiment directory away (or use another --out) to rerun it`);
  }
}

/**
 * Whether `file` holds a finished run of `settings` (a missing or unreadable file is rerun).
 * Throws StaleRunError when it holds a finished run of other settings: resuming must not mix runs
 * of two configurations under one name.
 */
async function finished(file: string, settings: NamedConfig['config']): Promise<boolean> {
  let r: Partial<RunFile>;
  try {
    r = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<RunFile>;
  } catch {
    return false;
  }
  if (r.result === undefined || !Array.isArray(r.result.curve)) return false;
  if (canonical(r.settings) !== canonical(settings)) throw new StaleRunError(file);
  return true;
}

/** Writes `data` as one line of JSON, atomically (a crash leaves the old file or the new one), creating the directory. */
export async function writeAtomic(file: string, data: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(data)}\n`);
}

/** JSON with object keys sorted and null values dropped, so equal settings compare equal whatever built them. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x)
            .filter(([, v]) => v !== null) // an optional setting at its null default equals its absence (older run files)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
}

/**
 * A finished run of identical settings and seed in any experiment under `out` (e.g. the 'no
 * advice' baseline every experiment shares): runs are deterministic given (settings, seed), so
 * it is reused instead of rerun.
 */
async function sameRun(out: string, settings: NamedConfig['config'], seed: number): Promise<RunFile | undefined> {
  const want = canonical(settings);
  for (const e of await fs.readdir(out, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory()) continue;
    for (const c of await fs.readdir(path.join(out, e.name), { withFileTypes: true }).catch(() => [])) {
      if (!c.isDirectory()) continue;
      const file = runFileName(path.join(out, e.name), c.name, seed);
      try {
        const r = JSON.parse(await fs.readFile(file, 'utf8')) as RunFile;
        if (r.result !== undefined && canonical(r.settings) === want) return r;
      } catch {
        // no such run here
      }
    }
  }
  return undefined;
}

export const llmCacheFileName = (dir: string, config: string, seed: number): string => path.join(dir, config, `seed-${seed}.llm-cache.json`);

/** One run, with an LLM client (and its cache file) when the configuration has `llm` advisors. */
async function runWithAdvisors(c: NamedConfig, seed: number, clock: ClockMode, dir: string, opts: RunnerOptions): Promise<RunResult> {
  const onSteps = (s: number): void => opts.onSteps?.(c.id, seed, s, c.config.totalSteps);
  if (!c.config.advisors.some((a) => a.llm !== undefined)) return runOnce(c.config, seed, clock, onSteps);
  const llm = await LlmClient.open({ cacheFile: llmCacheFileName(dir, c.id, seed), ...(opts.llmEndpoint ? { endpoint: opts.llmEndpoint } : {}) });
  try {
    return await runOnce(c.config, seed, clock, onSteps, { llm });
  } finally {
    await llm.close(); // the answers so far are kept even when the run failed
  }
}

/** Runs every missing (config, seed) of `exp`; returns how many ran and how many were already there. */
export async function runExperiment(exp: Experiment, opts: RunnerOptions): Promise<{ ran: number; skipped: number; dir: string }> {
  const dir = path.join(opts.out, exp.name);
  const clock = opts.clock ?? 'virtual';
  const all = exp.configs(opts.quick);
  const configs = all.filter((c) => opts.only === undefined || opts.only.includes(c.id));
  const metaFile = path.join(dir, 'experiment.json');
  // every command that added runs here (e.g. a later --only for one new configuration), oldest first
  const before = await fs
    .readFile(metaFile, 'utf8')
    .then((t) => JSON.parse(t) as { command?: string; commands?: string[] })
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined; // a new experiment directory
      throw new Error(`${metaFile} cannot be read (${err.message}); move it away to start the experiment's record afresh`, { cause: err });
    });
  const commands = [...new Set([...(before?.commands ?? (before?.command ? [before.command] : [])), opts.command])];
  await writeAtomic(metaFile, {
    name: exp.name,
    claim: exp.claim,
    design: exp.design,
    ...(exp.xLabel ? { xLabel: exp.xLabel } : {}),
    quick: opts.quick,
    clock,
    seeds: opts.seeds,
    configs: all,
    command: opts.command,
    commands,
    gitRevision: gitRevision(),
    versions: runtimeVersions(tf.version.tfjs, ort.env.versions.common),
    writtenAt: new Date().toISOString(),
  });
  const pairs = configs.flatMap((c) => opts.seeds.map((seed) => ({ c, seed })));
  const [k, n] = opts.shard ?? [0, 1];
  const mine = pairs.filter((_, i) => i % n === k);
  let ran = 0;
  let skipped = 0;
  for (const { c, seed } of mine) {
    const file = runFileName(dir, c.id, seed);
    const done = ran + skipped + 1;
    if (await finished(file, c.config)) {
      skipped += 1;
      opts.onRun?.({ config: c.id, seed, skipped: true, done, total: mine.length });
      continue;
    }
    const twin = clock === 'virtual' ? await sameRun(opts.out, c.config, seed) : undefined;
    const result = twin?.result ?? (await runWithAdvisors(c, seed, clock, dir, opts));
    const rec: RunFile = {
      experiment: exp.name,
      config: c.id,
      label: c.label,
      seed,
      clock,
      ...(c.x !== undefined ? { x: c.x } : {}),
      settings: c.config,
      result,
      finishedAt: new Date().toISOString(),
      gitRevision: twin?.gitRevision ?? gitRevision(),
      ...(twin ? { reusedFrom: `${twin.experiment}/${twin.config}` } : {}),
    };
    await writeAtomic(file, rec);
    ran += 1;
    opts.onRun?.({ config: c.id, seed, skipped: false, done, total: mine.length, wallSeconds: result.wallSeconds });
  }
  return { ran, skipped, dir };
}
