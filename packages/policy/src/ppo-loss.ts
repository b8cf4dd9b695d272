// The differentiable PPO loss in TF.js, one minibatch, reading like CleanRL's ppo.py update:
// policy loss (clipped surrogate, with the ALA IS mode), value loss (optionally clipped),
// entropy bonus. Must not: sample minibatches, step the optimizer or read weights back.
// https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/ppo.py
import * as tf from '@tensorflow/tfjs';
import type { TfActorCritic } from './tf-model';

/** One minibatch as tensors; all [mb] except obs [mb, obsDim] and actionsOneHot [mb, nActions]. */
export interface LossBatch {
  readonly obs: tf.Tensor2D;
  readonly actionsOneHot: tf.Tensor2D;
  /** Â_t (already normalised if normAdv). */
  readonly advantages: tf.Tensor1D;
  /** Value targets (GAE returns or V-trace vs). */
  readonly returns: tf.Tensor1D;
  /** V(s_t) at acting time. */
  readonly values: tf.Tensor1D;
  /** Log-prob the surrogate ratio is taken against (@ala/rl-core isCorrection logpRef). */
  readonly logpRef: tf.Tensor1D;
  /** Detached per-sample IS weight multiplying the surrogate (@ala/rl-core isCorrection weight). */
  readonly isWeight: tf.Tensor1D;
  /** Optional legal-action mask (1 = legal), [mb, nActions]; illegal logits get −1e9 (probability 0). */
  readonly legal?: tf.Tensor2D;
}

export interface LossCoefs {
  readonly clipCoef: number;
  readonly clipVloss: boolean;
  readonly entCoef: number;
  readonly vfCoef: number;
}

/** Scalars of one minibatch, packed in this order in `stats`. */
export const LOSS_STATS = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'oldApproxKl', 'approxKl', 'clipFrac'] as const;

/**
 * Build the loss inside a tf.variableGrads closure. Returns the scalar loss and a [7] tensor of
 * LOSS_STATS (no gradient flows through stats).
 */
export function ppoLoss(model: TfActorCritic, b: LossBatch, c: LossCoefs): { loss: tf.Scalar; stats: tf.Tensor1D } {
  const logits = maskLogits(model.logits(b.obs), b.legal);
  const logProbs = tf.logSoftmax(logits);
  const newLogp = tf.sum(tf.mul(logProbs, b.actionsOneHot), 1) as tf.Tensor1D;
  // Entropy of π_θ
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)));
  const newValue = model.value(b.obs);

  // Policy loss: clipped surrogate times the detached IS weight
  const { policyLoss, ratio, logratio } = clippedSurrogateTf(newLogp, b.logpRef, b.advantages, b.isWeight, c.clipCoef);

  // Value loss: 0.5 (V − R)², or CleanRL's clipped variant around the acting-time values
  let valueLoss: tf.Scalar;
  if (c.clipVloss) {
    const unclipped = tf.square(tf.sub(newValue, b.returns));
    const vClipped = tf.add(b.values, tf.clipByValue(tf.sub(newValue, b.values), -c.clipCoef, c.clipCoef));
    const clipped = tf.square(tf.sub(vClipped, b.returns));
    valueLoss = tf.mul(0.5, tf.mean(tf.maximum(unclipped, clipped)));
  } else {
    valueLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(newValue, b.returns))));
  }

  const loss = tf.add(tf.sub(policyLoss, tf.mul(c.entCoef, entropy)), tf.mul(c.vfCoef, valueLoss)) as tf.Scalar;

  // Diagnostics (http://joschu.net/blog/kl-approx.html): k1 = −log r, k3 = (r − 1) − log r
  const oldApproxKl = tf.mean(tf.neg(logratio));
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logratio));
  const clipFrac = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c.clipCoef), 'float32'));
  const stats = tf.stack([loss, policyLoss, valueLoss, entropy, oldApproxKl, approxKl, clipFrac]) as tf.Tensor1D;
  return { loss, stats };
}

/**
 * Policy loss: mean(w · max(−Â r, −Â clip(r, 1−ε, 1+ε))), r = exp(newLogp − logpRef), w detached.
 * Its gradient with respect to newLogp is tested against @ala/rl-core clippedSurrogateGrad.
 */
export function clippedSurrogateTf(
  newLogp: tf.Tensor1D,
  logpRef: tf.Tensor1D,
  advantages: tf.Tensor1D,
  isWeight: tf.Tensor1D,
  clipCoef: number,
): { policyLoss: tf.Scalar; ratio: tf.Tensor1D; logratio: tf.Tensor1D } {
  const logratio = tf.sub(newLogp, logpRef) as tf.Tensor1D;
  const ratio = tf.exp(logratio) as tf.Tensor1D;
  const negAdv = tf.neg(advantages);
  const pg1 = tf.mul(negAdv, ratio);
  const pg2 = tf.mul(negAdv, tf.clipByValue(ratio, 1 - clipCoef, 1 + clipCoef));
  return { policyLoss: tf.mean(tf.mul(isWeight, tf.maximum(pg1, pg2))), ratio, logratio };
}

/** Logits with illegal actions pushed to −1e9 (exp underflows to exactly 0; legal ones unchanged). */
export function maskLogits(logits: tf.Tensor2D, legal: tf.Tensor2D | undefined): tf.Tensor2D {
  return legal === undefined ? logits : tf.add(logits, tf.mul(tf.sub(1, legal), -1e9));
}
