// Learner checkpoints of the ppo-learner service: the Learner state (weights, Adam, RNG, version,
// samples seen) plus counters, written atomically with @ala/policy's checkpoint file format, and
// read back with a check that env and model shape match. Must not: touch the bus.
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { readCheckpointFile, writeCheckpointFile, type LearnerState, type PpoConfig } from '@ala/policy';
import { LearnerCheckpointError } from './errors';

export const CHECKPOINT_FILE = 'learner.ckpt';

export interface LearnerCheckpoint {
  readonly kind: 'ppo-learner';
  readonly envId: string;
  readonly seed: number;
  readonly config: PpoConfig;
  readonly learner: LearnerState;
  /** Updates done over the whole run (summed over restarts). */
  readonly updates: number;
  /** Wall-clock ms when written (informational). */
  readonly savedAt: number;
}

export function checkpointPath(dir: string): string {
  return path.join(dir, CHECKPOINT_FILE);
}

export async function saveLearnerCheckpoint(dir: string, ckpt: LearnerCheckpoint): Promise<void> {
  await writeCheckpointFile(checkpointPath(dir), ckpt);
}

/** The checkpoint in `dir`, undefined when there is none; LearnerCheckpointError when unusable. */
export async function loadLearnerCheckpoint(dir: string, envId: string): Promise<LearnerCheckpoint | undefined> {
  const file = checkpointPath(dir);
  const present = await fs.access(file).then(
    () => true,
    () => false,
  );
  if (!present) return undefined;
  let x: unknown;
  try {
    x = await readCheckpointFile(file);
  } catch (err) {
    throw new LearnerCheckpointError(file, `cannot read checkpoint: ${(err as Error).message}`, { cause: err });
  }
  const c = x as Partial<LearnerCheckpoint> | null;
  if (c === null || typeof c !== 'object' || c.kind !== 'ppo-learner' || typeof c.learner !== 'object' || !Number.isSafeInteger(c.updates)) {
    throw new LearnerCheckpointError(file, 'not a ppo-learner checkpoint (kind, learner, updates)');
  }
  if (c.envId !== envId) throw new LearnerCheckpointError(file, `checkpoint is for ${String(c.envId)}, learner runs ${envId}`);
  return c as LearnerCheckpoint;
}
