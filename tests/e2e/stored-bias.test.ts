// An actor that (re)starts reads the last stored bias per agent from ALA_BIAS: a live one steers
// its first steps, an expired one is gone and never applied.
import { Bias, subjects } from '@ala/protocol';
import { publishBiasStored } from '@ala/bus';
import { waitFor } from '@ala/testkit';
import { actorOn, harness, learnerOn, type Harness } from './harness';

jest.setTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

const bias = (agentId: string, adviceId: string, ttlMs: number): Bias => ({
  v: 1,
  agentId,
  adviceId,
  stateSeq: 0,
  bias: [2, -2],
  bound: 2,
  ttlMs,
  createdAt: Date.now(),
});

test('a restarting actor applies a live stored bias and never an expired one', async () => {
  const s = subjects(h.prefix);
  const learner = await learnerOn(h);
  await publishBiasStored(h.ctx, s.bias('act-s-0'), bias('act-s-0', 'live', 5_000), 5_000);
  await publishBiasStored(h.ctx, s.bias('act-s-1'), bias('act-s-1', 'short', 30), 30);
  await new Promise((r) => setTimeout(r, 100)); // the 30 ms one is over (the server drops it within 1 s)
  const { actor, chunks } = await actorOn(h, { actorId: 'act-s', agents: 2, stepHz: 100, snapshotEvery: 0, chunkSteps: 8 });
  await actor.ready;
  await waitFor(() => chunks.length >= 2, 10_000, { intervalMs: 20 });
  const a = actor.stats();
  await actor.stop();
  await learner.stop();
  expect(a.biasRestored).toBe(1);
  const c = chunks[0]!;
  for (let t = 0; t < c.T; t++) {
    expect(c.advised[t * 2]).toBe(1); // agent 0: live stored bias from its first step
    expect(c.advised[t * 2 + 1]).toBe(0); // agent 1: expired, never applied
    expect(c.logpMu[t * 2 + 1]).toBe(c.logpPk[t * 2 + 1]);
  }
});
