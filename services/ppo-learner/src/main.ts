// Entry point of one ppo-learner process (what a container runs, also `ala ppo-learner`): config
// from the environment, connect, ensure streams and stores, start, drain on SIGTERM (after a
// final checkpoint). Must not: contain service logic (service.ts).
import { connect, consoleLogger, drainOnSignal, ensureStreams, NatsBus, openJetStream } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { loadConfig } from './config';
import { jetStreamLearnerPorts } from './nats-io';
import { start, type PpoLearner } from './service';

/** Runs until SIGTERM/SIGINT; resolves with the running service. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<PpoLearner> {
  const config = loadConfig(env);
  const conn = await connect({ servers: config.natsUrl, name: 'ppo-learner', logger: consoleLogger });
  const ctx = await openJetStream(conn.nc);
  await ensureStreams(ctx, config.prefix);
  const bus = new NatsBus(conn.nc, { logger: consoleLogger, subjects: subjects(config.prefix) });
  const service = await start({ config, bus, ...(await jetStreamLearnerPorts(ctx, config.prefix, config.consumer)), logger: consoleLogger });
  drainOnSignal(conn, { beforeDrain: () => service.stop() });
  consoleLogger.info(`ppo-learner: ${config.envId}, policy v${service.stats().policyVersion} on ${config.natsUrl}`);
  return service;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`ppo-learner: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
