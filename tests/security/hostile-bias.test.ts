// The actor enforces its own bound (issue #13 point 1) on a real nats-server: a client with no
// role in the system learns the agent ids from `<prefix>.state.*` and publishes biases of ±100
// (claiming `bound: 100`, with no TTL or an absurd one) straight onto `<prefix>.bias.<agent>`.
// Every recorded step still has |logp_mu - logp_pk| <= 2βB, every such bias is counted, and an
// agent reverts to the learned policy at most maxAdviceTtlMs after the last one.
import { Bias, encode, HEADER_TTL_MS, StateSnapshot, decode, subjects, type TrajectoryChunk } from '@ala/protocol';
import { connect as natsConnect, headers } from '@nats-io/transport-node';
import { waitFor, type NatsServerHandle } from '@ala/testkit';
import { actorOn, harness, learnerOn, natsServerPerFile } from '../e2e/harness';

jest.setTimeout(60_000);

let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** |logp_mu - logp_pk| of every recorded agent-step, with its advised flag. */
function logRatios(chunks: readonly TrajectoryChunk[]): { advised: number; r: number }[] {
  const out: { advised: number; r: number }[] = [];
  for (const c of chunks) for (let k = 0; k < c.T * c.nAgents; k++) out.push({ advised: c.advised[k]!, r: Math.abs(c.logpMu[k]! - c.logpPk[k]!) });
  return out;
}

test('a hostile publisher of ±100 biases cannot move log-probabilities by more than 2βB; every such bias is counted', async () => {
  const h = await harness(server);
  const learner = await learnerOn(h);
  // 2βB = 0.4 is below what an unclipped ±100 bias does to a near-uniform 2-action policy
  // (|log μ/π| of the taken action -> log 2 = 0.69), so this fails without the actor's own clip
  const beta = 2;
  const B = 0.1;
  const maxTtl = 300;
  const { actor, chunks } = await actorOn(h, {
    agents: 4,
    stepHz: 200,
    adviceTtlMs: 200,
    snapshotEvery: 2,
    chunkSteps: 16,
    beta,
    biasBound: B,
    maxAdviceTtlMs: maxTtl,
  });
  await actor.ready;
  const s = subjects(h.prefix);

  // the stranger: its own connection, learns agent ids from the state snapshots
  const nc = await natsConnect({ servers: server.url, name: 'stranger' });
  const seen = new Set<string>();
  const sub = nc.subscribe(`${h.prefix}.state.*`, { callback: (_e, m) => void seen.add(decode(StateSnapshot, m.data).agentId) });
  await waitFor(() => seen.size === 4, 10_000, { intervalMs: 20 });
  sub.unsubscribe();
  const before = actor.stats();
  const forever = headers();
  forever.set(HEADER_TTL_MS, '86400000');
  for (let k = 0; k < 200; k++) {
    for (const agent of seen) {
      const b: Bias = {
        v: 1,
        agentId: agent,
        adviceId: `evil${k}`,
        stateSeq: 0,
        bias: k % 2 === 0 ? [100, -100] : [-100, 100],
        bound: 100,
        ttlMs: 86_400_000,
        createdAt: Date.now(),
      };
      // half without any TTL header (a bias that would live forever), half with a day-long one
      nc.publish(s.bias(agent), encode(Bias, b), k % 4 < 2 ? {} : { headers: forever });
    }
    await sleep(5);
  }
  await nc.flush();
  await nc.close();
  await waitFor(() => actor.stats().biasReceived - before.biasReceived >= 800, 10_000, { intervalMs: 20 });
  const attacked = actor.stats();
  // after the last hostile bias, every agent is back on the learned policy within maxTtl
  await sleep(maxTtl + 100);
  const revertedAt = actor.stats().advisedSteps;
  await sleep(300);
  const a = actor.stats();
  await actor.stop();
  await learner.stop();
  await h.close();

  expect(attacked.biasClipped - before.biasClipped).toBe(800); // every one clipped ...
  expect(attacked.biasTtlCapped - before.biasTtlCapped).toBe(800); // ... and its lifetime cut
  expect(a.advisedSteps).toBe(revertedAt); // nothing steers once maxTtl has passed
  const all = logRatios(chunks);
  const advised = all.filter((x) => x.advised === 1);
  expect(advised.length).toBeGreaterThan(100);
  const worst = Math.max(...all.map((x) => x.r));
  expect(worst).toBeLessThanOrEqual(2 * beta * B + 1e-4); // logp are stored as float32
  expect(worst).toBeGreaterThan(0.1); // the attack did steer, within the bound
  for (const x of all) if (x.advised === 0) expect(x.r).toBe(0);
});
