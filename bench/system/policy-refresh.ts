// Policy refresh latency: from the learner's announce (weights already in the Object Store, version
// in KV) until every actor-runner acts with the new version — the actors of the process share one
// fetch of the ONNX bytes, one sha256 check and one ONNX Runtime session built off the hot path,
// each swaps it in between steps. 4 actors x 20 agents in one process: paced at 100 Hz per agent
// (a swap waits for the next step boundary, <= 10 ms) with the learner idle, the same with a
// learner process updating without pause (bench/system/learner-busy.ts), and unpaced. Baseline in
// the same run: announce delivery alone (publish -> a subscriber's handler).
// Targets (issue #18): p99 <= 5 ms with the learner idle, <= 10 ms with the learner updating.
// Run: npx tsx bench/system/policy-refresh.ts [--quick] [--actors N]   (writes bench/results/system-policy-refresh.json)
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { connect, ensurePolicyStores, ensureStreams, NatsBus, openJetStream, silentLogger } from '@ala/bus';
import { PolicyAnnounce, subjects } from '@ala/protocol';
import { Learner, presetFor } from '@ala/policy';
import { startNatsServer } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor, type ActorRunner } from '@ala/actor-runner';
import { jetStreamPolicySink } from '@ala/ppo-learner';
import { dist, sleep, writeResult } from '../common';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 40 : 200;
const ACTORS = Number(process.argv[process.argv.indexOf('--actors') + 1]) || 4;

const SEED = 1;
const RUNS = [
  { stepHz: 100, learner: 'idle' },
  { stepHz: 100, learner: 'updating' },
  { stepHz: 0, learner: 'idle' },
] as const;

/** Starts the updating learner child; resolves once it has done its first update. */
async function startBusyLearner(): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'learner-busy.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  await new Promise<void>((res, rej) => {
    child.once('message', () => res());
    child.once('exit', (code) => rej(new Error(`learner-busy exited with ${code}`)));
  });
  return child;
}

