// What the Learner needs of the code that differentiates and steps the actor-critic: log-probs of
// taken actions, one clipped-Adam PPO step per minibatch, and its state as plain arrays. Two
// engines implement it: the WebAssembly kernel (kernel-engine.ts, the default) and TF.js
// (tf-engine.ts, wasm or cpu backend). Must not: hold rollouts, anneal or order minibatches.
import type { AdamState } from './adam';
import type { ActorCriticWeights, MlpSpec } from './weights';

/** The kept samples of one update, compacted (CleanRL's b_* arrays). All [k] unless noted. */
export interface UpdateBatch {
  readonly k: number;
  /** [k][obsDim] */
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  /** Legal-action mask, 1 = legal, [k][nActions]; absent when every action is legal. */
  readonly legal?: Uint8Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  readonly values: Float32Array;
  readonly logpRef: Float32Array;
  readonly isWeight: Float32Array;
}

/** Coefficients of one minibatch step. */
export interface StepCoefs {
  readonly clipCoef: number;
  readonly clipVloss: boolean;
  readonly entCoef: number;
  readonly vfCoef: number;
  readonly normAdv: boolean;
  readonly maxGradNorm: number;
  readonly learningRate: number;
}

export interface LearnerEngine {
  /** 'kernel', or the TF.js backend in use ('wasm' / 'cpu'). */
  readonly name: string;
  readonly spec: MlpSpec;
  /** log π(a_i | obs_i) of n samples under the current weights. */
  logProbs(obs: Float32Array, actions: Int32Array, legal: Uint8Array | undefined, n: number): Float32Array;
  /** Hold the batch for the minibatch steps that follow (until endUpdate). */
  beginUpdate(b: UpdateBatch): void;
  /** Loss, gradients, global-norm clip and one Adam step on batch rows mbInds. Returns LOSS_STATS then the grad norm. */
  step(mbInds: Int32Array, c: StepCoefs): ArrayLike<number>;
  endUpdate(): void;
  readWeights(): ActorCriticWeights;
  /** Checks shapes first (PolicyConfigError); a mismatch changes nothing. */
  assignWeights(w: ActorCriticWeights): void;
  getAdamState(): AdamState;
  /** Checks sizes first (CheckpointError); a mismatch changes nothing. */
  setAdamState(s: AdamState, source: string): void;
  dispose(): void;
}

/** Adam's β1, β2 (torch defaults, as CleanRL). */
export const ADAM_BETAS = [0.9, 0.999] as const;
