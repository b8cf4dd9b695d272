// Fault: the learner's checkpoint directory fills up, then becomes read-only. A tiny tmpfs (mount
// needs root: this suite runs as root in CI and on the dev machines) holds a previous checkpoint
// and room for less than a second copy. Expected: each failed checkpoint is a clear error
// (CheckpointError naming the file and ENOSPC / EROFS), counted in checkpointErrors; the previous
// checkpoint stays byte-identical; no partial temp file is left behind; training continues; stop()
// still returns.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CHECKPOINT_FILE, loadLearnerCheckpoint, saveLearnerCheckpoint } from '@ala/ppo-learner';
import { waitFor } from '@ala/testkit';
import { actorOn, harness, learnerOn, tempDir, type Harness } from '../e2e/harness';

jest.setTimeout(90_000);

let h: Harness;
let mounted: string | undefined;
afterAll(async () => {
  await h?.close();
  if (mounted) execFileSync('umount', [mounted]);
});

test('checkpoint dir full, then read-only: clear error, counted, previous checkpoint intact, training continues', async () => {
  if (process.getuid?.() !== 0) throw new Error('this test mounts a tmpfs and needs root');
  h = await harness();
  // a real previous checkpoint, to learn its size
  const first = tempDir('ckpt-src');
  const l1 = await learnerOn(h, { checkpointDir: first, consumer: 'c1' });
  const { actor } = await actorOn(h, { agents: 8, chunkSteps: 32, snapshotEvery: 0 });
  await actor.ready;
  await waitFor(() => l1.stats().updates >= 2, 30_000, { intervalMs: 50 });
  await l1.stop();
  const size = statSync(path.join(first, CHECKPOINT_FILE)).size;

  // room for the previous checkpoint and half of another
  const dir = tempDir('ckpt-tmpfs');
  mkdirSync(dir, { recursive: true });
  const kb = Math.ceil((size * 1.5) / 4096) * 4;
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]);
  mounted = dir;
  copyFileSync(path.join(first, CHECKPOINT_FILE), path.join(dir, CHECKPOINT_FILE));
  const previous = readFileSync(path.join(dir, CHECKPOINT_FILE));

  const l2 = await learnerOn(h, { checkpointDir: dir, checkpointEverySec: 0.2, consumer: 'c1' });
  expect(l2.stats().resumed).toBe(1);
  // the service logs the same CheckpointError it counts; its text is checked by direct saves below
  await waitFor(() => l2.stats().checkpointErrors >= 2, 30_000, { intervalMs: 50, what: 'checkpoints failing on a full disk' });
  const u0 = l2.stats().updates;
  expect(readFileSync(path.join(dir, CHECKPOINT_FILE)).equals(previous)).toBe(true);
  expect(readdirSync(dir)).toEqual([CHECKPOINT_FILE]); // the partial temp file was removed
  const ckpt = (await loadLearnerCheckpoint(dir, 'CartPole-v1'))!;
  await expect(saveLearnerCheckpoint(dir, ckpt)).rejects.toThrow(/learner\.ckpt: cannot write checkpoint \(ENOSPC.*previous checkpoint is unchanged/);

  execFileSync('mount', ['-o', 'remount,ro', dir]);
  const e0 = l2.stats().checkpointErrors;
  await waitFor(() => l2.stats().checkpointErrors >= e0 + 2, 30_000, { intervalMs: 50, what: 'checkpoints failing on a read-only disk' });
  await expect(saveLearnerCheckpoint(dir, ckpt)).rejects.toThrow(/cannot write checkpoint \(EROFS/);
  await waitFor(() => l2.stats().updates >= u0 + 2, 30_000, { intervalMs: 50, what: 'training continues' });
  await actor.stop();
  await l2.stop(); // the final checkpoint fails too: counted, stop still returns
  expect(readFileSync(path.join(dir, CHECKPOINT_FILE)).equals(previous)).toBe(true);
  expect(l2.stats().checkpoints).toBe(0);
});
