// Added latency of the bias router on loopback: one vote at a time goes publisher -> router
// (decode, rate limit, clipBias, TTL ceiling, encode, publish) -> actor subscriber on
// ala.bias.<agent>, measured one-way, next to the direct baseline publisher -> actor of the
// same Bias through the same Bus (one hop) in the same run. Router added latency =
// router path - direct path, per percentile, the two paths alternating message by message. Two router modes: core publish (ALA_ROUTER_STORE=
// false) and stored (JetStream publish into ALA_BIAS with Nats-TTL, acknowledged before the next
// vote is handled). Also the router's own handler time (decode excluded: bus handler timer).
// Target: added p99 <= 0.5 ms (core mode).
// Run: npx tsx bench/advice/router-latency.ts [--quick]   (writes bench/results/advice-router.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Bias, Vote, subjects } from '@ala/protocol';
import { connect, CountingBusMetrics, ensureStreams, NatsBus, openJetStream, silentLogger, systemClock, type AlaConnection } from '@ala/bus';
import { loadConfig, start } from '@ala/bias-router';
import { startNatsServer } from '@ala/testkit';
import { distMs, type DistMs } from '../common';

const quick = process.argv.includes('--quick');
const N = quick ? 1_000 : 5_000;
const WARMUP = quick ? 200 : 1_000;
const s = subjects('ala');
const A = 20;

const vote = (seq: number): Vote => ({
  v: 1,
  adviceId: `adv-${seq}`,
  agentId: 'agent-07',
  stateSeq: seq,
  adviceIds: [`adv-${seq}`],
  advisorIds: ['gpt-oss'],
  bias: Array.from({ length: A }, (_, k) => 3 * Math.sin(k * 1.7 + seq)),
  recommended: 4,
  confidence: 0.8,
  method: 'select',
  agreement: 1,
});
const bias = (seq: number): Bias => ({
  v: 1,
  agentId: 'agent-07',
  adviceId: `adv-${seq}`,
  stateSeq: seq,
  bias: Array.from({ length: A }, (_, k) => Math.max(-1, Math.min(1, 3 * Math.sin(k * 1.7 + seq)))),
  bound: 1,
  recommended: 4,
  ttlMs: 5_000,
  createdAt: Date.now(),
});

/**
 * One message in flight at a time, alternating the direct path and the router path message by
 * message (so both see the same load on the shared box); one-way latency samples after warm-up.
 */
async function measurePair(recv: NatsBus, direct: (seq: number) => void, routed: (seq: number) => void): Promise<{ direct: DistMs; routed: DistMs }> {
  let waiting: ((t: number) => void) | undefined;
  const sub = recv.subscribe(Bias, s.biasAll, () => waiting?.(performance.now()));
  await recv.flush();
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < 2 * (WARMUP + N); i++) {
    const arrived = new Promise<number>((r) => (waiting = r));
    const t0 = performance.now();
    (i % 2 === 0 ? direct : routed)(i);
    const t1 = await arrived;
    if (i >= 2 * WARMUP) samples[i % 2]!.push(t1 - t0);
  }
  waiting = undefined;
  await sub.unsubscribe();
  return { direct: distMs(samples[0]), routed: distMs(samples[1]) };
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const conns: AlaConnection[] = [];
  try {
    for (const name of ['bench-pub', 'bench-router', 'bench-actor']) conns.push(await connect({ servers: server.url, name, logger: silentLogger }));
    const [pubC, routerC, actorC] = conns as [AlaConnection, AlaConnection, AlaConnection];
    const pub = new NatsBus(pubC.nc, { logger: silentLogger });
    const routerMetrics = new CountingBusMetrics();
    const routerBus = new NatsBus(routerC.nc, { logger: silentLogger, metrics: routerMetrics });
    const actor = new NatsBus(actorC.nc, { logger: silentLogger });
    const js = await openJetStream(routerC.nc);
    const ensured = await ensureStreams(js, 'ala');
    const env = { ALA_ROUTER_RATE_PER_S: '1000000', ALA_ROUTER_BURST: '1000000' };

    const sendDirect = (i: number): void => pub.publish(Bias, s.bias('agent-07'), bias(i), { ttlMs: 5_000 });
    const sendVote = (i: number): void => pub.publish(Vote, s.vote('agent-07'), vote(i), { ttlMs: 5_000 });

    const core = start({ bus: routerBus, clock: systemClock, config: loadConfig({ ...env, ALA_ROUTER_STORE: 'false' }) });
    await routerC.nc.flush();
    const corePair = await measurePair(actor, sendDirect, sendVote);
    await core.stop();
    const coreHandler = distMs(routerMetrics.handlerTimes('Vote').slice(WARMUP));
    const nCore = routerMetrics.handlerTimes('Vote').length;

    const stored = start({ bus: routerBus, clock: systemClock, config: loadConfig(env), jetstream: js });
    await routerC.nc.flush();
    const storedPair = await measurePair(actor, sendDirect, sendVote);
    await stored.stop();
    const storedHandler = distMs(routerMetrics.handlerTimes('Vote').slice(nCore + WARMUP));

    const r = (x: number) => Math.round(x * 1e4) / 1e4;
    const added = (x: { direct: DistMs; routed: DistMs }) => ({ p50Ms: r(x.routed.p50Ms - x.direct.p50Ms), p99Ms: r(x.routed.p99Ms - x.direct.p99Ms) });
    const result = {
      when: new Date().toISOString(),
      node: process.version,
      serverVersion: ensured.ttl.serverVersion,
      ttlEnforced: ensured.ttl.enforced,
      actions: A,
      samples: N,
      core: { ...corePair, routerHandler: coreHandler },
      stored: { ...storedPair, routerHandler: storedHandler },
      addedCore: added(corePair),
      addedStored: added(storedPair),
      target: { addedP99Ms: 0.5, metCore: added(corePair).p99Ms <= 0.5, metStored: added(storedPair).p99Ms <= 0.5 },
    };
    console.log(JSON.stringify(result, null, 2));
    const out = path.join(__dirname, '..', 'results', 'advice-router.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await Promise.all(conns.map((c) => c.close()));
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
