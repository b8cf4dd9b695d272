// Helpers of the fault suite: the five services as real `ala <service>` processes (what the
// containers run) on a given nats-server, their stats through the NATS `status` endpoint (what
// `ala status` reads), and a read of every trajectory chunk stored in ALA_TRAJ. Must not: decide
// what a test expects.
import { DeliverPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { openJetStream, resourceNames } from '@ala/bus';
import { decode, TrajectoryChunk } from '@ala/protocol';
import { waitFor } from '@ala/testkit';
import { collectStatus, type InstanceStatus } from '../../packages/cli/src/commands/status';
import { startAla, type AlaProcess } from '../deploy/processes';

export type ServiceName = 'ppo-learner' | 'actor-runner' | 'advisor-worker' | 'vote-aggregator' | 'bias-router';
/** The five services, in the order the tests start them (the learner first: it creates the policy stores). */
export const ALL_SERVICES: readonly ServiceName[] = ['ppo-learner', 'actor-runner', 'advisor-worker', 'vote-aggregator', 'bias-router'];

/** Environment of each service in these tests: small, fast, advice on every 4th step. */
export const FAULT_ENV: Record<ServiceName, Record<string, string>> = {
  'ppo-learner': { ALA_CHECKPOINT_EVERY_S: '2', ALA_MIN_BATCH: '512' },
  'actor-runner': {
    ALA_AGENTS: '8',
    ALA_ACTOR_ID: 'fa',
    ALA_STEP_HZ: '100',
    ALA_CHUNK_STEPS: '16',
    ALA_SNAPSHOT_EVERY: '4',
    ALA_ADVICE_TTL_MS: '1000',
    ALA_MAX_INFLIGHT_CHUNKS: '256',
  },
  'advisor-worker': { ALA_SCRIPTED_LATENCY_MS: '5' },
  'vote-aggregator': { ALA_AGG_WINDOW_MS: '5' },
  'bias-router': { ALA_ROUTER_RATE_PER_S: '10000', ALA_ROUTER_BURST: '10000' },
};

export class Stack {
  readonly procs = new Map<ServiceName, AlaProcess>();
  constructor(
    readonly url: string,
    readonly prefix: string,
    readonly common: Record<string, string> = {},
  ) {}

  start(svc: ServiceName, env: Record<string, string> = {}): AlaProcess {
    const p = startAla(svc, [svc], { ALA_NATS_URL: this.url, ALA_PREFIX: this.prefix, ALA_METRICS_PORT: '0', ...FAULT_ENV[svc], ...this.common, ...env });
    this.procs.set(svc, p);
    return p;
  }

  /** SIGTERM every process still running; resolves with their exit codes. */
  async stopAll(): Promise<Record<string, number | null>> {
    const out: Record<string, number | null> = {};
    await Promise.all(
      [...this.procs].map(async ([svc, p]) => {
        if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
        out[svc] = await p.exited;
      }),
    );
    return out;
  }

  outputs(): string {
    return [...this.procs].map(([svc, p]) => `--- ${svc}:\n${p.output().slice(-800)}`).join('\n');
  }
}

/** Stats of every instance by service name (the first instance of each). */
export async function statusBy(nc: NatsConnection): Promise<Partial<Record<ServiceName, Record<string, number>>>> {
  const list: InstanceStatus[] = await collectStatus(nc, 700).catch(() => []);
  const out: Partial<Record<ServiceName, Record<string, number>>> = {};
  for (const i of list) out[i.service as ServiceName] ??= i.stats;
  return out;
}

/** A plain client for the test itself (reconnects forever, across server kills). */
export function testClient(url: string | string[]): Promise<NatsConnection> {
  return connect({ servers: url, name: 'fault-test', maxReconnectAttempts: -1, reconnectTimeWait: 200 });
}

/** Every chunk stored in ALA_TRAJ of `prefix`, read with an ordered consumer: [actorId, chunkSeq] pairs. */
export async function storedChunks(nc: NatsConnection, prefix: string): Promise<{ actorId: string; chunkSeq: number; msgId: string }[]> {
  const ctx = await openJetStream(nc);
  const stream = resourceNames(prefix).traj;
  const total = (await ctx.jsm.streams.info(stream)).state.messages;
  const out: { actorId: string; chunkSeq: number; msgId: string }[] = [];
  if (total === 0) return out;
  const consumer = await ctx.js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  while (out.length < total) {
    const batch = await consumer.fetch({ max_messages: Math.min(500, total - out.length), expires: 2_000 });
    let got = 0;
    for await (const m of batch) {
      const c = decode(TrajectoryChunk, m.data);
      out.push({ actorId: c.actorId, chunkSeq: c.chunkSeq, msgId: m.headers?.get('Nats-Msg-Id') ?? '' });
      got += 1;
    }
    if (got === 0) break;
  }
  return out;
}

export type StatusByService = Awaited<ReturnType<typeof statusBy>>;

/** One line of the numbers the progress waits look at, for a failure message. */
export function progressLine(st: StatusByService): string {
  const l = st['ppo-learner'];
  const a = st['actor-runner'];
  return `learner updates ${l?.updates ?? '-'} version ${l?.policyVersion ?? '-'} chunksIn ${l?.chunksIn ?? '-'}; actor steps ${a?.envSteps ?? '-'} advised ${a?.advisedSteps ?? '-'} version ${a?.policyVersion ?? '-'} chunks published ${a?.chunksPublished ?? '-'} inflight ${a?.chunksInflight ?? '-'}; services answering: ${Object.keys(st).join(', ') || 'none'}`;
}

/**
 * Waits until `done(status)` holds, reading the services' status every 500 ms. On a timeout the
 * error names `what`, the last status read and the services' output at that moment (not at the
 * start of the wait). Returns the last status read.
 */
export async function waitForStatus(
  nc: NatsConnection,
  done: (st: StatusByService) => boolean,
  timeoutMs: number,
  what: string,
  outputs: () => string,
): Promise<StatusByService> {
  let st: StatusByService = {};
  try {
    await waitFor(async () => done((st = await statusBy(nc))), timeoutMs, { intervalMs: 500, what });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast status: ${progressLine(st)}\n${outputs()}`, { cause: err });
  }
  return st;
}

/** Waits until the learner made 2 updates and the actor applied advice. */
export function waitForTraining(nc: NatsConnection, timeoutMs: number, what: string, outputs: () => string): Promise<StatusByService> {
  return waitForStatus(nc, (st) => (st['ppo-learner']?.updates ?? 0) >= 2 && (st['actor-runner']?.advisedSteps ?? 0) > 0, timeoutMs, what, outputs);
}

/**
 * Waits until training and advice have moved on since `before` (the learner 3 updates further, the
 * actor 100 more advised steps and acting with a version 2 past the learner's then) and returns the
 * last status read.
 */
export function waitForProgress(nc: NatsConnection, before: StatusByService, timeoutMs: number, what: string, outputs: () => string): Promise<StatusByService> {
  return waitForStatus(
    nc,
    (st) =>
      (st['ppo-learner']?.updates ?? 0) >= before['ppo-learner']!.updates! + 3 &&
      (st['actor-runner']?.advisedSteps ?? 0) > before['actor-runner']!.advisedSteps! + 100 &&
      (st['actor-runner']?.policyVersion ?? 0) > before['ppo-learner']!.policyVersion! + 2,
    timeoutMs,
    `${what} (from: ${progressLine(before)})`,
    outputs,
  );
}
