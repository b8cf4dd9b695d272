// Per-batch diagnostics that need no gradients: IS weight statistics, policy lag, advised
// fraction, explained variance. Plain JS over Rollout columns. Must not: touch TF.js.
import type { Column } from './rollout';

export interface IsStats {
  readonly isWeightMean: number;
  readonly isWeightMax: number;
  readonly isWeightP99: number;
  readonly isTruncatedFrac: number;
  readonly essOverN: number;
  readonly klMuPi: number;
}

/**
 * Statistics of w_i = exp(logpProx_i − logpMu_i) over the indices `keep`.
 * ESS/N = (Σw)² / (N Σw²) (Kong 1992; e.g. https://arxiv.org/abs/1602.03572 §2).
 */
export function isStats(keep: Int32Array, logpProx: Column, logpMu: Column, logpPk: Column, isClip: number): IsStats {
  const n = keep.length;
  if (n === 0) return { isWeightMean: 0, isWeightMax: 0, isWeightP99: 0, isTruncatedFrac: 0, essOverN: 0, klMuPi: 0 };
  const w = new Float64Array(n);
  let sum = 0;
  let sumSq = 0;
  let max = 0;
  let truncated = 0;
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const i = keep[k]!;
    const wi = Math.exp(logpProx[i]! - logpMu[i]!);
    w[k] = wi;
    sum += wi;
    sumSq += wi * wi;
    if (wi > max) max = wi;
    if (wi > isClip * (1 + 1e-6)) truncated++; // tolerance: float32 log-probs make π_prox/μ = 1 ± 1e-7
    kl += logpMu[i]! - logpPk[i]!;
  }
  w.sort();
  const p99 = w[Math.min(n - 1, Math.ceil(0.99 * n) - 1)]!;
  return { isWeightMean: sum / n, isWeightMax: max, isWeightP99: p99, isTruncatedFrac: truncated / n, essOverN: (sum * sum) / (n * sumSq), klMuPi: kl / n };
}

export interface LagStats {
  /** Indices of samples within maxPolicyLag. */
  readonly keep: Int32Array;
  readonly policyLagMin: number;
  readonly policyLagMean: number;
  readonly policyLagMax: number;
  readonly advisedFrac: number;
}

/** Lag filter: keep samples with currentVersion − policyVersion <= maxPolicyLag (lags < 0 count as 0). */
export function lagFilter(policyVersion: Column, advised: Column, currentVersion: number, maxPolicyLag: number): LagStats {
  const n = policyVersion.length;
  const keep: number[] = [];
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let advisedCount = 0;
  for (let i = 0; i < n; i++) {
    const lag = Math.max(0, currentVersion - policyVersion[i]!);
    if (lag < min) min = lag;
    if (lag > max) max = lag;
    sum += lag;
    if (advised[i]) advisedCount++;
    if (lag <= maxPolicyLag) keep.push(i);
  }
  return { keep: Int32Array.from(keep), policyLagMin: n ? min : 0, policyLagMean: n ? sum / n : 0, policyLagMax: n ? max : 0, advisedFrac: n ? advisedCount / n : 0 };
}

/** 1 − Var(y − ŷ)/Var(y) over `keep` (CleanRL explained_var; NaN when Var(y) = 0). */
export function explainedVariance(keep: Int32Array, yPred: Column, yTrue: Column): number {
  const n = keep.length;
  if (n === 0) return Number.NaN;
  let mt = 0;
  let md = 0;
  for (let k = 0; k < n; k++) {
    const i = keep[k]!;
    mt += yTrue[i]!;
    md += yTrue[i]! - yPred[i]!;
  }
  mt /= n;
  md /= n;
  let vt = 0;
  let vd = 0;
  for (let k = 0; k < n; k++) {
    const i = keep[k]!;
    vt += (yTrue[i]! - mt) ** 2;
    vd += (yTrue[i]! - yPred[i]! - md) ** 2;
  }
  return vt === 0 ? Number.NaN : 1 - vd / vt;
}
