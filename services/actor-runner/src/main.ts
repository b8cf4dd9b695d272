// Entry point of one actor-runner process (what a container runs, also `ala actor-runner`):
// config from the environment, then @ala/telemetry's service shell (connect, bus with metrics,
// /metrics, /readyz, NATS services `status` endpoint, drain on SIGTERM) around start(). Ready once
// its streams exist and a policy is loaded.
// Must not: contain service logic (service.ts) or read the environment other than through loadConfig.
import { detectTtlSupport, ensureStreams, openJetStream, resourceNames } from '@ala/bus';
import { actKernelAvailable } from '@ala/rl-core';
import { allOf, jetStreamReadiness, notReady, READY, runAsProgram, runServiceMain, type Env, type ServiceMainHandle } from '@ala/telemetry';
import { loadConfig } from './config';
import { jetStreamActorPorts } from './nats-io';
import { actorMetricsExporter } from './metrics';
import { start } from './service';

/** Runs until SIGTERM/SIGINT. */
export async function main(env: Env = process.env): Promise<ServiceMainHandle> {
  const config = loadConfig(env);
  return runServiceMain({
    name: 'actor-runner',
    version: '0.1.0',
    config,
    start: async (ctx) => {
      const js = await openJetStream(ctx.conn.nc);
      await ensureStreams(js, config.prefix, { ensure: ['traj'], replicas: config.streamReplicas }); // ALA_BIAS is the router's (docs/security.md)
      const ttl = await detectTtlSupport(js, resourceNames(config.prefix).bias).catch((err: unknown) => ({ enforced: false, reason: (err as Error).message }));
      if (!ttl.enforced) ctx.log.warn(`advice TTL not enforced by the server: ${ttl.reason}`);
      const actor = await start({
        config,
        bus: ctx.bus,
        ...(await jetStreamActorPorts(js, config.prefix, { metrics: ctx.busMetrics, logger: ctx.log, replicas: config.streamReplicas })),
        logger: ctx.log,
        busMetrics: ctx.busMetrics,
      });
      const acting = actKernelAvailable() ? 'WebAssembly SIMD kernel' : 'JavaScript path (no WebAssembly SIMD here: slower)';
      ctx.log.info(
        `actor-runner ${config.actorId}: ${config.agents} x ${config.envId}, sampling on the ${acting}, live biases received on the ${actor.biasIntake === 'thread' ? 'intake worker thread' : 'main thread'}, waiting for a policy`,
      );
      const exportMetrics = actorMetricsExporter(ctx.metrics);
      const timer = setInterval(() => exportMetrics(actor.stats()), 1000); // /metrics lags stats by <= 1 s
      timer.unref();
      return {
        stop: async () => {
          clearInterval(timer);
          await actor.stop();
        },
        stats: () => ({ ...actor.stats() }),
        onReconnect: () => ensureStreams(js, config.prefix, { ensure: ['traj'], replicas: config.streamReplicas }), // a restarted server without a store may have lost them; the router re-creates ALA_BIAS
        ready: allOf(
          jetStreamReadiness(js.jsm, { streams: [resourceNames(config.prefix).traj, resourceNames(config.prefix).bias] }),
          () => (actor.stats().policyVersion > 0 ? READY : notReady('no policy loaded yet')),
          () => {
            const problem = actor.intakeProblem(); // the bias intake worker crashed: not taking advice until it is back
            return problem === undefined ? READY : notReady(problem);
          },
        ),
      };
    },
  });
}

if (require.main === module) runAsProgram('actor-runner', main);
