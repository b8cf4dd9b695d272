// `ala replay RUN`: runs the training of an `ala up` run again (same env, agents, step rate, seed,
// snapshot rate, learner settings, from RUN/config.json) with the advisor replaced by a replay
// publisher that sends the advice recorded in RUN/advice-log.jsonl at their recorded offsets from
// the new run's start (no LLM, no scripted expert), so a run with a non-deterministic LLM can be
// reproduced and audited. The replay is itself an `ala up` run directory (with its own advice log)
// plus replay-report.json: the comparison of its advice log with the original's. Exit 1 when the
// advice differs. Must not: implement the run (up.ts) or the comparison (replay/).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { consoleLogger, type BusLogger } from '@ala/bus';
import { CliUsageError } from '../errors';
import { writeJson } from '../train/run-dir';
import { ADVICE_LOG_FILE, parseAdviceLog, type AdviceLog } from '../replay/advice-log-file';
import { compareAdviceLogs, type LogComparison } from '../replay/advice-log-compare';
import { runUp, type UpArgs, type UpOutcome } from './up';
import type { Voting } from './up-stack';
import { AGGREGATOR_DEFAULTS, validateAggregatorConfig } from '@ala/vote-aggregator';
import { ROUTER_DEFAULTS, validateRouterConfig } from '@ala/bias-router';

/**
 * Offset tolerance: the replay publishes each advice at its recorded offset on the event loop it
 * shares with the actor; on an idle 2-core box the differences are ~1-20 ms, under load (load
 * average 16) stalls of ~150 ms were seen, so the default accepts 250 ms.
 */
export const REPLAY_DEFAULTS = { offsetToleranceMs: 250, evalEpisodes: 0 } as const;

export interface ReplayArgs {
  /** The original run's directory (`ala up --out`). */
  readonly run: string;
  readonly out?: string;
  readonly natsUrl?: string;
  readonly creds?: string;
  readonly transport?: string;
  /** Largest accepted difference of an advice's offset from the run's start, ms (default REPLAY_DEFAULTS). */
  readonly toleranceMs?: number;
  readonly evalEpisodes?: number;
  readonly progress?: string;
  readonly signal?: AbortSignal;
  readonly logger?: BusLogger;
}

export interface ReplayOutcome extends UpOutcome {
  readonly original: AdviceLog;
  readonly replayed: AdviceLog;
  readonly comparison: LogComparison;
}

type RecordedOptions = {
  envId: string;
  agents: number;
  stepHz: number;
  advisor: string;
  advisorLatencyMs: number;
  adviceTtlMs: number;
  seed: number;
} & Partial<{
  snapshotEvery: number;
  learnerThread: string;
  totalTimesteps: number;
}>;

async function readRun(run: string): Promise<{ options: RecordedOptions; maxSeconds: number; voting: Voting | undefined; log: AdviceLog }> {
  const read = async (f: string, hint: string): Promise<string> => {
    try {
      return await fs.readFile(path.join(run, f), 'utf8');
    } catch (err) {
      throw new CliUsageError(`${path.join(run, f)} cannot be read (${(err as Error).message}); ${hint}`, 'run', { cause: err });
    }
  };
  const text0 = await read('config.json', 'RUN must be an `ala up` run directory');
  let config: { command?: string; options?: RecordedOptions; maxSeconds?: number; voting?: Voting };
  try {
    config = JSON.parse(text0) as typeof config;
  } catch (err) {
    throw new CliUsageError(`${path.join(run, 'config.json')} is not JSON`, 'run', { cause: err });
  }
  const o = config.options;
  if (config.command !== 'ala up' || o === undefined || typeof o.envId !== 'string' || typeof o.seed !== 'number')
    throw new CliUsageError(`${path.join(run, 'config.json')} is not the config of an \`ala up\` run`, 'run');
  if (o.advisor === 'none') throw new CliUsageError(`${run} ran without advice (--advisor none): there is nothing to replay`, 'run');
  const v = config.voting;
  try {
    // checked here, before anything starts (the stack checks them again)
    if (v !== undefined)
      void [validateAggregatorConfig({ ...AGGREGATOR_DEFAULTS, ...v.aggregator }), validateRouterConfig({ ...ROUTER_DEFAULTS, ...v.router })];
  } catch (err) {
    throw new CliUsageError(`${path.join(run, 'config.json')} voting: ${(err as Error).message}`, 'run', { cause: err });
  }
  const text = await read(ADVICE_LOG_FILE, 'the run logged no advice (it ran on the in-process bus, or with ALA_ADVICE_LOG=false)');
  let log: AdviceLog;
  try {
    log = parseAdviceLog(text);
  } catch (err) {
    throw new CliUsageError(`${path.join(run, ADVICE_LOG_FILE)}: ${(err as Error).message}`, 'run', { cause: err });
  }
  if (log.meta.prefix !== 'ala') throw new CliUsageError(`the log is for subject prefix ${log.meta.prefix}; \`ala up\` runs on prefix ala`, 'run');
  return { options: o, maxSeconds: config.maxSeconds ?? 120, voting: v, log };
}

