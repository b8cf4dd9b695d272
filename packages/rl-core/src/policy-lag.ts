// Policy-lag filter (Sample Factory style): the learner drops samples whose behaviour policy is
// more than maxPolicyLag versions behind, counts them, and scales the learning rate by the kept
// fraction so a mostly-stale batch moves the policy less. Must not: reorder samples, or accept a
// sample from a version newer than the learner's (that is a bug upstream: a typed error).
import { checkLength, checkNonNegative, type Vec } from './check';
import { InvalidValueError } from './errors';

import { hotMath } from './math';

const { max, INF } = hotMath;

export interface PolicyLagResult {
  /** 1 = keep, 0 = drop, per sample, [n]. */
  keep: Uint8Array;
  kept: number;
  dropped: number;
  /** kept / n (1 for an empty batch). */
  keptFraction: number;
  /** Lag statistics over all n samples (before dropping); 0 for an empty batch. */
  lagMin: number;
  lagMean: number;
  lagMax: number;
}

/**
 * Marks samples with currentVersion − policyVersion <= maxPolicyLag.
 * Shapes: policyVersions [n] (integers <= currentVersion); out.keep [n] optional.
 */
export function filterByPolicyLag(input: { policyVersions: Vec; currentVersion: number; maxPolicyLag: number; out?: Uint8Array }): PolicyLagResult {
  const { policyVersions: v, currentVersion, maxPolicyLag } = input;
  if (!Number.isSafeInteger(currentVersion)) throw new InvalidValueError('currentVersion', currentVersion, 'must be an integer');
  checkNonNegative('maxPolicyLag', maxPolicyLag);
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const x = v[i] as number;
    if (!Number.isSafeInteger(x) || x > currentVersion) {
      throw new InvalidValueError('policyVersions', x, `must be an integer <= currentVersion (${currentVersion})`, i);
    }
  }
  let keep = input.out;
  if (keep === undefined) keep = new Uint8Array(n);
  else checkLength('out', keep, n);
  let kept = 0;
  let lagMin = INF;
  let lagMax = 0;
  let lagSum = 0;
  for (let i = 0; i < n; i++) {
    const lag = currentVersion - (v[i] as number);
    const k = lag <= maxPolicyLag ? 1 : 0;
    keep[i] = k;
    kept += k;
    lagSum += lag;
    if (lag < lagMin) lagMin = lag;
    if (lag > lagMax) lagMax = lag;
  }
  return {
    keep,
    kept,
    dropped: n - kept,
    keptFraction: n === 0 ? 1 : kept / n,
    lagMin: n === 0 ? 0 : lagMin,
    lagMean: n === 0 ? 0 : lagSum / n,
    lagMax,
  };
}

/**
 * Learning-rate scale for a batch that kept `keptFraction` of its samples: max(minScale, keptFraction).
 * Multiply the optimiser's learning rate by it for this update.
 */
export function lagLrScale(keptFraction: number, minScale = 0): number {
  if (!(keptFraction >= 0 && keptFraction <= 1)) throw new InvalidValueError('keptFraction', keptFraction, 'must be in [0, 1]');
  if (!(minScale >= 0 && minScale <= 1)) throw new InvalidValueError('minScale', minScale, 'must be in [0, 1]');
  return max(minScale, keptFraction);
}
