// Test harness for end-to-end suites: a real nats-server (testkit), one connection with streams
// and stores, and helpers that start an actor-runner and a ppo-learner on it with JetStream ports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, CountingBusMetrics, ensureStreams, NatsBus, openJetStream, silentLogger, type AlaConnection, type JetStreamContext } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor, type ActorRunner, type ActorRunnerConfig } from '@ala/actor-runner';
import { LEARNER_DEFAULTS, jetStreamLearnerPorts, start as startLearner, type PpoLearner, type PpoLearnerConfig } from '@ala/ppo-learner';

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
    server: srv, conn, ctx, bus, metrics, prefix,
    close: async () => {
      await bus.close();
      await conn.drain().catch(() => undefined);
      if (!server) await srv.stop();
    },
  };
}

export async function actorOn(h: Harness, over: Partial<ActorRunnerConfig> = {}): Promise<ActorRunner> {
  const config: ActorRunnerConfig = { ...ACTOR_DEFAULTS, natsUrl: h.server.url, prefix: h.prefix, ...over };
  return startActor({ config, bus: h.bus, ...(await jetStreamActorPorts(h.ctx, h.prefix)), logger: silentLogger });
}

export async function learnerOn(h: Harness, over: Partial<PpoLearnerConfig> = {}): Promise<PpoLearner> {
  const config: PpoLearnerConfig = { ...LEARNER_DEFAULTS, natsUrl: h.server.url, prefix: h.prefix, ...over };
  return startLearner({ config, bus: h.bus, ...(await jetStreamLearnerPorts(h.ctx, h.prefix, config.consumer)), logger: silentLogger });
}

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(tmpdir(), `ala-${tag}-`));
}
