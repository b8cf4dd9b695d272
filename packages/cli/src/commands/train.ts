// `ala train`: serial PPO training (no bus) of one env with a progress bar, JSONL metrics, a
// learning-curve SVG, the final ONNX model, summary.json, and checkpoints (periodic, at the end
// and on SIGINT) that `--resume DIR` continues from. Must not: implement PPO (see @ala/policy).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import {
  DEFAULT_PPO_CONFIG,
  SerialTrainer,
  loadTrainCheckpoint,
  makePpoConfig,
  presetFor,
  saveTrainCheckpoint,
  type EpisodeRecord,
  type PpoConfig,
  type TrainCheckpoint,
} from '@ala/policy';
import { CliUsageError } from '../errors';
import { learningCurveSvg } from '../experiment/charts';
import { trainCurvePoints } from '../train/curve-points';
import { createProgress, type ProgressReporter } from '../train/progress';
import { RUN_FILES, appendJsonl, readJsonl, runtimeVersions, writeFileAtomic, writeJson } from '../train/run-dir';

/** Mean return over the last 100 episodes at which an env counts as solved (Gymnasium reward_threshold). */
export const SOLVED_THRESHOLDS: Readonly<Record<string, number>> = { 'CartPole-v1': 475 };

export interface TrainArgs {
  /** Env id (default CartPole-v1; with --resume it must match the checkpoint if given). */
  readonly env?: string;
  /** Run seed (default 1; ignored with --resume). */
  readonly seed?: number;
  /** Env steps to train for (default: the preset's totalTimesteps). */
  readonly totalSteps?: number;
  /** Output directory (default runs/<env>-<seed>-<timestamp>). */
  readonly out?: string;
  /** Continue the run in this directory from its checkpoint. */
  readonly resume?: string;
  /** PpoConfig overrides, `key=value`. */
  readonly set?: readonly string[];
  /** Seconds between periodic checkpoints (default 60). */
  readonly checkpointEvery?: number;
  /** Stop as soon as the mean of the last 100 episodes reaches the solved threshold. */
  readonly stopWhenSolved?: boolean;
  /** 'auto' (bar on a TTY, lines otherwise), 'plain', or 'none'. */
  readonly progress?: 'auto' | 'plain' | 'none';
  /** Aborting stops after the current iteration, with a checkpoint (SIGINT does this). */
  readonly signal?: AbortSignal;
}

export interface TrainSummary {
  readonly envId: string;
  readonly seed: number;
  /** finalMean100 >= threshold (false when the env has no threshold). */
  readonly solved: boolean;
  /** First env step at which the mean of the last 100 episodes reached the threshold, or null. */
  readonly solvedAtStep: number | null;
  readonly solvedThreshold: number | null;
  readonly envSteps: number;
  readonly wallSeconds: number;
  /** Mean return of the last 100 episodes (null before any episode finished). */
  readonly finalMean100: number | null;
  readonly episodes: number;
  readonly iterations: number;
  readonly policyVersion: number;
  readonly stoppedBy: 'budget' | 'solved' | 'signal';
  readonly backend: string;
}

export interface TrainOutcome {
  readonly outDir: string;
  readonly summary: TrainSummary;
}

/** Parse `key=value` PpoConfig overrides (numbers, true/false, null, comma lists, strings). */
export function parseOverrides(items: readonly string[]): Partial<PpoConfig> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq);
    if (eq <= 0 || !(key in DEFAULT_PPO_CONFIG)) {
      throw new CliUsageError(`--set ${item}: expected key=value with key one of ${Object.keys(DEFAULT_PPO_CONFIG).join(', ')}`, 'set');
    }
    const raw = item.slice(eq + 1).trim();
    const num = (s: string): number | string => (s !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
    if (key === 'hidden') out[key] = raw.split(',').map((s) => Number(s.trim()));
    else if (raw === 'true' || raw === 'false') out[key] = raw === 'true';
    else if (raw === 'null') out[key] = null;
    else out[key] = num(raw);
  }
  return out as Partial<PpoConfig>;
}

