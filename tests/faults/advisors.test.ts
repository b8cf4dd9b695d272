// Fault: the advisor is dead (none running), slow (its answers take 10x the advice TTL) or answers
// garbage (a rogue process replies to every snapshot with random bytes on the advice subject).
// Expected in each case: the actor keeps acting unbiased (no advised step, its step rate near its
// pace, no loop error), and the counters say why: dead = snapshots published but the aggregator
// received nothing; slow = the advisor's answers dropped as expired; garbage = the aggregator's
// decode errors (ala_bus_decode_errors_total{message="Advice"}).
import { createRng } from '@ala/rl-core';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { actorOn, adviceChainOn, harness, learnerOn, type Harness } from '../e2e/harness';

jest.setTimeout(60_000);

const TTL_MS = 300;
const WINDOW_MS = 2_000;
let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

async function run(
  h: Harness,
  chainEnv: Record<string, string> | undefined,
  rogue: boolean,
): Promise<{ actor: Record<string, number>; chain: Record<string, Record<string, number>>; decodeErrors: number; rate: number }> {
  const learner = await learnerOn(h);
  const { actor } = await actorOn(h, { agents: 4, stepHz: 100, snapshotEvery: 1, snapshotMaxHz: 100, adviceTtlMs: TTL_MS, chunkSteps: 16 });
  const chain = chainEnv === undefined ? undefined : adviceChainOn(h, chainEnv);
  const rng = createRng(7);
  const sub = rogue
    ? h.conn.nc.subscribe(`${h.prefix}.state.*`, {
        callback: (_e, m) =>
          h.conn.nc.publish(
            m.subject.replace('.state.', '.advice.'),
            new Uint8Array(48).map(() => rng.nextUint32() & 255),
          ),
      })
    : undefined;
  try {
    await actor.ready;
    await waitFor(() => actor.stats().policyVersion >= 1, 20_000, { intervalMs: 50 });
    const s0 = actor.stats().envSteps;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const rate = (actor.stats().envSteps - s0) / ((performance.now() - t0) / 1000);
    const out = { actor: { ...actor.stats() }, chain: chain?.stats() ?? {}, decodeErrors: chain?.metrics.get('decodeErrors', 'Advice') ?? 0, rate };
    return out;
  } finally {
    sub?.unsubscribe();
    await chain?.stop();
    await actor.stop();
    await learner.stop();
  }
}

test('dead advisor: the actor acts unbiased; snapshots go out, nothing comes back', async () => {
  const h = await harness(server);
  const r = await run(h, undefined, false);
  await h.close();
  expect(r.actor.snapshotsPublished).toBeGreaterThan(100);
  expect(r.actor.biasReceived).toBe(0);
  expect(r.actor.advisedSteps).toBe(0);
  expect(r.actor.loopErrors).toBe(0);
  expect(r.rate).toBeGreaterThan(4 * 100 * 0.7); // paced at 100 Hz x 4 agents
});

test('slow advisor (10x the TTL): its answers expire and are counted, the actor acts unbiased', async () => {
  const h = await harness(server);
  const r = await run(h, { ALA_SCRIPTED_LATENCY_MS: String(10 * TTL_MS), ALA_ADVISOR_MAX_IN_FLIGHT: '64' }, false);
  await h.close();
  const adv = r.chain.advisor!;
  expect(adv.received).toBeGreaterThan(0);
  expect(adv.published).toBe(0);
  expect((adv.dropped_expired ?? 0) + (adv.dropped_busy ?? 0) + (adv.dropped_timeout ?? 0)).toBeGreaterThan(0);
  expect(r.actor.advisedSteps).toBe(0);
  expect(r.actor.loopErrors).toBe(0);
  expect(r.rate).toBeGreaterThan(4 * 100 * 0.7);
});

test('garbage advisor: every answer refused and counted by the aggregator, the actor acts unbiased', async () => {
  const h = await harness(server);
  const r = await run(h, { ALA_SCRIPTED_LATENCY_MS: String(10 * TTL_MS), ALA_ADVISOR_MAX_IN_FLIGHT: '1' }, true);
  await h.close();
  expect(r.decodeErrors).toBeGreaterThan(100);
  expect(r.chain.aggregator!.accepted).toBe(0);
  expect(r.chain.router!.routed).toBe(0);
  expect(r.actor.advisedSteps).toBe(0);
  expect(r.actor.loopErrors).toBe(0);
  expect(r.rate).toBeGreaterThan(4 * 100 * 0.7);
});
