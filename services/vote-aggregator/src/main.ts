// Entry point of the vote aggregator: config from the environment, connect, start, /metrics,
// NATS status endpoint, drain on SIGTERM. `tsx services/vote-aggregator/src/main.ts`.
import { runServiceMain } from '@ala/telemetry';
import { loadConfig } from './config';
import { start } from './service';

async function main(): Promise<void> {
  const config = loadConfig();
  await runServiceMain({
    name: 'vote-aggregator',
    version: '0.1.0',
    natsUrl: config.natsUrl,
    prefix: config.prefix,
    metricsPort: config.metricsPort,
    start: ({ bus, clock, metrics, log }) => start({ bus, clock, metrics, log, config }),
  });
}

main().catch((err: unknown) => {
  console.error('vote-aggregator failed to start:', err);
  process.exit(1);
});
