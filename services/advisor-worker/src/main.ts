// Entry point of the advisor-worker (what a container runs, also `ala advisor-worker`): config from the
// environment, then @ala/telemetry's service shell (connect, bus with metrics, /metrics, NATS
// services `status` endpoint, drain on SIGTERM) around start().
// Must not: contain service logic (service.ts) or read the environment other than through loadConfig.
import { runAsProgram, runServiceMain, type Env, type ServiceMainHandle } from '@ala/telemetry';
import { loadConfig } from './config';
import { start } from './service';

/** Runs until SIGTERM/SIGINT. */
export async function main(env: Env = process.env): Promise<ServiceMainHandle> {
  const config = loadConfig(env);
  return runServiceMain({
    name: 'advisor-worker',
    version: '0.1.0',
    config,
    start: ({ bus, clock, metrics, log }) => start({ bus, clock, metrics, log, config }),
  });
}

if (require.main === module) runAsProgram('advisor-worker', main);
