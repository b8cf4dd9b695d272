// Per-batch diagnostics that need no gradients, as thin adapters from Rollout columns to the
// @ala/rl-core reference functions: the policy-lag filter (with advised fraction), IS weight
// statistics of π_prox/μ (plus KL(μ‖π_k)), explained variance on the kept samples.
// Must not: touch TF.js or re-implement a formula that rl-core already has.
import { explainedVariance, filterByPolicyLag, isWeightStats } from '@ala/rl-core';
import { RolloutShapeError } from './errors';
import type { UpdateMetrics } from './metrics';
import type { Column } from './rollout';

/** The IS fields of UpdateMetrics (documented there). */
export type IsStats = Pick<UpdateMetrics, 'isWeightMean' | 'isWeightMax' | 'isWeightP99' | 'isTruncatedFrac' | 'essOverN' | 'klMuPi'>;

/**
 * Statistics of the untruncated weights w_i = π_prox/μ = exp(logRho_i) over the indices `keep`
 * (rl-core isWeightStats, truncation counted at c̄), and KL(μ‖π_k) ≈ mean(logpMu − logpPk) (the
 * samples are drawn from μ). logRho = logpProx − logpMu is the learner's, shared with V-trace.
 */
export function isStats(keep: Int32Array, logRho: Column, logpMu: Column, logpPk: Column, cBar: number): IsStats {
  const n = keep.length;
  if (n === 0) return { isWeightMean: 0, isWeightMax: 0, isWeightP99: 0, isTruncatedFrac: 0, essOverN: 0, klMuPi: 0 };
  const w = new Float64Array(n);
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const i = keep[k]!;
    w[k] = Math.exp(logRho[i]!);
    kl += logpMu[i]! - logpPk[i]!;
  }
  // Tolerance: float32 log-probs make an on-policy π_prox/μ = 1 ± 1e-7, which is not a truncation.
  const s = isWeightStats(w, cBar * (1 + 1e-6));
  return {
    isWeightMean: s.mean,
    isWeightMax: s.max,
    isWeightP99: s.p99,
    isTruncatedFrac: s.truncatedFraction,
    essOverN: s.essOverN,
    klMuPi: kl / n,
  };
}

export interface LagStats {
  /** Indices of samples within maxPolicyLag. */
  readonly keep: Int32Array;
  readonly keptFraction: number;
  readonly policyLagMin: number;
  readonly policyLagMean: number;
  readonly policyLagMax: number;
  readonly advisedFrac: number;
}

/**
 * Lag filter (rl-core filterByPolicyLag): keep samples with currentVersion − policyVersion <=
 * maxPolicyLag. A sample from a version newer than the learner's is a RolloutShapeError.
 */
export function lagFilter(policyVersion: Column, advised: Column, currentVersion: number, maxPolicyLag: number): LagStats {
  let r: ReturnType<typeof filterByPolicyLag>;
  try {
    r = filterByPolicyLag({ policyVersions: policyVersion, currentVersion, maxPolicyLag });
  } catch (err) {
    throw new RolloutShapeError(`policyVersion: ${(err as Error).message}`, 'policyVersion', `<= ${currentVersion}`, 'newer', { cause: err });
  }
  const keep = new Int32Array(r.kept);
  let j = 0;
  let advisedCount = 0;
  for (let i = 0; i < r.keep.length; i++) {
    if (r.keep[i]) keep[j++] = i;
    if (advised[i]) advisedCount++;
  }
  const n = policyVersion.length;
  return {
    keep,
    keptFraction: r.keptFraction,
    policyLagMin: r.lagMin,
    policyLagMean: r.lagMean,
    policyLagMax: r.lagMax,
    advisedFrac: n ? advisedCount / n : 0,
  };
}

/** rl-core explainedVariance on the kept samples (NaN when the returns have no variance). */
export function keptExplainedVariance(keep: Int32Array, yPred: Column, yTrue: Column): number {
  if (keep.length === 0) return Number.NaN;
  const p = new Float64Array(keep.length);
  const t = new Float64Array(keep.length);
  keep.forEach((i, k) => {
    p[k] = yPred[i]!;
    t[k] = yTrue[i]!;
  });
  return explainedVariance(p, t);
}
