// Numeric reference implementations of the PPO pieces, named as in CleanRL's ppo.py
// (https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/ppo.py): clipped surrogate (and the
// policy loss of each IS mode), clipped value loss, approx KL (k1 = old_approx_kl, k3 = approx_kl), clip fraction,
// explained variance and advantage normalisation. Per-sample inputs, mean over the minibatch.
// The learner re-implements the differentiable loss in TF.js and tests it against these.
// Must not: allocate per sample beyond the returned arrays, or hide a reduction other than the mean.
import { checkAllFinite, checkLength, checkNonNegative, outBuffer, type OutVec, type Vec } from './check';
import { InvalidValueError } from './errors';
import { isWeights, type IsWeightsInput } from './is-weights';

// Module-local aliases: a global `Math` lookup per call is ~50x slower inside jest's vm sandbox.
const { abs, expm1, max, min, sqrt } = Math;

export interface SurrogateResult {
  /** Policy loss (to minimise): mean_i weight_i · max(−A_i·r_i, −A_i·clip(r_i, 1−ε, 1+ε)). */
  pgLoss: number;
  /** Fraction of samples with |r − 1| > ε (CleanRL clipfracs). */
  clipFrac: number;
}

function checkSamples(names: string[], arrays: Vec[]): number {
  const n = (arrays[0] as Vec).length;
  if (n === 0) throw new InvalidValueError(names[0] as string, 0, 'at least one sample is needed');
  arrays.forEach((v, k) => {
    checkLength(names[k] as string, v, n);
    checkAllFinite(names[k] as string, v);
  });
  return n;
}

/** Checks of the clipped surrogate's inputs; returns n. */
function checkSurrogateInput(input: { ratio: Vec; advantages: Vec; clipCoef: number; weight?: Vec }): number {
  const n = checkSamples(['ratio', 'advantages'], [input.ratio, input.advantages]);
  checkNonNegative('clipCoef', input.clipCoef);
  if (input.weight !== undefined) {
    checkLength('weight', input.weight, n);
    checkAllFinite('weight', input.weight);
  }
  return n;
}

/**
 * Clipped surrogate from given ratios: the core shared by every mode. `weight` is a detached
 * per-sample multiplier (decoupled IS weight); absent = 1. Shapes: ratio, advantages, weight [n].
 */
export function clippedSurrogate(input: { ratio: Vec; advantages: Vec; clipCoef: number; weight?: Vec }): SurrogateResult {
  const { ratio, advantages, clipCoef, weight } = input;
  const n = checkSurrogateInput(input);
  let loss = 0;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const r = ratio[i] as number;
    const adv = advantages[i] as number;
    const pg1 = -adv * r;
    const pg2 = -adv * min(1 + clipCoef, max(1 - clipCoef, r));
    loss += (weight === undefined ? 1 : (weight[i] as number)) * max(pg1, pg2);
    if (abs(r - 1) > clipCoef) clipped++;
  }
  return { pgLoss: loss / n, clipFrac: clipped / n };
}

/**
 * Per-sample derivative of the clipped surrogate with respect to log π_θ(a_i), not divided by n:
 * ∂/∂logπ_θ [w·max(−A·r, −A·clip(r))] = −w·A·r where the unclipped branch is active
 * (1−ε <= r <= 1+ε, or A > 0 with r < 1−ε, or A < 0 with r > 1+ε), else 0 (the clipped branch
 * is constant). The TF.js learner's autodiff must agree with this. Shapes: all [n].
 */
export function clippedSurrogateGrad(input: { ratio: Vec; advantages: Vec; clipCoef: number; weight?: Vec; out?: OutVec }): OutVec {
  const { ratio, advantages, clipCoef, weight } = input;
  const n = checkSurrogateInput(input);
  const o = outBuffer('out', input.out, n);
  for (let i = 0; i < n; i++) {
    const r = ratio[i] as number;
    const adv = advantages[i] as number;
    const active = (r >= 1 - clipCoef && r <= 1 + clipCoef) || (adv > 0 && r < 1 - clipCoef) || (adv < 0 && r > 1 + clipCoef);
    o[i] = active ? -(weight === undefined ? 1 : (weight[i] as number)) * adv * r : 0;
  }
  return o;
}

/**
 * PPO policy loss for an IS mode (seed / exact / decoupled): isWeights then clippedSurrogate.
 * seed needs oldLogp + biasTaken; exact needs logpMu (CleanRL's loss when logpMu is the acting
 * log-prob); decoupled (Hilton et al. 2022) needs proxLogp + logpMu (+ cBar). Shapes: all [n].
 */