/** Replays RUN and compares the advice logs; resolves when every file is written. */
export async function runReplay(args: ReplayArgs, out: NodeJS.WritableStream = process.stdout): Promise<ReplayOutcome> {
  const tolerance = args.toleranceMs ?? REPLAY_DEFAULTS.offsetToleranceMs;
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) throw new CliUsageError('--tolerance-ms must be a number >= 0', 'tolerance-ms');
  if (args.transport !== undefined && !['auto', 'nats'].includes(args.transport))
    throw new CliUsageError(`--transport must be auto or nats (the advice log needs JetStream), got ${args.transport}`, 'transport');
  const { options: o, maxSeconds, voting, log: original } = await readRun(args.run);
  if (original.meta.lost > 0)
    (args.logger ?? consoleLogger).warn(`ala replay: ${original.meta.lost} logged messages had been removed by the log's limits; replaying the rest`);
  const outDir =
    args.out ??
    path.join(path.dirname(path.resolve(args.run)), `replay-${path.basename(path.resolve(args.run))}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const upArgs: UpArgs = {
    env: o.envId,
    agents: o.agents,
    stepHz: o.stepHz,
    advisor: o.advisor,
    advisorLatencyMs: o.advisorLatencyMs,
    adviceTtlMs: o.adviceTtlMs,
    seed: o.seed,
    maxSeconds,
    out: outDir,
    evalEpisodes: args.evalEpisodes ?? REPLAY_DEFAULTS.evalEpisodes,
    ...(o.snapshotEvery !== undefined ? { snapshotEvery: o.snapshotEvery } : {}),
    ...(o.learnerThread !== undefined ? { learnerThread: o.learnerThread } : {}),
    ...(o.totalTimesteps ? { totalTimesteps: o.totalTimesteps } : {}),
    ...(args.natsUrl !== undefined ? { natsUrl: args.natsUrl } : {}),
    ...(args.creds !== undefined ? { creds: args.creds } : {}),
    transport: args.transport ?? 'nats',
    ...(args.progress !== undefined ? { progress: args.progress } : {}),
    ...(args.signal ? { signal: args.signal } : {}),
    ...(args.logger ? { logger: args.logger } : {}),
    ...(voting ? { voting } : {}),
    replay: { of: path.resolve(args.run), records: original.records, durationMs: original.meta.durationMs },
  };
  const outcome = await runUp(upArgs, out);
  let replayed: AdviceLog;
  try {
    replayed = parseAdviceLog(await fs.readFile(path.join(outDir, ADVICE_LOG_FILE), 'utf8'));
  } catch (err) {
    throw new Error(`ala replay: the replay wrote no usable advice log (${(err as Error).message}); see ${outDir}/summary.json`, { cause: err });
  }
  const comparison = compareAdviceLogs(original, replayed, { offsetToleranceMs: tolerance });
  await writeJson(path.join(outDir, 'replay-report.json'), { original: path.resolve(args.run), replay: path.resolve(outDir), ...comparison });
  if (args.progress !== 'none') out.write(reportText(comparison));
  return { ...outcome, original, replayed, comparison };
}

function reportText(c: LogComparison): string {
  const a = c.advice;
  const v = c.votes;
  return [
    `advice: ${a.original} recorded, ${a.replay} replayed, ${a.mismatched} differ; offset differences p50 ${a.offsetDiffMs.p50} / p99 ${a.offsetDiffMs.p99} / max ${a.offsetDiffMs.max} ms (tolerance ${a.offsetToleranceMs} ms)`,
    `votes (made again by the aggregator; which advice expires before its vote depends on timing): ${v.matched}/${v.original} equal, ${v.missing} missing, ${v.extra} extra, ${v.differing} differing on the same advice, per-agent order ${v.samePerAgentOrder ? 'same' : 'differs'}`,
    c.identical ? 'advice log identical' : `advice log DIFFERS: ${a.firstDifference ?? ''}`,
    '',
  ].join('\n');
}

const num =
  (name: string) =>
  (v: string): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new CliUsageError(`${name} must be a number >= 0, got ${v}`, name);
    return x;
  };

export function register(program: Command): void {
  program
    .command('replay <run>')
    .description('run an `ala up` run again with its recorded advice (RUN/advice-log.jsonl) instead of the advisor, and compare the advice logs')
    .addHelpText(
      'after',
      `
Same env, agents, step rate, seed, snapshot rate and learner settings as RUN (its config.json); the advisor is replaced by a
publisher of the recorded advice, each at its recorded offset from the run's start (the actor's first env step), with its recorded
Ala-Ttl-Ms; the aggregator and router run with the original's settings (config.json \`voting\`). The replay ends when every advice
is published and the original's duration has passed. Writes an \`ala up\` run directory (default next to RUN) with its own
advice-log.jsonl and replay-report.json; exit 1 when the advice differs (content, order, or an offset beyond --tolerance-ms).`,
    )
    .option('--out <dir>', 'output directory (default replay-<run>-<timestamp> next to RUN)')
    .option('--nats-url <url>', 'NATS server to use (default: NATS_URL, else a nats-server started here)')
    .option('--creds <dir>', 'with --nats-url: connect each service as its identity from this `ala creds` directory')
    .option('--transport <kind>', 'auto | nats (default nats: the advice log needs JetStream)')
    .option('--tolerance-ms <n>', `largest accepted offset difference of an advice, ms (default ${REPLAY_DEFAULTS.offsetToleranceMs})`, num('--tolerance-ms'))
    .option('--eval-episodes <n>', 'episodes to run the final policy without advice (default 0)', num('--eval-episodes'))
    .option('--progress <mode>', 'auto | plain | none', 'auto')
    .action(async (run: string, o: Omit<ReplayArgs, 'run'>) => {
      const ac = new AbortController();
      const onSigint = (): void => {
        if (ac.signal.aborted) process.exit(130);
        ac.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const r = await runReplay({ ...o, run, signal: ac.signal });
        if (!r.comparison.identical || r.summary.stoppedBy === 'error') process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
