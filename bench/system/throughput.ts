// Whole-system throughput on CartPole: a real nats-server, the ppo-learner in its own process
// (`ala ppo-learner`, as deployed), and unpaced actor-runners in this process storing trajectory
// chunks in JetStream while the learner consumes them and announces new versions that the actors
// load. Reports env-steps/s of the actors over the measurement window, chunks stored and consumed,
// learner updates and versions reached. Variant: the same with the advice chain (scripted advisor,
// aggregator, router in this process) and snapshots every 20 steps per agent.
// Target: >= 20k env-steps/s with trajectories flowing.
// Run: npx tsx bench/system/throughput.ts [--quick]   (writes bench/results/system-throughput.json)
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { connect, ensureStreams, NatsBus, openJetStream, silentLogger, systemClock, CountingBusMetrics } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor, type ActorRunner } from '@ala/actor-runner';
import { start as startAdvisor, loadConfig as advisorConfig } from '@ala/advisor-worker';
import { start as startAggregator, loadConfig as aggregatorConfig } from '@ala/vote-aggregator';
import { start as startRouter, loadConfig as routerConfig } from '@ala/bias-router';
import { dist, sleep, writeResult } from '../common';

const quick = process.argv.includes('--quick');
const MEASURE_S = quick ? 6 : 15;
const ACTORS = 2;
const AGENTS = 32;

function spawnLearner(url: string, prefix: string): ChildProcess {
  const bin = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
  return spawn(process.execPath, [bin, 'ppo-learner'], {
    env: { ...process.env, ALA_NATS_URL: url, ALA_PREFIX: prefix, ALA_LEARNER_CONSUMER: `l-${prefix}` },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function run(server: NatsServerHandle, withAdvice: boolean): Promise<Record<string, unknown>> {
  const prefix = withAdvice ? 'tpa' : 'tp';
  const conn = await connect({ servers: server.url, name: `bench-${prefix}`, logger: silentLogger });
  const ctx = await openJetStream(conn.nc);
  await ensureStreams(ctx, prefix);
  const learnerProc = spawnLearner(server.url, prefix);
  const metrics = new CountingBusMetrics();
  const bus = new NatsBus(conn.nc, { metrics, logger: silentLogger, subjects: subjects(prefix) });
  const env = {
    ALA_PREFIX: prefix,
    ALA_SCRIPTED_LATENCY_MS: '20',
    ALA_AGG_WINDOW_MS: '5',
    ALA_ADVISOR_MAX_IN_FLIGHT: '256',
    ALA_ROUTER_RATE_PER_S: '1000000',
    ALA_ROUTER_BURST: '1000000',
  };
  const chain = withAdvice
    ? [
        startAdvisor({ bus, clock: systemClock, config: advisorConfig(env), log: silentLogger }),
        startAggregator({ bus, clock: systemClock, config: aggregatorConfig(env), log: silentLogger }),
        startRouter({ bus, clock: systemClock, config: routerConfig(env), log: silentLogger, jetstream: ctx }),
      ]
    : [];
  const actors: ActorRunner[] = [];
  for (let k = 0; k < ACTORS; k++) {
    actors.push(
      await startActor({
        config: {
          ...ACTOR_DEFAULTS,
          prefix,
          actorId: `act-${k}`,
          agents: AGENTS,
          stepHz: 0,
          chunkSteps: 32,
          snapshotEvery: withAdvice ? 20 : 0,
          adviceTtlMs: 500,
          seed: k + 1,
        },
        bus,
        ...(await jetStreamActorPorts(ctx, prefix)),
        logger: silentLogger,
      }),
    );
  }
  await Promise.all(actors.map((a) => a.ready));
  await sleep(2000);
  const sum = (f: (s: ReturnType<ActorRunner['stats']>) => number): number => actors.reduce((n, a) => n + f(a.stats()), 0);
  const s0 = {
    steps: sum((s) => s.envSteps),
    chunks: sum((s) => s.chunksPublished),
    t: performance.now(),
    version: Math.min(...actors.map((a) => a.stats().policyVersion)),
  };
  const perSecond: number[] = [];
  let last = s0.steps;
  for (let i = 0; i < MEASURE_S; i++) {
    await sleep(1000);
    const now = sum((s) => s.envSteps);
    perSecond.push(now - last);
    last = now;
  }
  const wall = (performance.now() - s0.t) / 1000;
  const steps = sum((s) => s.envSteps) - s0.steps;
  const chunks = sum((s) => s.chunksPublished) - s0.chunks;
  const advised = sum((s) => s.advisedSteps);
  const version = Math.min(...actors.map((a) => a.stats().policyVersion));
  const consumer = await ctx.jsm.consumers.info(`${prefix.toUpperCase()}_TRAJ`, `l-${prefix}`);
  for (const a of actors) await a.stop();
  for (const c of chain) await c.stop();
  learnerProc.kill('SIGTERM');
  await new Promise((r) => learnerProc.once('exit', r));
  await bus.close();
  await conn.drain();
  return {
    actors: ACTORS,
    agentsPerActor: AGENTS,
    withAdvice,
    measureSeconds: wall,
    envStepsPerSecond: Math.round(steps / wall),
    perSecond: dist(perSecond),
    chunksStoredPerSecond: Math.round(chunks / wall),
    chunksConsumedByLearner: consumer.delivered.consumer_seq,
    consumerPending: consumer.num_pending,
    policyVersionAtStart: s0.version,
    policyVersionAtEnd: version,
    advisedSteps: advised,
  };
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  try {
    const plain = await run(server, false);
    console.log(plain);
    const advice = await run(server, true);
    console.log(advice);
    const file = writeResult('system-throughput', {
      env: 'CartPole-v1',
      target: { envStepsPerSecond: 20_000 },
      natsServer: server.version,
      runs: [plain, advice],
    });
    console.log(`wrote ${file}`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
