// `ala up` (and `npm start`): the whole system in one process — ppo-learner, actor-runner and the
// advice chain (advisor-worker, vote-aggregator, bias-router) — on NATS_URL, on a nats-server it
// starts itself, or on the in-process bus. Prints a live progress line, stops at --target-return,
// --max-seconds or Ctrl-C, then prints a summary table and writes DIR/summary.json,
// DIR/config.json, DIR/metrics.jsonl (one line per learner update), DIR/curve.svg (Vega-Lite,
// experiment/charts.ts) and, on NATS, DIR/advice-log.jsonl (up-advice-log.ts; `ala replay` runs it
// again through UpArgs.replay). On NATS the learner runs in a worker thread (up-stack.ts), and a
// crash of that worker stops the run with an error (exit 1).
// Must not: implement services (see services/*); up-stack.ts wires them, up-summary.ts reports.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, type Histogram } from 'node:perf_hooks';
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { consoleLogger, type BusLogger } from '@ala/bus';
import { EnvRegistryError, isAsyncEnv, listEnvs, resolveEnvId } from '@ala/envs';
import { CliUsageError } from '../errors';
import { appendJsonl, runtimeVersions, writeJson } from '../train/run-dir';
import { SOLVED_THRESHOLDS } from './train';
import { startStack, type Voting, type AdvisorKind, type LearnerThreadChoice, type StackOptions, type TransportChoice } from './up-stack';
import { evaluatePolicy } from './up-eval';
import { writeRunAdviceLog } from './up-advice-log';
import type { AdviceLogRecord } from '../replay/advice-log-file';
import { learningCurveSvg } from '../experiment/charts';
import { progressLine, summarize, summaryTable, type UpProbes, type UpSummary } from './up-summary';

/**
 * Defaults: CartPole-v1 with 20 agents paced at 50 steps/s each (a game tick; 1,000 env-steps/s),
 * a snapshot every step per agent, a scripted expert answering in 50 ms and advice living 100 ms
 * from its snapshot. An advice arrives ~55-60 ms (~3 steps) after its state and steers its agent
 * until the next one replaces it (one step later) or, when the advisor falls behind, for at most
 * ~2 more steps. Why: CartPole's expert action is a function of the current state and flips every
 * few steps; replaying the expert on CartPole-v1 from a uniform policy followed 88 % of the time,
 * advice 3 steps late and refreshed every step balances ~370 steps, refreshed every 5 steps (the
 * previous defaults: 100 Hz, snapshot every 5, TTL 250 ms) 20-40. bench/system/advice-effect.ts
 * measures the effect on `ala up` (bench/results/advice-effect.json).
 */
export const UP_DEFAULTS = {
  env: 'CartPole-v1',
  agents: 20,
  stepHz: 50,
  advisor: 'scripted' as AdvisorKind,
  advisorLatencyMs: 50,
  adviceTtlMs: 100,
  maxSeconds: 120,
  seed: 1,
  snapshotEvery: 1,
  transport: 'auto' as TransportChoice,
  learnerThread: 'auto' as LearnerThreadChoice,
};

/**
 * The learner's LR/clip annealing horizon (env samples): the flag if given, else for paced runs
 * the samples the run can produce (stepHz x agents x maxSeconds), else 0 = the PPO preset's value
 * (CartPole: 100k samples, after which a longer run would stop learning).
 */
/**
 * Defaults that differ for a server-backed env (its spec has createAsync, e.g. Minecraft-v0): it
 * steps in real time (~200 ms per step for Minecraft at its default 4 ticks per step) so the actor is not paced beyond the env's
 * own speed (step-hz 0); an advice must outlive a few of those steps (TTL 500 ms: a 50 ms scripted
 * answer reaches the actor during the next env step and acts from the one after); and the final
 * evaluation would start another set of players on the server, so it is off unless asked for.
 */
export const UP_ASYNC_ENV_DEFAULTS = { stepHz: 0, adviceTtlMs: 500, evalEpisodes: 0 };

