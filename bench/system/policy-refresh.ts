// Policy refresh latency: from the learner's announce (weights already in the Object Store, version
// in KV) until every actor-runner acts with the new version — each actor fetches the ONNX from the
// Object Store, checks its sha256, builds an ONNX Runtime session off the hot path and swaps it in
// between steps. 4 actors x 20 agents paced at 100 Hz per agent (a swap waits for the next step
// boundary, <= 10 ms) and the same unpaced. Baseline in the same run: announce delivery alone
// (publish -> a subscriber's handler). Target: p99 <= 20 ms.
// Run: npx tsx bench/system/policy-refresh.ts [--quick]   (writes bench/results/system-policy-refresh.json)
import { createHash } from 'node:crypto';
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

async function main(): Promise<void> {
  const server = await startNatsServer();
  const conn = await connect({ servers: server.url, name: 'bench-refresh', logger: silentLogger });
  const ctx = await openJetStream(conn.nc);
  const results: Record<string, unknown>[] = [];
  for (const stepHz of [100, 0]) {
    const prefix = `refresh${stepHz}`;
    const s = subjects(prefix);
    await ensureStreams(ctx, prefix);
    const sink = jetStreamPolicySink(await ensurePolicyStores(ctx, prefix), 3);
    const bus = new NatsBus(conn.nc, { logger: silentLogger, subjects: s });
    const learner = await Learner.create({ obsDim: 4, nActions: 2, config: presetFor('CartPole-v1'), seed: 1 });
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
    let delivered: ((t: number) => void) | undefined;
    const probe = bus.subscribe(PolicyAnnounce, s.policyAnnounce, () => delivered?.(performance.now()));
    const refresh: number[] = [];
    const delivery: number[] = [];
    for (let r = 0; r < ROUNDS + 10; r++) {
      const version = r + 2;
      const arrived = new Promise<number>((res) => (delivered = res));
      const t0 = await publish(version);
      delivery.push((await arrived) - t0);
      const deadline = performance.now() + 2000;
      while ((swapped.get(version)?.length ?? 0) < ACTORS && performance.now() < deadline) await sleep(1);
      const times = swapped.get(version) ?? [];
      if (r >= 10) refresh.push(times.length < ACTORS ? Infinity : Math.max(...times) - t0);
      await sleep(20);
    }
    await probe.unsubscribe();
    const stats = actors.map((a) => a.stats());
    for (const a of actors) await a.stop();
    learner.dispose();
    await bus.close();
    results.push({
      stepHz,
      actors: ACTORS,
      agentsPerActor: 20,
      rounds: ROUNDS,
      refreshMs: dist(refresh),
      announceDeliveryMs: dist(delivery.slice(10)),
      policyLoadErrors: stats.reduce((n, x) => n + x.policyLoadErrors, 0),
      finalVersions: stats.map((x) => x.policyVersion),
    });
  }
  await conn.drain();
  await server.stop();
  const file = writeResult(ACTORS === 4 ? 'system-policy-refresh' : `system-policy-refresh-${ACTORS}`, { target: { p99Ms: 20 }, runs: results });
  console.log(JSON.stringify(results, null, 2));
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
