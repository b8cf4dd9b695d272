// The serial trainer's checkpoint: env id, seed, PpoConfig and the full TrainerState (weights,
// Adam moments, RNG states, counters, policy version, env replay state), with a structural check
// on load so a malformed file is refused with a clear CheckpointError before anything changes,
// and a finiteness check on save so a diverged run never overwrites a good checkpoint.
// Must not: do I/O itself beyond checkpoint.ts, or build trainers.
import { readCheckpointFile, writeCheckpointFile } from './checkpoint';
import { CheckpointError } from './errors';
import { makePpoConfig, type PpoConfig } from './ppo-config';
import type { TrainerState } from './serial-trainer';
import type { ActorCriticWeights } from './weights';

export interface TrainCheckpoint {
  readonly kind: 'serial-trainer';
  readonly envId: string;
  readonly seed: number;
  readonly config: PpoConfig;
  readonly state: TrainerState;
  /** Wall-clock seconds trained before this checkpoint (summed over resumes). */
  readonly wallSeconds: number;
  /** Caller bookkeeping carried across resumes (e.g. the CLI's solvedAtStep); plain JSON. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

function need(cond: boolean, what: string, source: string): asserts cond {
  if (!cond) throw new CheckpointError(`${source}: malformed checkpoint: ${what}`, source);
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

function checkWeights(w: unknown, source: string): void {
  need(isObj(w) && isObj(w.spec) && Array.isArray(w.actor) && Array.isArray(w.critic), 'learner.weights must have spec, actor, critic', source);
  for (const trunk of ['actor', 'critic'] as const) {
    (w[trunk] as unknown[]).forEach((l, i) => {
      need(isObj(l) && l.w instanceof Float32Array && l.b instanceof Float32Array, `${trunk}[${i}] must hold float32 w and b`, source);
      need(
        Number.isInteger(l.inDim) && Number.isInteger(l.outDim) && l.w.length === (l.inDim as number) * (l.outDim as number) && l.b.length === l.outDim,
        `${trunk}[${i}] shapes do not match`,
        source,
      );
      need(allFinite(l.w) && allFinite(l.b), `${trunk}[${i}] has non-finite weights`, source);
    });
  }
}

/** Structural validation of a decoded payload; returns it typed or throws CheckpointError. */
export function parseTrainCheckpoint(x: unknown, source = 'checkpoint'): TrainCheckpoint {
  need(isObj(x) && x.kind === 'serial-trainer', 'kind must be "serial-trainer"', source);
  need(typeof x.envId === 'string' && x.envId.length > 0, 'envId must be a string', source);
  need(Number.isSafeInteger(x.seed), 'seed must be an integer', source);
  need(typeof x.wallSeconds === 'number' && x.wallSeconds >= 0, 'wallSeconds must be >= 0', source);
  let config: PpoConfig;
  try {
    // Checkpoints written before the decoupled cap was renamed call it isClip
    const { isClip, ...saved } = (isObj(x.config) ? x.config : {}) as Partial<PpoConfig> & { isClip?: number };
    config = makePpoConfig(isClip !== undefined && saved.cBar === undefined ? { ...saved, cBar: isClip } : saved);
  } catch (err) {
    throw new CheckpointError(`${source}: malformed checkpoint: config: ${(err as Error).message}`, source, { cause: err });
  }
  const s = x.state;
  need(isObj(s), 'state must be an object', source);
  need(Number.isInteger(s.iteration) && Number.isInteger(s.envSteps), 'state.iteration/envSteps must be integers', source);
  need(Array.isArray(s.envs) && Array.isArray(s.recentReturns) && isObj(s.actRng), 'state.envs, recentReturns, actRng missing', source);
  const l = s.learner;
  need(isObj(l) && Number.isInteger(l.policyVersion) && typeof l.samplesSeen === 'number' && isObj(l.rng), 'state.learner counters or rng missing', source);
  checkWeights(l.weights, source);
  const adam = l.adam;
  need(isObj(adam) && Number.isInteger(adam.step) && Array.isArray(adam.m) && Array.isArray(adam.v), 'state.learner.adam must have step, m, v', source);
  need(
    [...(adam.m as unknown[]), ...(adam.v as unknown[])].every((a) => a instanceof Float32Array && allFinite(a)),
    'adam moments must be finite float32 arrays',
    source,
  );
  need(x.extra === undefined || isObj(x.extra), 'extra must be an object', source);
  return {
    kind: 'serial-trainer',
    envId: x.envId,
    seed: x.seed as number,
    config,
    state: s as unknown as TrainerState,
    wallSeconds: x.wallSeconds,
    extra: x.extra,
  };
}

/** Save atomically after checking the weights are finite (a diverged run keeps its last good file). */
export async function saveTrainCheckpoint(file: string, ckpt: TrainCheckpoint): Promise<void> {
  checkWeights(ckpt.state.learner.weights satisfies ActorCriticWeights, `refusing to write ${file}`);
  await writeCheckpointFile(file, ckpt);
}

/** Load and validate (CheckpointError when missing, corrupted or malformed). */
export async function loadTrainCheckpoint(file: string): Promise<TrainCheckpoint> {
  return parseTrainCheckpoint(await readCheckpointFile(file), file);
}