/** The registered env id for `--env`: an id, or a family name with one registered version (`Minecraft` -> `Minecraft-v0`). */
export function resolveUpEnv(name: string): { envId: string; async: boolean } {
  try {
    const envId = resolveEnvId(name);
    return { envId, async: isAsyncEnv(envId) }; // loads an optional env's package: a missing one says how to install it
  } catch (err) {
    if (!(err instanceof EnvRegistryError)) throw err;
    const ids = listEnvs().map((e) => e.id);
    const known = ids.some((id) => id === name || id.startsWith(`${name}-`)); // ambiguous, or an optional env not installed
    throw new CliUsageError(known ? `--env ${name}: ${err.message}` : `--env ${name} is not registered (one of ${ids.join(', ')})`, 'env');
  }
}

export function annealHorizon(a: { totalTimesteps?: number; stepHz: number; agents: number; maxSeconds: number }): number {
  if (a.totalTimesteps !== undefined) return a.totalTimesteps;
  return a.stepHz > 0 ? Math.max(1, Math.round(a.stepHz * a.agents * a.maxSeconds)) : 0;
}

export interface UpArgs {
  readonly env?: string;
  readonly agents?: number;
  readonly stepHz?: number;
  readonly advisor?: string;
  readonly advisorLatencyMs?: number;
  readonly adviceTtlMs?: number;
  readonly maxSeconds?: number;
  /** Stop once the mean return of the last 100 episodes reaches this (default: the env's solved threshold). */
  readonly targetReturn?: number;
  readonly out?: string;
  readonly seed?: number;
  readonly natsUrl?: string;
  /** Identities for a given server (`ala creds` output); the embedded server's are generated into DIR/creds. */
  readonly creds?: string;
  readonly transport?: string;
  readonly snapshotEvery?: number;
  /** 'auto' (worker thread on NATS, main thread in-process), 'worker' or 'main' (the old behaviour, for debugging). */
  readonly learnerThread?: string;
  /** LR/clip annealing horizon in env samples (default: annealHorizon). */
  readonly totalTimesteps?: number;
  /** 'auto' (rewritten line on a TTY), 'plain' (one line per interval) or 'none'. */
  readonly progress?: string;
  readonly progressEveryS?: number;
  /** Episodes to evaluate the final policy without advice (default 40; 0 = skip). */
  readonly evalEpisodes?: number;
  readonly signal?: AbortSignal;
  readonly logger?: BusLogger;
  /**
   * `ala replay`: the recorded advice to publish in place of the advisor, from `of` (the original
   * run's directory). The run then ends once every record is published and the original's
   * duration has passed (not at --max-seconds or the target return).
   */
  readonly replay?: { readonly of: string; readonly records: readonly AdviceLogRecord[]; readonly durationMs: number };
  /** The aggregator's and router's settings (`ala replay`: the original run's, from its config.json); default from ALA_*. */
  readonly voting?: Voting;
}

export interface UpOutcome {
  readonly outDir: string;
  readonly summary: UpSummary;
}

function check(args: UpArgs): void {
  if (args.advisor !== undefined && !['scripted', 'openai-compatible', 'none'].includes(args.advisor))
    throw new CliUsageError(`--advisor must be scripted, openai-compatible or none, got ${args.advisor}`, 'advisor');
  if (args.transport !== undefined && !['auto', 'nats', 'in-process'].includes(args.transport))
    throw new CliUsageError(`--transport must be auto, nats or in-process, got ${args.transport}`, 'transport');
  if (args.learnerThread !== undefined && !['auto', 'worker', 'main'].includes(args.learnerThread))
    throw new CliUsageError(`--learner-thread must be auto, worker or main, got ${args.learnerThread}`, 'learner-thread');
  if (args.totalTimesteps !== undefined && !(Number.isSafeInteger(args.totalTimesteps) && args.totalTimesteps >= 1))
    throw new CliUsageError('--total-timesteps must be an integer >= 1', 'total-timesteps');
  if (args.progress !== undefined && !['auto', 'plain', 'none'].includes(args.progress))
    throw new CliUsageError(`--progress must be auto, plain or none, got ${args.progress}`, 'progress');
  if (args.agents !== undefined && args.agents < 1) throw new CliUsageError('--agents must be >= 1', 'agents');
  if (args.adviceTtlMs !== undefined && args.adviceTtlMs < 1) throw new CliUsageError('--advice-ttl-ms must be >= 1', 'advice-ttl-ms');
  if (args.maxSeconds !== undefined && !(args.maxSeconds > 0)) throw new CliUsageError('--max-seconds must be > 0', 'max-seconds');
}