export function ppoPolicyLoss(input: IsWeightsInput & { advantages: Vec; clipCoef: number }): SurrogateResult & { truncated: number } {
  const w = isWeights(input);
  const surrogate = clippedSurrogate({ ratio: w.ratio, advantages: input.advantages, clipCoef: input.clipCoef, weight: w.weight });
  return { ...surrogate, truncated: w.truncated };
}

/**
 * CleanRL value loss: 0.5·mean((V − R)²), or with clipCoef the clipped form
 * 0.5·mean(max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²)). Shapes: all [n].
 */
export function valueLoss(input: { newValues: Vec; oldValues?: Vec; returns: Vec; clipCoef?: number }): number {
  const { newValues, returns, oldValues, clipCoef } = input;
  const n = checkSamples(['newValues', 'returns'], [newValues, returns]);
  if (clipCoef !== undefined) {
    checkNonNegative('clipCoef', clipCoef);
    if (oldValues === undefined) throw new InvalidValueError('oldValues', undefined, 'is required with clipCoef');
    checkSamples(['oldValues'], [oldValues]);
    checkLength('oldValues', oldValues, n);
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = newValues[i] as number;
    const ret = returns[i] as number;
    const unclipped = (v - ret) ** 2;
    if (clipCoef === undefined || oldValues === undefined) {
      s += unclipped;
    } else {
      const old = oldValues[i] as number;
      const vClipped = old + min(clipCoef, max(-clipCoef, v - old));
      s += max(unclipped, (vClipped - ret) ** 2);
    }
  }
  return (0.5 * s) / n;
}

/**
 * Approximate KL(π_old || π_new) from samples of π_old (http://joschu.net/blog/kl-approx.html):
 * k1 = mean(−log r) (CleanRL old_approx_kl), k3 = mean((r − 1) − log r) (CleanRL approx_kl),
 * r = π_new/π_old. Shapes: newLogp, oldLogp [n].
 */
export function approxKl(input: { newLogp: Vec; oldLogp: Vec }): { k1: number; k3: number } {
  const n = checkSamples(['newLogp', 'oldLogp'], [input.newLogp, input.oldLogp]);
  let k1 = 0;
  let k3 = 0;
  for (let i = 0; i < n; i++) {
    const logRatio = (input.newLogp[i] as number) - (input.oldLogp[i] as number);
    k1 -= logRatio;
    k3 += expm1(logRatio) - logRatio;
  }
  return { k1: k1 / n, k3: k3 / n };
}

/** Fraction of ratios with |r − 1| > clipCoef. Shapes: ratio [n]. */
export function clipFraction(ratio: Vec, clipCoef: number): number {
  const n = checkSamples(['ratio'], [ratio]);
  checkNonNegative('clipCoef', clipCoef);
  let c = 0;
  for (let i = 0; i < n; i++) if (abs((ratio[i] as number) - 1) > clipCoef) c++;
  return c / n;
}

/** 1 − Var(y − ŷ)/Var(y) (population variances, as np.var in CleanRL); NaN when Var(y) = 0. Shapes: [n]. */
export function explainedVariance(yPred: Vec, yTrue: Vec): number {
  const n = checkSamples(['yPred', 'yTrue'], [yPred, yTrue]);
  let my = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    my += yTrue[i] as number;
    md += (yTrue[i] as number) - (yPred[i] as number);
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vy += ((yTrue[i] as number) - my) ** 2;
    vd += ((yTrue[i] as number) - (yPred[i] as number) - md) ** 2;
  }
  return vy === 0 ? Number.NaN : 1 - vd / vy;
}

/**
 * CleanRL advantage normalisation: (A − mean) / (std + eps), std with Bessel's correction
 * (torch.Tensor.std default); a single sample normalises to 0. Shapes: advantages, out [n].
 */
export function normalizeAdvantages(advantages: Vec, eps = 1e-8, out?: OutVec): OutVec {
  const n = checkSamples(['advantages'], [advantages]);
  checkNonNegative('eps', eps);
  const o = outBuffer('out', out, n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += advantages[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((advantages[i] as number) - mean) ** 2;
  const std = n > 1 ? sqrt(ss / (n - 1)) : 0;
  for (let i = 0; i < n; i++) o[i] = ((advantages[i] as number) - mean) / (std + eps);
  return o;
}
