// Test harness for end-to-end suites: a real nats-server (testkit), one connection with streams
// and stores, and helpers that start an actor-runner and a ppo-learner on it with JetStream ports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, CountingBusMetrics, ensureStreams, NatsBus, openJetStream, silentLogger, type AlaConnection, type JetStreamContext } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor, type ActorRunner, type ActorRunnerConfig, type ActorRunnerDeps } from '@ala/actor-runner';
import { start as startAdvisor, loadConfig as advisorConfig } from '@ala/advisor-worker';
import { start as startRouter, loadConfig as routerConfig } from '@ala/bias-router';
import { start as startAggregator, loadConfig as aggregatorConfig } from '@ala/vote-aggregator';
import { systemClock } from '@ala/bus';
import type { TrajectoryChunk } from '@ala/protocol';
import { LEARNER_DEFAULTS, jetStreamLearnerPorts, start as startLearner, type PpoLearner, type PpoLearnerConfig } from '@ala/ppo-learner';

/** One nats-server for the whole test file: started before the first test, stopped after the last. */
export function natsServerPerFile(set: (server: NatsServerHandle) => void): void {
  let server: NatsServerHandle | undefined;
  beforeAll(async () => {
    server = await startNatsServer();
    set(server);
  });
  afterAll(async () => {
    await server?.stop();
  });
}

export interface Harness {
  server: NatsServerHandle;
  conn: AlaConnection;
  ctx: JetStreamContext;
  bus: NatsBus;
  metrics: CountingBusMetrics;
  prefix: string;
  close(): Promise<void>;
}

let counter = 0;

/** A fresh server (or a fresh prefix on a given one) with streams ensured. */
export async function harness(server?: NatsServerHandle): Promise<Harness> {
  const srv = server ?? (await startNatsServer());
  const conn = await connect({ servers: srv.url, name: `e2e-${counter}`, logger: silentLogger });
  const ctx = await openJetStream(conn.nc);
  const prefix = `e2e${process.pid}x${counter++}`;
  await ensureStreams(ctx, prefix);
  const metrics = new CountingBusMetrics();
  const bus = new NatsBus(conn.nc, { metrics, logger: silentLogger, subjects: subjects(prefix) });
  return {
    server: srv,
    conn,
    ctx,
    bus,
    metrics,
    prefix,
    close: async () => {
      await bus.close();
      await conn.drain().catch(() => undefined);
      if (!server) await srv.stop();
    },
  };
}

/** Another bus on the same connection with its own counters (to attribute drops to one service). */
export function busOn(h: Harness): { bus: NatsBus; metrics: CountingBusMetrics } {
  const metrics = new CountingBusMetrics();
  return { bus: new NatsBus(h.conn.nc, { metrics, logger: silentLogger, subjects: subjects(h.prefix) }), metrics };
}

/** An actor on its own bus; every chunk it stores is also kept in `chunks`. */
export async function actorOn(
  h: Harness,
  over: Partial<ActorRunnerConfig> = {},
  extra: Pick<ActorRunnerDeps, 'makeVectorEnv' | 'onBiasApplied'> = {},
): Promise<{ actor: ActorRunner; chunks: TrajectoryChunk[]; metrics: CountingBusMetrics }> {
  const config: ActorRunnerConfig = { ...ACTOR_DEFAULTS, natsUrl: h.server.url, prefix: h.prefix, ...over };
  const { bus, metrics } = busOn(h);
  const ports = await jetStreamActorPorts(h.ctx, h.prefix);
  const chunks: TrajectoryChunk[] = [];
  const trajectories = { publish: (c: TrajectoryChunk, id: string) => (chunks.push(c), ports.trajectories.publish(c, id)) };
  const actor = await startActor({ config, bus, ...ports, trajectories, logger: silentLogger, ...extra });
  return { actor, chunks, metrics };
}

/** advisor-worker (scripted CartPole expert), vote-aggregator and bias-router on their own bus. */
export function adviceChainOn(
  h: Harness,
  env: Record<string, string> = {},
): { stop(): Promise<void>; stats(): Record<string, Record<string, number>>; metrics: CountingBusMetrics } {
  const { bus, metrics } = busOn(h);
  const e = {
    ALA_PREFIX: h.prefix,
    ALA_AGG_WINDOW_MS: '5',
    ALA_ADVISOR_MAX_IN_FLIGHT: '64',
    ALA_ROUTER_RATE_PER_S: '100000',
    ALA_ROUTER_BURST: '100000',
    ...env,
  };
  const advisor = startAdvisor({ bus, clock: systemClock, config: advisorConfig(e), log: silentLogger });
  const aggregator = startAggregator({ bus, clock: systemClock, config: aggregatorConfig(e), log: silentLogger });
  const router = startRouter({ bus, clock: systemClock, config: routerConfig(e), log: silentLogger, jetstream: h.ctx });
  return {
    metrics,
    stats: () => ({ advisor: advisor.stats(), aggregator: aggregator.stats(), router: router.stats() }),
    stop: async () => {
      await Promise.all([advisor.stop(), aggregator.stop(), router.stop()]);
      await bus.close();
    },
  };
}

export async function learnerOn(h: Harness, over: Partial<PpoLearnerConfig> = {}): Promise<PpoLearner> {
  const config: PpoLearnerConfig = { ...LEARNER_DEFAULTS, natsUrl: h.server.url, prefix: h.prefix, ...over };
  return startLearner({ config, bus: busOn(h).bus, ...(await jetStreamLearnerPorts(h.ctx, h.prefix, config.consumer)), logger: silentLogger });
}

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(tmpdir(), `ala-${tag}-`));
}
