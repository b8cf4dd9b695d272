// Adam with PyTorch's update rule (what CleanRL's ppo.py runs), over a fixed list of TF.js
// variables, with its state (step, first and second moments) readable and restorable as plain
// arrays for checkpoints. Must not: compute gradients or clip them (the learner does).
// Update (torch.optim.Adam, amsgrad=False, weight_decay=0):
//   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
// https://pytorch.org/docs/stable/generated/torch.optim.Adam.html
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from './errors';

/** Plain-array Adam state, in the order of the variables it was built with. */
export interface AdamState {
  readonly step: number;
  readonly m: Float32Array[];
  readonly v: Float32Array[];
}

export class TorchAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  /** Learning rate of the next step (the learner sets it for annealing and lag scaling). */
  learningRate: number;

  constructor(
    private readonly params: readonly tf.Variable[],
    learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-5,
  ) {
    this.learningRate = learningRate;
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** Number of steps taken. */
  get step(): number {
    return this.t;
  }

  /** One update with gradients in the order of `params` (already clipped). */
  apply(grads: readonly tf.Tensor[]): void {
    this.t += 1;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** this.t);
    const stepSize = this.learningRate / bc1;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.m[i]!, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i]!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  getState(): AdamState {
    return { step: this.t, m: this.m.map((x) => x.dataSync() as Float32Array), v: this.v.map((x) => x.dataSync() as Float32Array) };
  }

  /** Restore a state taken from an optimizer over variables of the same shapes. */
  setState(s: AdamState, source = 'adam state'): void {
    if (!Number.isInteger(s.step) || s.step < 0 || s.m.length !== this.m.length || s.v.length !== this.v.length) {
      throw new CheckpointError(`adam state has ${s.m.length}/${s.v.length} moments and step ${s.step}; expected ${this.m.length}`, source);
    }
    this.m.forEach((x, i) => {
      if (s.m[i]!.length !== x.size || s.v[i]!.length !== x.size) throw new CheckpointError(`adam moment ${i} has the wrong size`, source);
    });
    this.t = s.step;
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(s.m[i]!, x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(s.v[i]!, x.shape)));
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