/** Run the system until a stop condition; resolves when every file is written and everything stopped. */
export async function runUp(args: UpArgs, out: NodeJS.WritableStream = process.stdout): Promise<UpOutcome> {
  check(args);
  const { envId, async: serverBacked } = resolveUpEnv(args.env ?? UP_DEFAULTS.env);
  const d = serverBacked ? { ...UP_DEFAULTS, ...UP_ASYNC_ENV_DEFAULTS } : { ...UP_DEFAULTS, evalEpisodes: 40 };
  const seed = args.seed ?? d.seed;
  const maxSeconds = args.maxSeconds ?? d.maxSeconds;
  const targetReturn = args.replay ? undefined : (args.targetReturn ?? SOLVED_THRESHOLDS[envId]);
  const outDir = args.out ?? path.join('runs', `up-${envId}-${seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await fs.mkdir(outDir, { recursive: true });
  const metricsFile = path.join(outDir, 'metrics.jsonl');
  await fs.rm(metricsFile, { force: true });
  const updates: Record<string, number>[] = [];
  const [agents, stepHz] = [args.agents ?? d.agents, args.stepHz ?? d.stepHz];
  const totalTimesteps = annealHorizon({ ...(args.totalTimesteps !== undefined ? { totalTimesteps: args.totalTimesteps } : {}), stepHz, agents, maxSeconds });
  const log = args.logger ?? consoleLogger;
  const opts: StackOptions = {
    envId,
    seed,
    agents,
    stepHz,
    advisor: (args.advisor ?? d.advisor) as AdvisorKind,
    learnerThread: (args.learnerThread ?? d.learnerThread) as LearnerThreadChoice,
    totalTimesteps,
    advisorLatencyMs: args.advisorLatencyMs ?? d.advisorLatencyMs,
    adviceTtlMs: args.adviceTtlMs ?? d.adviceTtlMs,
    snapshotEvery: args.snapshotEvery ?? d.snapshotEvery,
    transport: (args.transport ?? d.transport) as TransportChoice,
    checkpointDir: path.join(outDir, 'learner'),
    logger: log,
    onLearnerCrash: (err) => log.error(`ala up: ${err.message}; stopping (acting without a learner would train nothing)`),
    ...(args.natsUrl ? { natsUrl: args.natsUrl } : {}),
    ...(args.creds !== undefined ? { credsDir: args.creds } : !(args.natsUrl ?? process.env.NATS_URL) ? { credsDir: path.join(outDir, 'creds') } : {}),
    onUpdate: (m) => void updates.push({ t: Date.now(), ...m }),
    ...(args.replay ? { replay: { records: args.replay.records, durationMs: args.replay.durationMs } } : {}),
    ...(args.voting ? { voting: args.voting } : {}),
  };
  const evalEpisodes = args.evalEpisodes ?? d.evalEpisodes;
  const stack = await startStack(opts);
  await writeJson(path.join(outDir, 'config.json'), {
    command: 'ala up',
    options: { ...opts, logger: undefined, onUpdate: undefined, replay: undefined, voting: undefined },
    voting: stack.voting,
    prefix: opts.prefix ?? 'ala',
    replayOf: args.replay?.of ?? null,
    seed,
    maxSeconds,
    targetReturn: targetReturn ?? null,
    evalEpisodes,
    // a server-backed env's own settings (ALA_MINECRAFT_* for Minecraft-v0, read by the env package)
    envSettings: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith(`ALA_${envId.split('-')[0]!.toUpperCase()}_`))),
    transport: stack.transport,
    learnerThread: stack.learnerThread,
    totalTimesteps,
    natsUrl: stack.natsUrl ?? null,
    natsServerVersion: stack.serverVersion ?? null,
    ttlEnforcedByServer: stack.ttlEnforced,
    actor: stack.actorConfig,
    ppo: stack.learner.ppo,
    versions: runtimeVersions(tf.version.tfjs, ort.env.versions.common),
  });

  const tty = (args.progress ?? 'auto') === 'auto' && (out as NodeJS.WriteStream).isTTY === true;
  const quiet = args.progress === 'none';
  const t0 = performance.now();
  let stoppedBy: UpSummary['stoppedBy'] = 'max-seconds';
  let error: string | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  stack.stepGapUs.reset(); // from here on: the start-up (TF.js, first policy) is not part of the run
  let lastSteps = 0;
  let lastT = t0;
  const curve: { step: number; mean: number }[] = []; // mean return of the last 100 episodes, once per progress interval: DIR/curve.svg
  let outcome!: UpOutcome;
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stack.actor.ready, new Promise((r) => (timer = setTimeout(r, 30_000)))]); // no policy yet: report anyway
    clearTimeout(timer);
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000 * (args.progressEveryS ?? 1)));
      const st = stack.stats();
      const now = performance.now();
      const rate = ((st.actor.envSteps - lastSteps) * 1000) / Math.max(1, now - lastT);
      [lastSteps, lastT] = [st.actor.envSteps, now];
      if (st.actor.episodes > 0) curve.push({ step: st.actor.envSteps, mean: st.actor.meanReturn100 });
      await appendJsonl(metricsFile, updates.splice(0));
      if (!quiet) out.write(tty ? `\r\x1b[2K${progressLine(st, (now - t0) / 1000, rate)}` : `${progressLine(st, (now - t0) / 1000, rate)}\n`);
      if (st.actor.loopErrors > 0 || stack.learnerFailure() !== undefined) {
        stoppedBy = 'error';
        error = stack.learnerFailure()?.message ?? 'the actor step loop stopped (see the log)';
        break;
      }
      if (targetReturn !== undefined && st.actor.episodes >= 100 && st.actor.meanReturn100 >= targetReturn) {
        stoppedBy = 'target-return';
        break;
      }
      if (stack.replay ? stack.replay.done() : (now - t0) / 1000 >= maxSeconds) break;
      if (args.signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
    }
  } finally {
    if (tty) out.write('\n');
    const final = stack.stats();
    const wallSeconds = (performance.now() - t0) / 1000;
    loopDelay.disable();
    const probes = runProbes(loopDelay, stack.stepGapUs);
    const policyBytes = await stack.latestPolicy().catch((err: unknown) => {
      log.warn(`ala up: reading the final policy failed, no evaluation: ${(err as Error).message}`);
      return undefined;
    });
    // offsets and the duration count from the actor's first step (the stack notes it)
    const { wallMs: startedAtMs, monoMs: tStart } = stack.startedAt() ?? { wallMs: Date.now(), monoMs: performance.now() };
    const durationMs = performance.now() - tStart;
    await stack.stop().catch((err: unknown) => {
      error ??= `stopping failed: ${(err as Error).message}`;
      log.error(`ala up: ${error}`);
    });
    const adviceLog = stack.adviceLog
      ? await writeRunAdviceLog(outDir, stack.adviceLog, { prefix: opts.prefix ?? 'ala', startedAtMs, durationMs }).catch((err: unknown) => {
          error ??= `writing the advice log failed: ${(err as Error).message}`;
          log.error(`ala up: ${error}`);
          return undefined;
        })
      : undefined;
    await appendJsonl(metricsFile, updates.splice(0));
    // the actors' return is μ's (with advice); evaluate π alone on fresh envs
    const evaluation =
      policyBytes && evalEpisodes > 0 ? await evaluatePolicy(policyBytes, envId, { episodes: evalEpisodes, seed: seed + 1_000_003 }) : undefined;
    const summary = summarize(final, {
      envId,
      wallSeconds,
      transport: stack.transport,
      ttlEnforced: stack.ttlEnforced,
      stoppedBy,
      learnerThread: stack.learnerThread,
      probes,
      ...(evaluation ? { evaluation } : {}),
      ...(error !== undefined ? { error } : {}),
    });
    await writeJson(path.join(outDir, 'summary.json'), { ...summary, stats: final, adviceLog: adviceLog ?? null });
    if (adviceLog && adviceLog.lost > 0) log.warn(`ala up: the advice log's limits removed ${adviceLog.lost} of this run's entries before the export`);
    if (curve.length > 0)
      await fs.writeFile(
        path.join(outDir, 'curve.svg'),
        await learningCurveSvg(curve, `ala up ${envId} seed ${seed}: mean return of the last 100 episodes (with advice)`, targetReturn),
      );
    if (!quiet) out.write(`${summaryTable(summary)}\nwrote ${outDir}${adviceLog ? ` (advice log: ${adviceLog.records} entries)` : ''}\n`);
    outcome = { outDir, summary };
  }
  return outcome;
}

/** p99/max of the event-loop delay (ns histogram) and p50/p99/max of the step gaps (µs histogram), in ms. */
function runProbes(loopDelay: Histogram, stepGapUs: Histogram): UpProbes {
  const ms = (h: Histogram, scale: number, f: (h: Histogram) => number): number => (h.count === 0 ? 0 : f(h) / scale);
  return {
    eventLoopDelayP99Ms: ms(loopDelay, 1e6, (h) => h.percentile(99)),
    eventLoopDelayMaxMs: ms(loopDelay, 1e6, (h) => h.max),
    stepGapP50Ms: ms(stepGapUs, 1e3, (h) => h.percentile(50)),
    stepGapP99Ms: ms(stepGapUs, 1e3, (h) => h.percentile(99)),
    stepGapMaxMs: ms(stepGapUs, 1e3, (h) => h.max),
  };
}

const num =
  (name: string, integer = true) =>
  (v: string): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0 || (integer && !Number.isSafeInteger(x)))
      throw new CliUsageError(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${v}`, name);
    return x;
  };

export function register(program: Command): void {
  const d = UP_DEFAULTS;
  program
    .command('up')
    .description('run the whole system in one process (learner, actor, advisor, aggregator, router) and train with advice')
    .addHelpText(
      'after',
      `
Transport: NATS_URL (or --nats-url) if set, else a nats-server >= 2.11 started here (.tools/bin, NATS_SERVER_BIN or PATH),
else the in-process bus with a warning (trajectories and policies then stay in memory).
Learner: on NATS the PPO update runs in a worker thread with its own connection (--learner-thread worker), so it never
pauses acting; in-process (or --learner-thread main) it shares the main thread. A crash of the worker stops the run (exit 1).
LR/clip annealing horizon (--total-timesteps): step-hz x agents x max-seconds for paced runs, else the PPO preset's.
Defaults: ${d.agents} CartPole agents paced at ${d.stepHz} steps/s each, a state snapshot every ${d.snapshotEvery} step(s) per agent, a scripted
expert answering in ${d.advisorLatencyMs} ms, advice living ${d.adviceTtlMs} ms from its snapshot. An advice arrives ~3 steps after the state
it answers and steers its agent until the next advice replaces it (~1 step) or it expires (at most ~2 steps more): CartPole's best
action flips every few steps, so advice older than ~3 steps hurts, and fresh advice visibly lifts the return while the policy is
weak (bench/system/advice-effect.ts). Steps covered per advice ~ min(snapshot interval, TTL x step rate - delay); the summary
reports the advised-step fraction. Server-backed envs (Minecraft-v0: \`npm run setup:minecraft\`, settings ALA_MINECRAFT_*,
docs/minecraft.md) step in real time: unpaced, advice TTL ${UP_ASYNC_ENV_DEFAULTS.adviceTtlMs} ms, no final evaluation, no solved threshold (runs to
--max-seconds). Files: DIR/summary.json, DIR/config.json,
DIR/metrics.jsonl, DIR/advice-log.jsonl (on NATS: every advice and vote, for \`ala replay DIR\`), DIR/learner/ (checkpoint), DIR/creds/ (the embedded server's nkey identities, docs/security.md).`,
    )
    .option('--env <id>', `environment id, or a family name with one registered version, e.g. Minecraft (default ${d.env})`)
    .option('--agents <n>', `agents in the actor (default ${d.agents})`, num('--agents'))
    .option(
      '--step-hz <n>',
      `steps per second per agent, 0 = unpaced (default ${d.stepHz}; ${UP_ASYNC_ENV_DEFAULTS.stepHz} for a server-backed env)`,
      num('--step-hz', false),
    )
    .option('--advisor <kind>', `scripted | openai-compatible | none (default ${d.advisor})`)
    .option('--advisor-latency-ms <n>', `scripted advisor thinking time (default ${d.advisorLatencyMs})`, num('--advisor-latency-ms', false))
    .option(
      '--advice-ttl-ms <n>',
      `lifetime of a snapshot and its advice (default ${d.adviceTtlMs}; ${UP_ASYNC_ENV_DEFAULTS.adviceTtlMs} for a server-backed env)`,
      num('--advice-ttl-ms'),
    )
    .option('--max-seconds <n>', `stop after this long (default ${d.maxSeconds})`, num('--max-seconds', false))
    .option(
      '--target-return <x>',
      'stop when the mean return of the last 100 episodes reaches this (default: the env threshold, CartPole 475)',
      num('--target-return', false),
    )
    .option('--out <dir>', 'output directory (default runs/up-<env>-<seed>-<timestamp>)')
    .option('--seed <n>', `seed (default ${d.seed})`, num('--seed'))
    .option('--nats-url <url>', 'NATS server to use (default: NATS_URL)')
    .option(
      '--creds <dir>',
      'with --nats-url/NATS_URL: connect each service as its identity from this `ala creds` directory (default: ALA_NATS_NKEY_SEED_FILE, one identity for all)',
    )
    .option('--transport <kind>', 'auto | nats | in-process (default auto)')
    .option(
      '--learner-thread <where>',
      'auto | worker | main: where the PPO update runs (auto = a worker thread on NATS, the main thread in-process; main = debugging)',
    )
    .option(
      '--total-timesteps <n>',
      "LR/clip annealing horizon in env samples (default: step-hz x agents x max-seconds when paced, else the PPO preset's)",
      num('--total-timesteps'),
    )
    .option('--snapshot-every <n>', `state snapshot every n steps per agent (default ${d.snapshotEvery})`, num('--snapshot-every'))
    .option('--progress <mode>', 'auto | plain | none', 'auto')
    .option(
      '--eval-episodes <n>',
      'episodes to run the final policy without advice for the summary (0 = skip; default 40, 0 for a server-backed env)',
      num('--eval-episodes'),
    )
    .action(async (o: UpArgs) => {
      const ac = new AbortController();
      const onSigint = (): void => {
        if (ac.signal.aborted) process.exit(130);
        process.stderr.write('\nala up: stopping (Ctrl-C again to quit now)\n');
        ac.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const { summary } = await runUp({ ...o, signal: ac.signal });
        if (summary.stoppedBy === 'signal') process.exitCode = 130;
        if (summary.stoppedBy === 'error' || summary.error !== null) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
}
