// A ppo-learner restart on a real nats-server: the second learner resumes from the checkpoint
// directory (weights, Adam, counters), publishes a version above everything published before, the
// running actor follows it, and versions keep increasing as training continues.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CHECKPOINT_FILE, loadLearnerCheckpoint } from '@ala/ppo-learner';
import { waitFor } from '@ala/testkit';
import { actorOn, harness, learnerOn, tempDir, type Harness } from './harness';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

test('a learner restart resumes from its checkpoint with versions still increasing', async () => {
  const dir = tempDir('learner');
  const first = await learnerOn(h, { checkpointDir: dir, seed: 5 });
  const { actor } = await actorOn(h, { agents: 8, chunkSteps: 32, snapshotEvery: 0 });
  await actor.ready;
  await waitFor(() => first.stats().updates >= 4, 30_000, { intervalMs: 50 });
  await first.stop(); // final checkpoint
  const v1 = first.stats().policyVersion;
  expect(existsSync(path.join(dir, CHECKPOINT_FILE))).toBe(true);
  const saved = await loadLearnerCheckpoint(dir, 'CartPole-v1');
  expect(saved!.updates).toBe(first.stats().updates);
  expect(saved!.learner.policyVersion).toBe(v1);

  const second = await learnerOn(h, { checkpointDir: dir, seed: 5 });
  const s2 = second.stats();
  expect(s2.resumed).toBe(1);
  expect(s2.policyVersion).toBe(v1 + 1); // the restored weights, announced as a new version
  await waitFor(() => actor.stats().policyVersion >= v1 + 1, 10_000, { intervalMs: 20 });
  await waitFor(() => second.stats().updates >= 3, 30_000, { intervalMs: 50 });
  await waitFor(() => actor.stats().policyVersion >= v1 + 3, 10_000, { intervalMs: 20 });
  const a = actor.stats();
  await actor.stop();
  await second.stop();
  const resumed = await loadLearnerCheckpoint(dir, 'CartPole-v1');
  expect(resumed!.updates).toBe(saved!.updates + second.stats().updates); // counters carry over restarts
  expect(second.stats().policyVersion).toBeGreaterThan(v1 + 3);
  expect(a.policyLoadErrors).toBe(0);
  expect(a.loopErrors).toBe(0);
});

test('a checkpoint for another env is refused before anything starts', async () => {
  const dir = tempDir('learner-other');
  const l = await learnerOn(h, { checkpointDir: dir, consumer: 'other-consumer' });
  await l.stop();
  await expect(loadLearnerCheckpoint(dir, 'CraftWorld-v0')).rejects.toThrow(/checkpoint is for CartPole-v1/);
  await expect(learnerOn(h, { checkpointDir: dir, envId: 'CraftWorld-v0', consumer: 'third-consumer' })).rejects.toThrow(/checkpoint is for CartPole-v1/);
});
