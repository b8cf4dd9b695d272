// Entry point of the vote-aggregator (what a container runs, also `ala vote-aggregator`): config from the
// environment, then @ala/telemetry's service shell (connect, bus with metrics, /metrics, /readyz
// (with the advice log: once ALA_ADVICE_LOG exists), NATS services `status` endpoint, drain on
// SIGTERM) around start(), after ensuring the advice log stream (ALA_ADVICE_LOG, the aggregator
// owns it: docs/architecture.md "Advice log and replay") unless ALA_ADVICE_LOG=false.
// Must not: contain service logic (service.ts) or read the environment other than through loadConfig.
import { adviceLogStreamName, ensureAdviceLog, openJetStream } from '@ala/bus';
import { jetStreamReadiness, runAsProgram, runServiceMain, type Env, type ServiceMainHandle } from '@ala/telemetry';
import { loadConfig } from './config';
import { start } from './service';

/** Runs until SIGTERM/SIGINT. */
export async function main(env: Env = process.env): Promise<ServiceMainHandle> {
  const config = loadConfig(env);
  return runServiceMain({
    name: 'vote-aggregator',
    version: '0.1.0',
    config,
    start: async ({ conn, bus, clock, metrics, log }) => {
      const logOpts = { maxAgeMs: config.adviceLogMaxAgeMs, maxBytes: config.adviceLogMaxBytes, replicas: config.streamReplicas };
      const jetstream = config.adviceLog ? await openJetStream(conn.nc) : undefined;
      if (jetstream) await ensureAdviceLog(jetstream, config.prefix, logOpts);
      const aggregator = start({ bus, clock, metrics, log, config });
      const ready = jetstream ? jetStreamReadiness(jetstream.jsm, { streams: [adviceLogStreamName(config.prefix)] }) : undefined;
      // a server that lost its store (or a new cluster) gets the log again
      const onReconnect = jetstream ? () => ensureAdviceLog(jetstream, config.prefix, logOpts) : undefined;
      return { stop: () => aggregator.stop(), stats: () => aggregator.stats(), ready, onReconnect };
    },
  });
}

if (require.main === module) runAsProgram('vote-aggregator', main);
