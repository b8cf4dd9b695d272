// Advice through the whole chain on a real nats-server: actor-runner -> advisor-worker (scripted
// CartPole expert) -> vote-aggregator -> bias-router -> actor-runner, with the learner running.
// TTL shorter than the advisor's latency is never applied; after expiry the behaviour log-prob
// is the unbiased one; a timed-out or garbage-speaking advisor changes nothing.
import { Bias, encode, HEADER_TTL_MS, subjects, type TrajectoryChunk } from '@ala/protocol';
import { headers } from '@nats-io/transport-node';
import { waitFor, type NatsServerHandle } from '@ala/testkit';
import { actorOn, adviceChainOn, harness, learnerOn, natsServerPerFile } from './harness';

jest.setTimeout(60_000);

let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every agent-step of the chunks, flattened. */
function steps(
  chunks: readonly TrajectoryChunk[],
): { agent: number; advised: number; logpMu: number; logpPk: number; biasTaken: number; ageMs: number; t: number }[] {
  const out = [];
  let t0 = 0;
  for (const c of chunks) {
    for (let t = 0; t < c.T; t++) {
      for (let i = 0; i < c.nAgents; i++) {
        const k = t * c.nAgents + i;
        out.push({
          agent: i,
          t: t0 + t,
          advised: c.advised[k]!,
          logpMu: c.logpMu[k]!,
          logpPk: c.logpPk[k]!,
          biasTaken: c.biasTaken[k]!,
          ageMs: c.adviceAgeMs[k]!,
        });
      }
    }
    t0 += c.T;
  }
  return out;
}

test('advice whose TTL is shorter than the advisor latency is never applied (applied = 0, expired > 0)', async () => {
  const h = await harness(server);
  const learner = await learnerOn(h);
  const chain = adviceChainOn(h, { ALA_SCRIPTED_LATENCY_MS: '150' });
  const { actor, chunks } = await actorOn(h, { agents: 4, stepHz: 200, adviceTtlMs: 60, snapshotEvery: 5, chunkSteps: 16 });
  await actor.ready;
  await waitFor(() => (chain.stats().advisor!.dropped_expired ?? 0) >= 20, 20_000, { intervalMs: 50 });
  await sleep(300);
  const a = actor.stats();
  const c = chain.stats();
  await actor.stop();
  await chain.stop();
  await learner.stop();
  await h.close();
  expect(a.snapshotsPublished).toBeGreaterThan(20);
  expect(c.advisor!.dropped_expired).toBeGreaterThan(0); // expired at the advisor: its thinking outlived the TTL
  expect(c.router!.routed ?? 0).toBe(0);
  expect(a.biasReceived).toBe(0);
  expect(a.advisedSteps).toBe(0); // applied = 0
  expect(steps(chunks).every((s) => s.advised === 0 && s.logpMu === s.logpPk && s.biasTaken === 0)).toBe(true);
});

