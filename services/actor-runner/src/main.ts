// Entry point of one actor-runner process (what a container runs, also `ala actor-runner`):
// config from the environment, connect, ensure the streams, start, drain on SIGTERM.
// Must not: contain service logic (service.ts).
import { connect, consoleLogger, drainOnSignal, ensureStreams, NatsBus, openJetStream } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { loadConfig } from './config';
import { jetStreamActorPorts } from './nats-io';
import { start, type ActorRunner } from './service';

/** Runs until SIGTERM/SIGINT; resolves with the running service. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<ActorRunner> {
  const config = loadConfig(env);
  const conn = await connect({ servers: config.natsUrl, name: `actor-runner-${config.actorId}`, logger: consoleLogger });
  const ctx = await openJetStream(conn.nc);
  const streams = await ensureStreams(ctx, config.prefix);
  if (!streams.ttl.enforced) consoleLogger.warn(`advice TTL not enforced by the server: ${streams.ttl.reason}`);
  const bus = new NatsBus(conn.nc, { logger: consoleLogger, subjects: subjects(config.prefix) });
  const service = await start({ config, bus, ...(await jetStreamActorPorts(ctx, config.prefix)), logger: consoleLogger });
  drainOnSignal(conn, { beforeDrain: () => service.stop() });
  consoleLogger.info(`actor-runner ${config.actorId}: ${config.agents} x ${config.envId} on ${config.natsUrl}`);
  return service;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`actor-runner: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
