// Entry point of one ppo-learner process (what a container runs, also `ala ppo-learner`): config
// from the environment, then @ala/telemetry's service shell (connect, bus with metrics, /metrics,
// /readyz once ALA_TRAJ and its durable consumer exist, NATS services `status` endpoint, drain on
// SIGTERM after a final checkpoint) around start().
// Must not: contain service logic (service.ts) or read the environment other than through loadConfig.
import { ensureStreams, openJetStream, resourceNames } from '@ala/bus';
import { jetStreamReadiness, runAsProgram, runServiceMain, type Env, type ServiceMainHandle } from '@ala/telemetry';
import { loadConfig } from './config';
import { jetStreamLearnerPorts } from './nats-io';
import { learnerMetricsExporter } from './metrics';
import { start } from './service';

/** Runs until SIGTERM/SIGINT. */
export async function main(env: Env = process.env): Promise<ServiceMainHandle> {
  const config = loadConfig(env);
  return runServiceMain({
    name: 'ppo-learner',
    version: '0.1.0',
    config,
    start: async (ctx) => {
      const js = await openJetStream(ctx.conn.nc);
      await ensureStreams(js, config.prefix, { ensure: ['traj'], replicas: config.streamReplicas }); // ALA_BIAS is the router's (docs/security.md)
      const traj = resourceNames(config.prefix).traj;
      const learner = await start({
        config,
        bus: ctx.bus,
        ...(await jetStreamLearnerPorts(js, config.prefix, config.consumer, { replicas: config.streamReplicas })),
        logger: ctx.log,
      });
      ctx.log.info(`ppo-learner: ${config.envId}, published policy v${learner.stats().policyVersion}`);
      const exportMetrics = learnerMetricsExporter(ctx.metrics);
      const timer = setInterval(() => exportMetrics(learner.stats()), 1000); // /metrics lags stats by <= 1 s
      timer.unref();
      return {
        stop: async () => {
          clearInterval(timer);
          await learner.stop();
        },
        stats: () => ({ ...learner.stats() }),
        onReconnect: () => ensureStreams(js, config.prefix, { ensure: ['traj'], replicas: config.streamReplicas }), // a restarted server without a store may have lost them; the router re-creates ALA_BIAS
        ready: jetStreamReadiness(js.jsm, { streams: [traj], consumers: [[traj, config.consumer]] }),
      };
    },
  });
}

if (require.main === module) runAsProgram('ppo-learner', main);
