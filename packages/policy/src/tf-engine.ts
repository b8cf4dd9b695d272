// The Learner's TF.js engine (wasm or cpu backend): TfActorCritic + ppoLoss + variableGrads +
// global grad-norm clip + TorchAdam, one tf.tidy per minibatch. The reference the WebAssembly
// kernel engine is tested against, and the fallback where WebAssembly SIMD is missing.
// Must not: hold rollouts, anneal or order minibatches (learner.ts does).
import * as tf from '@tensorflow/tfjs';
import { TorchAdam, type AdamState } from './adam';
import { PolicyConfigError } from './errors';
import { ADAM_BETAS, type LearnerEngine, type StepCoefs, type UpdateBatch } from './learner-engine';
import { maskLogits, ppoLoss } from './ppo-loss';
import { TfActorCritic } from './tf-model';
import type { ActorCriticWeights } from './weights';

interface BatchTensors {
  obs: tf.Tensor2D;
  actionsOneHot: tf.Tensor2D;
  legal?: tf.Tensor2D;
  advantages: tf.Tensor1D;
  returns: tf.Tensor1D;
  values: tf.Tensor1D;
  logpRef: tf.Tensor1D;
  isWeight: tf.Tensor1D;
}

export class TfEngine implements LearnerEngine {
  private readonly model: TfActorCritic;
  private readonly adam: TorchAdam;
  private b: BatchTensors | undefined;

  constructor(
    weights: ActorCriticWeights,
    adamEps: number,
    readonly name: string,
  ) {
    this.model = new TfActorCritic(weights);
    this.adam = new TorchAdam(this.model.variables(), 0, ADAM_BETAS[0], ADAM_BETAS[1], adamEps);
  }

  get spec(): ActorCriticWeights['spec'] {
    return this.model.spec;
  }

  logProbs(obs: Float32Array, actions: Int32Array, legalMask: Uint8Array | undefined, n: number): Float32Array {
    const { obsDim, nActions } = this.model.spec;
    return tf.tidy(() => {
      const legal = legalMask && tf.tensor2d(Float32Array.from(legalMask), [n, nActions]);
      const lp = tf.logSoftmax(maskLogits(this.model.logits(tf.tensor2d(obs, [n, obsDim])), legal));
      return tf.sum(tf.mul(lp, tf.oneHot(tf.tensor1d(actions, 'int32'), nActions)), 1).dataSync() as Float32Array;
    });
  }

  beginUpdate(u: UpdateBatch): void {
    const { obsDim, nActions } = this.model.spec;
    const k = u.k;
    this.b = {
      obs: tf.tensor2d(u.obs, [k, obsDim]),
      actionsOneHot: tf.tidy(() => tf.oneHot(tf.tensor1d(u.actions, 'int32'), nActions).toFloat() as tf.Tensor2D),
      ...(u.legal ? { legal: tf.tensor2d(Float32Array.from(u.legal), [k, nActions]) } : {}),
      advantages: tf.tensor1d(u.advantages),
      returns: tf.tensor1d(u.returns),
      values: tf.tensor1d(u.values),
      logpRef: tf.tensor1d(u.logpRef),
      isWeight: tf.tensor1d(u.isWeight),
    };
  }

  step(mbInds: Int32Array, c: StepCoefs): ArrayLike<number> {
    const b = this.b!;
    const vars = this.model.variables();
    this.adam.learningRate = c.learningRate;
    return tf.tidy(() => {
      const idx = tf.tensor1d(mbInds, 'int32');
      let mbAdvantages = tf.gather(b.advantages, idx);
      if (c.normAdv && mbInds.length > 1) {
        // torch .std() is the unbiased estimator
        const mean = tf.mean(mbAdvantages);
        const std = tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(mbAdvantages, mean))), mbInds.length - 1));
        mbAdvantages = tf.div(tf.sub(mbAdvantages, mean), tf.add(std, 1e-8));
      }
      const mb = {
        obs: tf.gather(b.obs, idx),
        actionsOneHot: tf.gather(b.actionsOneHot, idx) as tf.Tensor2D,
        advantages: mbAdvantages,
        returns: tf.gather(b.returns, idx),
        values: tf.gather(b.values, idx),
        logpRef: tf.gather(b.logpRef, idx),
        isWeight: tf.gather(b.isWeight, idx),
        legal: b.legal && (tf.gather(b.legal, idx) as tf.Tensor2D),
      };
      let statsT: tf.Tensor1D | undefined;
      const { grads } = tf.variableGrads(() => {
        const out = ppoLoss(this.model, mb, c);
        statsT = tf.keep(out.stats);
        return out.loss;
      }, vars);
      // Global grad-norm clip (torch clip_grad_norm_: coef = max_norm / (norm + 1e-6), at most 1)
      const gl = vars.map((v) => grads[v.name]!);
      const gradNorm = tf.sqrt(tf.addN(gl.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(c.maxGradNorm, tf.add(gradNorm, 1e-6)));
      this.adam.apply(gl.map((g) => tf.mul(g, scale)));
      const s = tf.concat([statsT!, tf.reshape(gradNorm, [1])]).dataSync();
      statsT!.dispose();
      return s;
    });
  }

  endUpdate(): void {
    if (this.b) tf.dispose(Object.values(this.b).filter((x) => x !== undefined) as tf.Tensor[]);
    this.b = undefined;
  }

  readWeights(): ActorCriticWeights {
    return this.model.readWeights();
  }

  assignWeights(w: ActorCriticWeights): void {
    try {
      this.model.assignWeights(w);
    } catch (err) {
      throw new PolicyConfigError(`cannot restore weights: ${(err as Error).message}`, 'weights', { cause: err });
    }
  }

  getAdamState(): AdamState {
    return this.adam.getState();
  }

  setAdamState(s: AdamState, source: string): void {
    this.adam.setState(s, source);
  }

  dispose(): void {
    this.endUpdate();
    this.adam.dispose();
    this.model.dispose();
  }
}