function defaultOutDir(env: string, seed: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join('runs', `${env}-${seed}-${stamp}`);
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/** Run `ala train` with parsed arguments. Resolves when training stopped and every file is written. */
export async function runTrain(args: TrainArgs, out: NodeJS.WriteStream = process.stdout): Promise<TrainOutcome> {
  let ckpt: TrainCheckpoint | undefined;
  let outDir: string;
  let envId = args.env ?? 'CartPole-v1';
  let seed = args.seed ?? 1;
  let config: PpoConfig;
  if (args.resume !== undefined) {
    outDir = args.resume;
    ckpt = await loadTrainCheckpoint(path.join(outDir, RUN_FILES.checkpoint));
    if (args.env !== undefined && args.env !== ckpt.envId)
      throw new CliUsageError(`--env ${args.env} conflicts with the checkpoint's env ${ckpt.envId}`, 'env');
    envId = ckpt.envId;
    seed = ckpt.seed;
    config = makePpoConfig({ ...parseOverrides(args.set ?? []), ...(args.totalSteps !== undefined ? { totalTimesteps: args.totalSteps } : {}) }, ckpt.config);
  } else {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new CliUsageError(`--seed must be a non-negative integer, got ${seed}`, 'seed');
    const overrides = { ...parseOverrides(args.set ?? []), ...(args.totalSteps !== undefined ? { totalTimesteps: args.totalSteps } : {}) };
    config = makePpoConfig(overrides, presetFor(envId));
    outDir = args.out ?? defaultOutDir(envId, seed);
    if (await exists(path.join(outDir, RUN_FILES.checkpoint))) {
      throw new CliUsageError(`${outDir} already holds a run; pass --resume ${outDir} to continue it or choose another --out`, 'out');
    }
    await fs.mkdir(outDir, { recursive: true });
  }
  const files = Object.fromEntries(Object.entries(RUN_FILES).map(([k, f]) => [k, path.join(outDir, f)])) as Record<keyof typeof RUN_FILES, string>;
  const trainer = await SerialTrainer.create({ envId, seed, config });
  if (ckpt) await trainer.setState(ckpt.state, files.checkpoint);
  const threshold = SOLVED_THRESHOLDS[envId] ?? null;
  let solvedAtStep = (ckpt?.extra?.solvedAtStep as number | null | undefined) ?? null;
  const window = ckpt ? [...ckpt.state.recentReturns] : [];
  let episodeCount = (ckpt?.extra?.episodes as number | undefined) ?? 0;
  const priorWall = ckpt?.wallSeconds ?? 0;
  const t0 = performance.now();
  const wall = (): number => priorWall + (performance.now() - t0) / 1000;

  const configJson = {
    envId,
    seed,
    config,
    totalSteps: config.totalTimesteps,
    backend: trainer.learner.backend,
    versions: runtimeVersions(tf.version.tfjs, ort.env.versions.common),
    argv: process.argv.slice(2),
    startedAt: new Date().toISOString(),
    resumedFrom: ckpt ? { envSteps: ckpt.state.envSteps, iteration: ckpt.state.iteration } : null,
  };
  await writeJson(args.resume !== undefined ? path.join(outDir, `config.resume-${ckpt!.state.iteration}.json`) : files.config, configJson);

  const mode = args.progress ?? 'auto';
  const progress: ProgressReporter | undefined =
    mode === 'none' ? undefined : createProgress(config.totalTimesteps, trainer.envSteps, { tty: mode === 'auto' && out.isTTY === true, out });
  const checkpointEvery = (args.checkpointEvery ?? 60) * 1000;
  let lastCkpt = performance.now();
  const save = async (): Promise<void> => {
    await saveTrainCheckpoint(files.checkpoint, {
      kind: 'serial-trainer',
      envId,
      seed,
      config,
      state: trainer.getState(),
      wallSeconds: wall(),
      extra: { solvedAtStep, episodes: episodeCount },
    });
    lastCkpt = performance.now();
  };

  let stoppedBy: TrainSummary['stoppedBy'] = 'budget';
  const stepsAtStart = trainer.envSteps;
  try {
    while (trainer.envSteps < config.totalTimesteps) {
      if (args.signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      const r = await trainer.iterate();
      const eps: (EpisodeRecord & { episode: number })[] = [];
      for (const e of r.episodes) {
        eps.push({ ...e, episode: ++episodeCount });
        window.push(e.return);
        if (window.length > 100) window.shift();
        if (threshold !== null && solvedAtStep === null && window.length === 100 && window.reduce((a, b) => a + b, 0) / 100 >= threshold)
          solvedAtStep = e.envStep;
      }
      await appendJsonl(files.episodes, eps);
      await appendJsonl(files.metrics, [
        {
          iteration: r.iteration,
          envSteps: r.envSteps,
          wallSeconds: wall(),
          mean100: r.mean100,
          episodesFinished: r.episodes.length,
          rolloutMs: r.rolloutMs,
          learnMs: r.learnMs,
          ...r.metrics,
        },
      ]);
      const sps = (trainer.envSteps - stepsAtStart) / ((performance.now() - t0) / 1000);
      progress?.update({ envSteps: r.envSteps, stepsPerSec: sps, mean100: r.mean100, policyVersion: r.metrics.policyVersion });
      if (performance.now() - lastCkpt >= checkpointEvery) await save();
      if (args.stopWhenSolved && solvedAtStep !== null) {
        stoppedBy = 'solved';
        break;
      }
    }
  } finally {
    progress?.stop();
  }
  await save();
  await writeFileAtomic(files.model, trainer.exportOnnx());
  const points = trainCurvePoints(await readJsonl<{ envStep: number; return: number }>(files.episodes));
  await writeFileAtomic(files.curve, await learningCurveSvg(points, `ala train ${envId} seed ${seed}`, threshold ?? undefined));
  const finalMean100 = window.length > 0 ? window.reduce((a, b) => a + b, 0) / window.length : null;
  const summary: TrainSummary = {
    envId,
    seed,
    solved: threshold !== null && finalMean100 !== null && window.length >= Math.min(100, episodeCount) && finalMean100 >= threshold,
    solvedAtStep,
    solvedThreshold: threshold,
    envSteps: trainer.envSteps,
    wallSeconds: wall(),
    finalMean100,
    episodes: episodeCount,
    iterations: trainer.iteration,
    policyVersion: trainer.learner.policyVersion,
    stoppedBy,
    backend: trainer.learner.backend,
  };
  await writeJson(files.summary, summary);
  trainer.dispose();
  return { outDir, summary };
}

const int =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new CliUsageError(`${name} must be a non-negative integer, got ${v}`, name);
    return n;
  };

export function register(program: Command): void {
  program
    .command('train')
    .description('train a PPO agent serially (no bus) and write metrics, model, curve and summary')
    .option('--env <id>', 'environment id (default CartPole-v1)')
    .option('--seed <n>', 'run seed (default 1)', int('--seed'))
    .option('--total-steps <n>', 'env steps to train for (default: the env preset)', int('--total-steps'))
    .option('--out <dir>', 'output directory (default runs/<env>-<seed>-<timestamp>)')
    .option('--resume <dir>', 'continue the run in <dir> from its checkpoint')
    .option(
      '--set <key=value>',
      'override a PpoConfig field (repeatable), e.g. --set learningRate=3e-4',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--checkpoint-every <seconds>', 'seconds between periodic checkpoints', int('--checkpoint-every'), 60)
    .option('--stop-when-solved', 'stop once the mean of the last 100 episodes reaches the threshold', false)
    .option('--progress <mode>', 'auto | plain | none', 'auto')
    .action(
      async (o: {
        env?: string;
        seed?: number;
        totalSteps?: number;
        out?: string;
        resume?: string;
        set: string[];
        checkpointEvery: number;
        stopWhenSolved: boolean;
        progress: string;
      }) => {
        if (!['auto', 'plain', 'none'].includes(o.progress)) throw new CliUsageError(`--progress must be auto, plain or none, got ${o.progress}`, 'progress');
        const ac = new AbortController();
        const onSigint = (): void => {
          if (ac.signal.aborted) process.exit(130);
          process.stderr.write('\nala train: stopping after this iteration and writing a checkpoint (Ctrl-C again to quit now)\n');
          ac.abort();
        };
        process.on('SIGINT', onSigint);
        try {
          const { outDir, summary } = await runTrain({ ...o, progress: o.progress as TrainArgs['progress'], signal: ac.signal });
          process.stdout.write(
            `${summary.envId} seed ${summary.seed}: ${summary.envSteps} steps in ${summary.wallSeconds.toFixed(1)} s, ` +
              `mean of last 100 episodes ${summary.finalMean100?.toFixed(1) ?? '-'}${summary.solvedThreshold !== null ? `, solved: ${summary.solved}` : ''}` +
              `${summary.solvedAtStep !== null ? ` (first at step ${summary.solvedAtStep})` : ''}\nwrote ${outDir}\n`,
          );
          if (summary.stoppedBy === 'signal') process.exitCode = 130;
        } finally {
          process.off('SIGINT', onSigint);
        }
      },
    );
}
