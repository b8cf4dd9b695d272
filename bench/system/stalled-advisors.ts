// Actor step rate with advisors stalled vs no advisors, in the same run (alternating rounds):
// an actor-runner publishes snapshots in both cases (scenarios: unpaced with a snapshot every 50
// steps per agent, at most snapshotMaxHz = 100 per agent (the default); the same without that cap;
// paced at 2000 Hz per agent (40k env-steps/s, below saturation) with the cap; paced at 100 Hz
// per agent with one every 4 steps, as deployed); in the
// stalled case an advisor-worker whose scripted backend takes 10 minutes per answer (so it sits at
// maxInFlight and drops the rest), the vote-aggregator and the bias-router run in a separate
// process (`ala advisor-worker` etc.), as deployed. The actor never waits for advice, so its rate
// must not drop. Target: stalled within 5% of no advisors.
// Run: npx tsx bench/system/stalled-advisors.ts [--quick] [--scenarios 0,1]   (writes bench/results/system-stalled-advisors.json)
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { connect, ensurePolicyStores, ensureStreams, NatsBus, openJetStream, silentLogger } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { startNatsServer } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor } from '@ala/actor-runner';
import { jetStreamPolicySink } from '@ala/ppo-learner';
import { Learner, presetFor } from '@ala/policy';
import { sleep, writeResult } from '../common';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 6;
const ROUND_S = quick ? 3 : 4;
const PREFIX = 'stall';
const SETTLE_MS = 5000;

function spawnService(name: string, url: string): ChildProcess {
  const bin = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
  return spawn(process.execPath, [bin, name], {
    env: { ...process.env, ALA_NATS_URL: url, ALA_PREFIX: PREFIX, ALA_SCRIPTED_LATENCY_MS: '600000', ALA_ADVISOR_MAX_IN_FLIGHT: '64' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const conn = await connect({ servers: server.url, name: 'bench-stall', logger: silentLogger });
  const ctx = await openJetStream(conn.nc);
  await ensureStreams(ctx, PREFIX);
  const bus = new NatsBus(conn.nc, { logger: silentLogger, subjects: subjects(PREFIX) });
  // one fixed policy (v1) in the stores and no learner: the acting cost stays constant across rounds
  const learner = await Learner.create({ obsDim: 4, nActions: 2, config: presetFor('CartPole-v1'), seed: 1 });
  await jetStreamPolicySink(await ensurePolicyStores(ctx, PREFIX)).put(1, 'v1.onnx', learner.exportOnnx());
  learner.dispose();
  const scenarios = [];
  const all = [
    [0, 50, ACTOR_DEFAULTS.snapshotMaxHz],
    [0, 50, 0],
    [2000, 50, ACTOR_DEFAULTS.snapshotMaxHz],
    [100, 4, ACTOR_DEFAULTS.snapshotMaxHz],
  ] as const;
  const only = process.argv.indexOf('--scenarios'); // e.g. --scenarios 0,1 (indices into the list above)
  const picked = only > 0 ? (process.argv[only + 1] ?? '').split(',').map(Number) : all.map((_, k) => k);
  for (const k of picked) {
    const sc = all[k];
    if (sc === undefined) throw new Error(`--scenarios: no scenario ${k} (0-${all.length - 1})`);
    scenarios.push(await scenario(server.url, bus, sc[0], sc[1], sc[2], ctx));
  }
  await bus.close();
  await conn.drain();
  await server.stop();
  const file = writeResult('system-stalled-advisors', {
    agents: 20,
    roundSeconds: ROUND_S,
    rounds: ROUNDS,
    settleMs: SETTLE_MS,
    advisor: { latencyMs: 600000, maxInFlight: 64, pauseWhenBusy: true, adviceTtlMs: 1000 },
    target: { maxSlowdown: 0.05 },
    scenarios,
  });
  console.log(JSON.stringify(scenarios, null, 2));
  console.log(`wrote ${file}`);
}

async function scenario(
  url: string,
  bus: NatsBus,
  stepHz: number,
  snapshotEvery: number,
  snapshotMaxHz: number,
  ctx: Awaited<ReturnType<typeof openJetStream>>,
): Promise<Record<string, unknown>> {
  const actor = await startActor({
    config: {
      ...ACTOR_DEFAULTS,
      prefix: PREFIX,
      actorId: `stall-${stepHz}-${snapshotMaxHz}`,
      agents: 20,
      stepHz,
      snapshotEvery,
      snapshotMaxHz,
      adviceTtlMs: 1000,
    },
    bus,
    ...(await jetStreamActorPorts(ctx, PREFIX)),
  });
  await actor.ready;
  await sleep(1000);
  const rate = async (): Promise<number> => {
    const s0 = actor.stats().envSteps;
    const t0 = performance.now();
    await sleep(ROUND_S * 1000);
    return ((actor.stats().envSteps - s0) * 1000) / (performance.now() - t0);
  };
  const none: number[] = [];
  const stalled: number[] = [];
  let advisorStats = 0;
  for (let r = 0; r < ROUNDS; r++) {
    none.push(await rate());
    const procs = ['advisor-worker', 'vote-aggregator', 'bias-router'].map((n) => spawnService(n, url));
    await sleep(SETTLE_MS); // started, subscribed and idle: tsx start-up takes seconds of CPU while the actor holds a core
    const before = actor.stats().snapshotsPublished;
    stalled.push(await rate());
    advisorStats += actor.stats().snapshotsPublished - before;
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((res) => p.once('exit', res))));
    await sleep(500);
  }
  const a = actor.stats();
  await actor.stop();
  const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
  const median = (x: number[]): number => {
    const v = [...x].sort((a, b) => a - b);
    return v.length % 2 === 1 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  return {
    stepHz,
    snapshotEvery,
    snapshotMaxHz,
    noAdvisorsStepsPerS: none.map(Math.round),
    stalledAdvisorsStepsPerS: stalled.map(Math.round),
    meanNoAdvisors: Math.round(mean(none)),
    meanStalled: Math.round(mean(stalled)),
    slowdown: Math.round((1 - mean(stalled) / mean(none)) * 1e4) / 1e4,
    // each stalled round against the no-advisor round just before it; the median ignores a round disturbed by other work on the box
    slowdownMedianOfRounds: Math.round(median(stalled.map((x, r) => 1 - x / none[r]!)) * 1e4) / 1e4,
    snapshotsPublishedWhileStalled: advisorStats,
    advisedSteps: a.advisedSteps,
    biasReceived: a.biasReceived,
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