test('after expiry the recorded behaviour log-prob equals the unbiased one (logpMu == logpPk without live advice)', async () => {
  const h = await harness(server);
  const learner = await learnerOn(h);
  const chain = adviceChainOn(h, { ALA_SCRIPTED_LATENCY_MS: '10', ALA_ROUTER_BOUND: '1' });
  // a snapshot every 40 steps at 100 Hz (400 ms) and advice living 150 ms: advised and unadvised stretches alternate
  const { actor, chunks } = await actorOn(h, { agents: 4, stepHz: 100, adviceTtlMs: 150, snapshotEvery: 40, chunkSteps: 16 });
  await actor.ready;
  await waitFor(() => actor.stats().biasExpired >= 12 && chunks.length >= 12, 30_000, { intervalMs: 50 });
  const a = actor.stats();
  await actor.stop();
  await chain.stop();
  await learner.stop();
  await h.close();
  const all = steps(chunks);
  const advised = all.filter((s) => s.advised === 1);
  const plain = all.filter((s) => s.advised === 0);
  expect(a.advisedSteps).toBeGreaterThan(0);
  expect(advised.length).toBeGreaterThan(20);
  expect(plain.length).toBeGreaterThan(20);
  // the bias moved the behaviour policy on advised steps ...
  expect(advised.some((s) => s.logpMu !== s.logpPk && s.biasTaken !== 0)).toBe(true);
  // ... and on every step without a live bias, mu == pi exactly
  for (const s of plain) {
    expect(s.logpMu).toBe(s.logpPk);
    expect(s.biasTaken).toBe(0);
  }
  // reverting happens: some agent goes advised -> unadvised (its advice expired) in consecutive steps
  const byAgent = new Map<number, typeof all>();
  for (const s of all) byAgent.set(s.agent, [...(byAgent.get(s.agent) ?? []), s]);
  const reverts = [...byAgent.values()].reduce((n, seq) => n + seq.filter((s, j) => j > 0 && seq[j - 1]!.advised === 1 && s.advised === 0).length, 0);
  expect(reverts).toBeGreaterThan(3);
  // no advice was applied past its lifetime: its age at the actor stays below the TTL (dwell upstream only shortens it)
  expect(Math.max(...advised.map((s) => s.ageMs))).toBeLessThan(150);
});

test('a timed-out or garbage-speaking advisor changes nothing (garbage counted, actor unaffected)', async () => {
  const h = await harness(server);
  const learner = await learnerOn(h);
  const chain = adviceChainOn(h, { ALA_SCRIPTED_LATENCY_MS: '60000' }); // never answers in time
  const { actor, chunks, metrics } = await actorOn(h, { agents: 4, stepHz: 200, adviceTtlMs: 200, snapshotEvery: 5, chunkSteps: 16 });
  await actor.ready;
  const s = subjects(h.prefix);
  const agent = actor.agentIds[0]!;
  const hdr = headers();
  hdr.set(HEADER_TTL_MS, '5000');
  const good: Bias = { v: 1, agentId: agent, adviceId: 'x1', stateSeq: 0, bias: [1, -1], bound: 1, ttlMs: 5000, createdAt: Date.now() };
  for (let k = 0; k < 20; k++) {
    h.conn.nc.publish(s.bias(agent), new Uint8Array([0xc1, k, 0xff, 0x00]), { headers: hdr }); // not msgpack
    h.conn.nc.publish(s.advice(agent), new Uint8Array([0x93, 1, 2]), { headers: hdr }); // not an Advice
    h.conn.nc.publish(s.bias(agent), encode(Bias, { ...good, bias: [1, -1, 0.5], adviceId: `len${k}` }), { headers: hdr }); // 3 actions for a 2-action env
    h.conn.nc.publish(s.bias(agent), encode(Bias, { ...good, agentId: actor.agentIds[1]!, adviceId: `other${k}` }), { headers: hdr }); // names another agent
    const bad = headers();
    bad.set(HEADER_TTL_MS, 'soon');
    h.conn.nc.publish(s.bias(agent), encode(Bias, { ...good, adviceId: `hdr${k}` }), { headers: bad }); // malformed TTL header
  }
  await h.conn.nc.flush();
  const before = actor.stats().envSteps;
  await sleep(1500);
  const a = actor.stats();
  const chainStats = chain.stats();
  await actor.stop();
  await chain.stop();
  await learner.stop();
  await h.close();
  expect(metrics.get('decodeErrors', 'Bias')).toBeGreaterThanOrEqual(60); // garbage, foreign agent, bad header
  expect(chain.metrics.get('decodeErrors', 'Advice')).toBeGreaterThanOrEqual(20);
  expect(a.biasRejected).toBe(20); // wrong length, refused by the table
  expect(a.advisedSteps).toBe(0);
  expect(a.loopErrors).toBe(0);
  expect(a.envSteps - before).toBeGreaterThan(200); // kept stepping at its pace
  expect(chainStats.router!.routed ?? 0).toBe(0);
  expect(steps(chunks).every((x) => x.advised === 0 && x.logpMu === x.logpPk)).toBe(true);
});
