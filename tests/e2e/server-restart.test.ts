// The training loop across a nats-server restart (same port and store): the actor keeps acting
// while the server is away, its chunks are stored once it is back (durable publish with msg id),
// the learner's durable consumer resumes, and policy versions keep increasing.
import { waitFor } from '@ala/testkit';
import { actorOn, harness, learnerOn, type Harness } from './harness';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

test('actor and learner carry on through a server restart', async () => {
  const learner = await learnerOn(h);
  const { actor } = await actorOn(h, { agents: 8, stepHz: 200, snapshotEvery: 0, chunkSteps: 16 });
  await actor.ready;
  await waitFor(() => learner.stats().updates >= 2, 20_000, { intervalMs: 50 });
  const before = { actor: actor.stats(), learner: learner.stats() };
  await h.server.restart();
  await waitFor(() => learner.stats().updates >= before.learner.updates + 3, 30_000, { intervalMs: 100 });
  await waitFor(() => actor.stats().policyVersion > before.learner.policyVersion + 2, 10_000, { intervalMs: 50 });
  const after = actor.stats();
  await actor.stop();
  await learner.stop();
  expect(after.envSteps).toBeGreaterThan(before.actor.envSteps);
  expect(after.chunksPublished).toBeGreaterThan(before.actor.chunksPublished);
  expect(after.loopErrors).toBe(0);
  expect(learner.stats().policyVersion).toBeGreaterThan(before.learner.policyVersion + 2);
});
