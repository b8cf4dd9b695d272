// Plain-array weights of the actor-critic MLP and their CleanRL-style initialisation. This is the
// one representation shared by the TF.js model, the ONNX exporter and checkpoints.
// Must not: import TF.js or ONNX Runtime (it is pure data + maths).
import { randn, type Rng } from '@ala/rl-core';
import { PolicyConfigError } from './errors';

/** Shape of the actor-critic MLP: separate actor and critic trunks with the same hidden sizes. */
export interface MlpSpec {
  /** Observation length. */
  readonly obsDim: number;
  /** Number of discrete actions (actor head width). */
  readonly nActions: number;
  /** Hidden layer widths of each trunk, tanh after each (CleanRL: [64, 64]). */
  readonly hidden: readonly number[];
}

/** One dense layer y = x W + b, W row-major [inDim][outDim]. */
export interface DenseParams {
  readonly inDim: number;
  readonly outDim: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** All weights: actor layers (last = logits head) and critic layers (last = value head, width 1). */
export interface ActorCriticWeights {
  readonly spec: MlpSpec;
  readonly actor: readonly DenseParams[];
  readonly critic: readonly DenseParams[];
}

/** Throws PolicyConfigError unless the spec has positive integer sizes. */
export function validateSpec(spec: MlpSpec): void {
  const ok = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 1 << 16;
  if (!ok(spec.obsDim)) throw new PolicyConfigError(`obsDim must be a positive integer, got ${spec.obsDim}`, 'obsDim');
  if (!ok(spec.nActions) || spec.nActions < 2) throw new PolicyConfigError(`nActions must be an integer >= 2, got ${spec.nActions}`, 'nActions');
  if (spec.hidden.length === 0 || !spec.hidden.every(ok)) {
    throw new PolicyConfigError(`hidden must be a non-empty list of positive integers, got [${spec.hidden.join(', ')}]`, 'hidden');
  }
}

/** Layer widths of one trunk, input first: [obsDim, ...hidden, headDim]. */
export function trunkDims(spec: MlpSpec, head: 'actor' | 'critic'): number[] {
  return [spec.obsDim, ...spec.hidden, head === 'actor' ? spec.nActions : 1];
}

/**
 * A [inDim][outDim] matrix whose transpose (torch's [out][in] weight) is `gain` x a random
 * orthogonal matrix, as torch.nn.init.orthogonal_: QR of a Gaussian matrix with sign(diag R)
 * folded into Q. Modified Gram-Schmidt gives exactly that Q (diag R > 0).
 * https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.orthogonal_
 */
export function orthogonal(inDim: number, outDim: number, gain: number, rng: Rng): Float32Array {
  // Torch draws a [out][in] matrix; orthonormalise the columns of its tall orientation.
  const rows = Math.max(outDim, inDim);
  const cols = Math.min(outDim, inDim);
  const a = new Float64Array(rows * cols); // column-major: column j at a[j*rows ...]
  for (let i = 0; i < a.length; i++) a[i] = randn(rng);
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[k * rows + i]! * a[j * rows + i]!;
      for (let i = 0; i < rows; i++) a[j * rows + i]! -= dot * a[k * rows + i]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[j * rows + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) a[j * rows + i]! /= norm;
  }
  // q is [rows][cols]; torch weight Wt[out][in] = q if out >= in else q^T. We store W = Wt^T.
  const w = new Float32Array(inDim * outDim);
  for (let o = 0; o < outDim; o++) {
    for (let i = 0; i < inDim; i++) {
      const q = outDim >= inDim ? a[i * rows + o]! : a[o * rows + i]!;
      w[i * outDim + o] = gain * q;
    }
  }
  return w;
}

/**
 * CleanRL initialisation (ppo.py `layer_init`): orthogonal weights, std sqrt(2) in hidden
 * layers, 0.01 on the actor head, 1.0 on the critic head; zero biases.
 * https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/ppo.py
 */
export function initActorCriticWeights(spec: MlpSpec, rng: Rng): ActorCriticWeights {
  validateSpec(spec);
  const trunk = (head: 'actor' | 'critic'): DenseParams[] => {
    const dims = trunkDims(spec, head);
    const layers: DenseParams[] = [];
    for (let l = 0; l + 1 < dims.length; l++) {
      const inDim = dims[l]!;
      const outDim = dims[l + 1]!;
      const isHead = l + 2 === dims.length;
      const gain = !isHead ? Math.SQRT2 : head === 'actor' ? 0.01 : 1.0;
      layers.push({ inDim, outDim, w: orthogonal(inDim, outDim, gain, rng), b: new Float32Array(outDim) });
    }
    return layers;
  };
  const actor = trunk('actor');
  const critic = trunk('critic');
  return { spec: { obsDim: spec.obsDim, nActions: spec.nActions, hidden: [...spec.hidden] }, actor, critic };
}

/** Deep copy (weights are mutable Float32Arrays). */
export function cloneWeights(w: ActorCriticWeights): ActorCriticWeights {
  const copy = (ls: readonly DenseParams[]): DenseParams[] => ls.map((l) => ({ inDim: l.inDim, outDim: l.outDim, w: l.w.slice(), b: l.b.slice() }));
  return { spec: { ...w.spec, hidden: [...w.spec.hidden] }, actor: copy(w.actor), critic: copy(w.critic) };
}

/**
 * Forward pass in plain JS (float64 accumulation): the reference the TF.js and ONNX paths are
 * tested against. obs row-major [batch][obsDim]; returns logits [batch][nActions] and value [batch].
 */
export function referenceForward(w: ActorCriticWeights, obs: Float32Array, batch: number): { logits: Float32Array; value: Float32Array } {
  const run = (layers: readonly DenseParams[]): Float64Array => {
    let x: Float64Array = Float64Array.from(obs);
    layers.forEach((l, idx) => {
      const y = new Float64Array(batch * l.outDim);
      for (let r = 0; r < batch; r++) {
        for (let o = 0; o < l.outDim; o++) {
          let s = l.b[o]!;
          for (let i = 0; i < l.inDim; i++) s += x[r * l.inDim + i]! * l.w[i * l.outDim + o]!;
          y[r * l.outDim + o] = idx + 1 < layers.length ? Math.tanh(s) : s;
        }
      }
      x = y;
    });
    return x;
  };
  return { logits: Float32Array.from(run(w.actor)), value: Float32Array.from(run(w.critic)) };
}
