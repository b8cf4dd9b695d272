// Entry point of the bias router: config from the environment, connect, ensure the ALA_BIAS
// stream and report whether the server enforces per-message TTL, start, /metrics, NATS status
// endpoint, /readyz (with the store: once ALA_BIAS exists), drain on SIGTERM. `tsx services/bias-router/src/main.ts`.
import { ensureStreams, openJetStream, resourceNames } from '@ala/bus';
import { jetStreamReadiness, runServiceMain } from '@ala/telemetry';
import { loadConfig } from './config';
import { start } from './service';

async function main(): Promise<void> {
  const config = loadConfig();
  await runServiceMain({
    name: 'bias-router',
    version: '0.1.0',
    natsUrl: config.natsUrl,
    prefix: config.prefix,
    metricsPort: config.metricsPort,
    start: async ({ conn, bus, clock, metrics, busMetrics, log }) => {
      let jetstream;
      if (config.store) {
        jetstream = await openJetStream(conn.nc);
        const streams = await ensureStreams(jetstream, config.prefix, { ensure: ['bias'] }); // ALA_TRAJ is the actors' and learner's
        const ttl = streams.ttl;
        if (ttl.enforced) log.info('ALA_BIAS: server enforces per-message TTL', { serverVersion: ttl.serverVersion });
        else log.warn('ALA_BIAS: server does NOT enforce per-message TTL; max_age is the only ceiling', { serverVersion: ttl.serverVersion, reason: ttl.reason });
      }
      const router = start({ bus, clock, metrics, log, config, jetstream, busMetrics });
      const ready = jetstream ? jetStreamReadiness(jetstream.jsm, { streams: [resourceNames(config.prefix).bias] }) : undefined;
      // a restarted server may have lost ALA_BIAS (memory storage): create it again
      const onReconnect = jetstream ? () => ensureStreams(jetstream, config.prefix, { ensure: ['bias'] }) : undefined; // a restarted server loses ALA_BIAS (memory)
      return { stop: () => router.stop(), stats: () => router.stats(), ready, onReconnect };
    },
  });
}

main().catch((err: unknown) => {
  console.error('bias-router failed to start:', err);
  process.exit(1);
});
