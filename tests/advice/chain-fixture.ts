// Test fixture for the advice chain on a real nats-server: one connection and one NatsBus (with
// its own counting metrics) per service, the three services started with test configs, an
// "actor" bus that publishes snapshots and listens to biases. Helpers only: no assertions here.
import {
  connect,
  CountingBusMetrics,
  ensureStreams,
  NatsBus,
  openJetStream,
  silentLogger,
  systemClock,
  type AlaConnection,
  type JetStreamContext,
} from '@ala/bus';
import { loadConfig as advisorConfig, start as startAdvisor, type AdvisorBackend } from '@ala/advisor-worker';
import { loadConfig as aggregatorConfig, start as startAggregator } from '@ala/vote-aggregator';
import { loadConfig as routerConfig, start as startRouter } from '@ala/bias-router';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { subjects, type StateSnapshot } from '@ala/protocol';
import { PromMetrics } from '@ala/telemetry';

export const s = subjects('ala');

export interface Chain {
  server: NatsServerHandle;
  conns: AlaConnection[];
  actor: NatsBus;
  js: JetStreamContext;
  busMetrics: { advisor: CountingBusMetrics; aggregator: CountingBusMetrics; router: CountingBusMetrics };
  metrics: PromMetrics;
  advisor: ReturnType<typeof startAdvisor>;
  aggregator: ReturnType<typeof startAggregator>;
  router: ReturnType<typeof startRouter>;
  stop(): Promise<void>;
}

export interface ChainOptions {
  advisorEnv?: Record<string, string>;
  aggregatorEnv?: Record<string, string>;
  routerEnv?: Record<string, string>;
  backend?: AdvisorBackend;
  server?: NatsServerHandle;
}

export async function startChain(opts: ChainOptions = {}): Promise<Chain> {
  const server = opts.server ?? (await startNatsServer());
  const conns = await Promise.all(['actor', 'advisor', 'aggregator', 'router'].map((name) => connect({ servers: server.url, name, logger: silentLogger })));
  const [actorConn, advConn, aggConn, routerConn] = conns as [AlaConnection, AlaConnection, AlaConnection, AlaConnection];
  const busMetrics = { advisor: new CountingBusMetrics(), aggregator: new CountingBusMetrics(), router: new CountingBusMetrics() };
  const deps = (conn: AlaConnection, m: CountingBusMetrics) => new NatsBus(conn.nc, { metrics: m, logger: silentLogger, subjects: s });
  const actor = new NatsBus(actorConn.nc, { logger: silentLogger, subjects: s });
  const js = await openJetStream(routerConn.nc);
  await ensureStreams(js, 'ala');
  const metrics = new PromMetrics();
  const advisor = startAdvisor({
    bus: deps(advConn, busMetrics.advisor),
    clock: systemClock,
    metrics,
    config: advisorConfig({ ALA_ADVISOR_ID: 'expert', ...opts.advisorEnv }),
    backend: opts.backend,
  });
  const aggregator = startAggregator({
    bus: deps(aggConn, busMetrics.aggregator),
    clock: systemClock,
    metrics,
    config: aggregatorConfig({ ALA_AGG_WINDOW_MS: '20', ...opts.aggregatorEnv }),
  });
  const router = startRouter({
    bus: deps(routerConn, busMetrics.router),
    clock: systemClock,
    metrics,
    config: routerConfig({ ALA_ROUTER_BOUND: '0.5', ...opts.routerEnv }),
    jetstream: js,
  });
  await Promise.all(conns.map((c) => c.nc.flush()));
  return {
    server,
    conns,
    actor,
    js,
    busMetrics,
    metrics,
    advisor,
    aggregator,
    router,
    async stop() {
      await Promise.all([advisor.stop(), aggregator.stop(), router.stop()]);
      await Promise.all(conns.map((c) => c.close()));
      if (opts.server === undefined) await server.stop();
    },
  };
}

/** A CartPole snapshot for `agentId` (obs: pole falling to the right, so the expert pushes right). */
export function cartPoleSnapshot(agentId: string, seq: number, obs: number[] = [0, 0, 0.05, 0.1]): StateSnapshot {
  return {
    v: 1,
    agentId,
    actorId: 'actor-1',
    envId: 'CartPole-v1',
    seq,
    policyVersion: 1,
    episodeStep: seq,
    text: `cart at ${obs[0]}, pole angle ${obs[2]}`,
    actionNames: ['push_left', 'push_right'],
    legal: [true, true],
    obs,
    probs: [0.5, 0.5],
    createdAt: Date.now(),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
