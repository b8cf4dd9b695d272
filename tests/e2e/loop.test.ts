// The training loop through a real nats-server: actor-runner -> ALA_TRAJ -> ppo-learner ->
// Object Store + KV + announce -> actor-runner, on CartPole, with no advisors. The mean return
// must rise well above a random policy's (~22) within a bounded time.
import { waitFor, WaitTimeoutError } from '@ala/testkit';
import { actorOn, harness, learnerOn, type Harness } from './harness';

jest.setTimeout(90_000);

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

test('CartPole return improves through the bus (actor -> JetStream -> learner -> policy -> actor)', async () => {
  const learner = await learnerOn(h, { seed: 3 });
  expect(learner.stats().policyVersion).toBe(1);
  const { actor } = await actorOn(h, { agents: 16, chunkSteps: 32, snapshotEvery: 0, seed: 3 });
  await actor.ready;
  const t0 = performance.now();
  let best = 0;
  await waitFor(
    () => {
      best = Math.max(best, actor.stats().meanReturn100);
      return best >= 120;
    },
    70_000,
    { intervalMs: 250 },
  ).catch((err: unknown) => {
    if (!(err instanceof WaitTimeoutError)) throw err; // not reaching 120 in time is judged by the assertions below
  });
  const a = actor.stats();
  const l = learner.stats();
  await actor.stop();
  await learner.stop();
  process.stdout.write(
    `loop: best mean100 ${best.toFixed(1)} after ${((performance.now() - t0) / 1000).toFixed(1)} s, ${a.envSteps} steps, v${l.policyVersion}, ${l.updates} updates, stale ${l.chunksStale}, lag ${l.lastLagMean}\n`,
  );
  expect(a.chunksPublished).toBeGreaterThan(10);
  expect(l.updates).toBeGreaterThan(10);
  expect(a.policyVersion).toBeGreaterThan(5);
  expect(a.advisedSteps).toBe(0);
  expect(best).toBeGreaterThanOrEqual(120);
});
