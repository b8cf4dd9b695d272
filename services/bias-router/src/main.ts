// Entry point of the bias router (what a container runs, also `ala bias-router`): config from the
// environment, then @ala/telemetry's service shell (connect, bus with metrics, /metrics, /readyz
// (with the store: once ALA_BIAS exists), NATS services `status` endpoint, drain on SIGTERM) around
// start(), after ensuring the ALA_BIAS stream and reporting whether the server enforces per-message TTL.
// Must not: contain service logic (service.ts) or read the environment other than through loadConfig.
import { ensureStreams, openJetStream, resourceNames } from '@ala/bus';
import { jetStreamReadiness, runAsProgram, runServiceMain, type Env, type ServiceMainHandle } from '@ala/telemetry';
import { loadConfig } from './config';
import { start } from './service';

/** Runs until SIGTERM/SIGINT. */
export async function main(env: Env = process.env): Promise<ServiceMainHandle> {
  const config = loadConfig(env);
  return runServiceMain({
    name: 'bias-router',
    version: '0.1.0',
    config,
    start: async ({ conn, bus, clock, metrics, busMetrics, log }) => {
      let jetstream;
      if (config.store) {
        jetstream = await openJetStream(conn.nc);
        const ttl = (await ensureStreams(jetstream, config.prefix, { ensure: ['bias'], replicas: config.streamReplicas })).ttl; // ALA_TRAJ is the actors' and learner's
        if (ttl.enforced) log.info('ALA_BIAS: server enforces per-message TTL', { serverVersion: ttl.serverVersion });
        else
          log.warn('ALA_BIAS: server does NOT enforce per-message TTL; max_age is the only ceiling', { serverVersion: ttl.serverVersion, reason: ttl.reason });
      }
      const router = start({ bus, clock, metrics, log, config, jetstream, busMetrics });
      const ready = jetstream ? jetStreamReadiness(jetstream.jsm, { streams: [resourceNames(config.prefix).bias] }) : undefined;
      // a restarted server may have lost ALA_BIAS (memory storage): create it again
      const onReconnect = jetstream ? () => ensureStreams(jetstream, config.prefix, { ensure: ['bias'], replicas: config.streamReplicas }) : undefined;
      return { stop: () => router.stop(), stats: () => router.stats(), ready, onReconnect };
    },
  });
}

if (require.main === module) runAsProgram('bias-router', main);