/** Stops the child; resolves with the number of updates it made. */
async function stopBusyLearner(child: ChildProcess): Promise<number> {
  const done = new Promise<number>((res) => child.once('message', (m: { updates?: number }) => res(m.updates ?? NaN)));
  child.send('stop');
  const updates = await done;
  await new Promise((res) => (child.exitCode === null ? child.once('exit', res) : res(undefined)));
  return updates;
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const conn = await connect({ servers: server.url, name: 'bench-refresh', logger: silentLogger });
  const ctx = await openJetStream(conn.nc);
  const results: Record<string, unknown>[] = [];
  for (const { stepHz, learner: learnerMode } of RUNS) {
    const prefix = `refresh${stepHz}${learnerMode}`;
    const s = subjects(prefix);
    await ensureStreams(ctx, prefix);
    const sink = jetStreamPolicySink(await ensurePolicyStores(ctx, prefix), 3);
    const bus = new NatsBus(conn.nc, { logger: silentLogger, subjects: s });
    const learner = await Learner.create({ obsDim: 4, nActions: 2, config: presetFor('CartPole-v1'), seed: SEED });
    const swapped = new Map<number, number[]>();
    const publish = async (version: number): Promise<number> => {
      learner.setState({ ...learner.getState(), policyVersion: version });
      const bytes = learner.exportOnnx();
      await sink.put(version, `v${version}.onnx`, bytes);
      const t0 = performance.now();
      bus.publish(PolicyAnnounce, s.policyAnnounce, {
        v: 1 as const,
        version,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
        createdAt: Date.now(),
        objectName: `v${version}.onnx`,
        obsDim: 4,
        nActions: 2,
      });
      return t0;
    };
    await publish(1);
    const actors: ActorRunner[] = [];
    for (let k = 0; k < ACTORS; k++) {
      actors.push(
        await startActor({
          config: { ...ACTOR_DEFAULTS, prefix, actorId: `r${k}`, agents: 20, stepHz, snapshotEvery: 0, chunkSteps: 64 },
          bus,
          ...(await jetStreamActorPorts(ctx, prefix)),
          logger: silentLogger,
          onPolicySwap: (v) => swapped.set(v, [...(swapped.get(v) ?? []), performance.now()]),
        }),
      );
    }
    await Promise.all(actors.map((a) => a.ready));
    const busy = learnerMode === 'updating' ? await startBusyLearner() : undefined;
    const load1mAtStart = loadavg()[0]!;
    let delivered: ((t: number) => void) | undefined;
    const probe = bus.subscribe(PolicyAnnounce, s.policyAnnounce, () => delivered?.(performance.now()));
    const refresh: number[] = [];
    const delivery: number[] = [];
    const afterDelivery: number[] = []; // last swap - the probe's delivery of the same announce: what loading and swapping add
    for (let r = 0; r < ROUNDS + 10; r++) {
      const version = r + 2;
      const arrived = new Promise<number>((res) => (delivered = res));
      const t0 = await publish(version);
      delivery.push((await arrived) - t0);
      const deadline = performance.now() + 2000;
      while ((swapped.get(version)?.length ?? 0) < ACTORS && performance.now() < deadline) await sleep(1);
      const times = swapped.get(version) ?? [];
      if (r >= 10) refresh.push(times.length < ACTORS ? Infinity : Math.max(...times) - t0);
      if (r >= 10) afterDelivery.push(times.length < ACTORS ? Infinity : Math.max(...times) - t0 - delivery[delivery.length - 1]!);
      await sleep(20);
    }
    const learnerUpdates = busy ? await stopBusyLearner(busy) : 0;
    await probe.unsubscribe();
    const stats = actors.map((a) => a.stats());
    for (const a of actors) await a.stop();
    learner.dispose();
    await bus.close();
    const refreshMs = dist(refresh);
    const announceDeliveryMs = dist(delivery.slice(10));
    results.push({
      stepHz,
      learner: learnerMode,
      learnerUpdatesDuringRun: learnerUpdates,
      loadAverage1m: Math.round(((load1mAtStart + loadavg()[0]!) / 2) * 100) / 100,
      actors: ACTORS,
      agentsPerActor: 20,
      rounds: ROUNDS,
      refreshMs,
      announceDeliveryMs,
      swapAfterDeliveryMs: dist(afterDelivery),
      // refresh against the baseline measured in the same run (announce delivery alone)
      ratioToDelivery: {
        p50: Math.round((refreshMs.p50 / announceDeliveryMs.p50) * 10) / 10,
        p99: Math.round((refreshMs.p99 / announceDeliveryMs.p99) * 10) / 10,
      },
      targetP99Ms: learnerMode === 'updating' ? 10 : 5,
      targetMet: refreshMs.p99 <= (learnerMode === 'updating' ? 10 : 5),
      policyLoadErrors: stats.reduce((n, x) => n + x.policyLoadErrors, 0),
      // announces served by a policy prepared from its stored bytes (KV watch) rather than fetched on the announce
      policyPrepared: stats.reduce((n, x) => n + x.policyPrepared, 0),
      policySwaps: stats.reduce((n, x) => n + x.policySwaps, 0),
      finalVersions: stats.map((x) => x.policyVersion),
    });
  }
  await conn.drain();
  await server.stop();
  const ortVersion = ort.env.versions.node;
  const file = writeResult(ACTORS === 4 ? 'system-policy-refresh' : `system-policy-refresh-${ACTORS}`, {
    target: { p99MsLearnerIdle: 5, p99MsLearnerUpdating: 10 },
    config: {
      seed: SEED,
      quick,
      rounds: ROUNDS,
      actors: ACTORS,
      agentsPerActor: 20,
      env: 'CartPole-v1',
      setup: 'one process, one NATS connection, all actors in it; learner-busy in a child process',
    },
    versions: { natsServer: server.version, onnxruntimeNode: ortVersion },
    runs: results,
  });
  console.log(JSON.stringify(results, null, 2));
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
