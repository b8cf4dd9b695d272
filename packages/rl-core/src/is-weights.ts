// Importance-sampling corrections for samples drawn from the biased behaviour policy
// μ = softmax(z + βb) (docs/architecture.md, "Learning with biased samples"). For each sample this returns the ratio that PPO clips
// and a detached multiplier:
//   seed      ratio = exp(logπ_θ − logπ_old − β·b[a])   weight = 1    (the paper's formula; omits
//             the normaliser Z(s) = Σ_a' π_old(a') e^{βb_a'}, so E_μ[ratio·f] = E_π[f] / Z(s))
//   exact     ratio = exp(logπ_θ − log μ)                 weight = 1
//   decoupled ratio = exp(logπ_θ − logπ_prox)             weight = min(c̄, π_prox/μ)
//             (Hilton, Cobbe, Schulman 2022, "Batch size-invariance for policy optimization",
//             arXiv:2110.00641, §3 "decoupled objective"; truncation as in V-trace/IMPALA, arXiv:1802.01561)
// and the statistics logged per update (mean, max, p99, truncated fraction, ESS/N).
// Must not: differentiate anything (the learner re-implements the loss in TF.js), or mutate inputs.
import { checkAllFinite, checkLength, outBuffer, type OutVec, type Vec } from './check';
import { InvalidValueError } from './errors';

// Module-local aliases: a global `Math` lookup per call is ~50x slower inside jest's vm sandbox.
const { exp, floor, min } = Math;
const INF = Infinity;

export type IsMode = 'seed' | 'exact' | 'decoupled';
export const IS_MODES: readonly IsMode[] = ['seed', 'exact', 'decoupled'];

/** The behaviour columns the modes read; every array [n]. */
export interface IsCorrectionInput {
  mode: IsMode;
  /** log π_old(a|s) = logp_pk recorded by the actor (seed mode), [n]. */
  oldLogp?: Vec;
  /** β·b[a], the bias on the action taken (seed mode), [n]. */
  biasTaken?: Vec;
  /** log μ(a|s) = logp_mu recorded by the actor (exact, decoupled), [n]. */
  logpMu?: Vec;
  /** log π_prox(a|s), the policy at the start of this update (decoupled), [n]. */
  proxLogp?: Vec;
  /** c̄: truncation of π_prox/μ in decoupled mode (default Infinity = no truncation). */
  cBar?: number;
}

export interface IsCorrection {
  /** The log-prob the ratio is taken against: ratio = exp(logπ_θ − logpRef), [n]. */
  logpRef: Float64Array;
  /** Detached per-sample multiplier of the clipped surrogate, [n] (1 except in decoupled mode). */
  weight: Float64Array;
  /** Number of samples whose weight was truncated at c̄. */
  truncated: number;
}

export interface IsWeightsInput extends IsCorrectionInput {
  /** log π_θ(a|s) under the parameters being optimised, [n]. */
  newLogp: Vec;
  out?: { ratio: OutVec; weight: OutVec };
}

export interface IsWeightsResult {
  /** The ratio PPO clips around 1, [n]. */
  ratio: OutVec;
  /** Detached per-sample multiplier of the clipped surrogate, [n] (1 except in decoupled mode). */
  weight: OutVec;
  /** Number of samples whose weight was truncated at c̄. */
  truncated: number;
}

function need(mode: IsMode, name: string, v: Vec | undefined, n?: number): Vec {
  if (v === undefined) throw new InvalidValueError(name, undefined, `is required in '${mode}' mode`);
  if (n !== undefined) checkLength(name, v, n);
  checkAllFinite(name, v);
  return v;
}

/**
 * The mode table above without π_θ: per sample the log-prob the ratio is taken against and the
 * detached weight. The learner calls this on the stored columns (π_θ only exists inside its
 * TF.js loss); isWeights adds the ratio. `n` is the length every column must have (default:
 * that of the mode's first column). Shapes: every array [n].
 */
export function isCorrection(input: IsCorrectionInput, n?: number): IsCorrection {
  const mode = input.mode;
  const cBar = input.cBar ?? INF;
  if (!(cBar > 0)) throw new InvalidValueError('cBar', cBar, 'must be > 0');
  let a: Vec;
  let b: Vec | undefined;
  let base: Vec | undefined;
  if (mode === 'seed') {
    a = need(mode, 'oldLogp', input.oldLogp, n);
    b = need(mode, 'biasTaken', input.biasTaken, a.length);
  } else if (mode === 'exact') {
    a = need(mode, 'logpMu', input.logpMu, n);
  } else if (mode === 'decoupled') {
    a = need(mode, 'proxLogp', input.proxLogp, n);
    base = need(mode, 'logpMu', input.logpMu, a.length);
  } else {
    throw new InvalidValueError('mode', mode, `must be one of ${IS_MODES.join(', ')}`);
  }
  const len = a.length;
  const logpRef = new Float64Array(len);
  const weight = new Float64Array(len);
  let truncated = 0;
  for (let i = 0; i < len; i++) {
    logpRef[i] = (a[i] as number) + (b === undefined ? 0 : (b[i] as number));
    if (base === undefined) {
      weight[i] = 1;
    } else {
      // Decoupled weight min(c̄, π_prox/μ)
      const w = exp((a[i] as number) - (base[i] as number));
      if (w > cBar) truncated++;
      weight[i] = min(cBar, w);
    }
  }
  return { logpRef, weight, truncated };
}

/** Per-sample IS ratio and weight for one of the three modes (isCorrection plus the ratio). Shapes: every array [n]. */
export function isWeights(input: IsWeightsInput): IsWeightsResult {
  const { newLogp } = input;
  const n = newLogp.length;
  checkAllFinite('newLogp', newLogp);
  const c = isCorrection(input, n);
  const ratio = outBuffer('out.ratio', input.out?.ratio, n);
  const weight = outBuffer('out.weight', input.out?.weight, n);
  for (let i = 0; i < n; i++) {
    ratio[i] = exp((newLogp[i] as number) - (c.logpRef[i] as number));
    weight[i] = c.weight[i] as number;
  }
  return { ratio, weight, truncated: c.truncated };
}

export interface WeightStats {
  mean: number;
  max: number;
  /** 99th percentile, linear interpolation between order statistics (NumPy's default). */
  p99: number;
  /** Fraction of weights above c̄ (0 when c̄ is not given). */
  truncatedFraction: number;
  /** Kish effective sample size over N: (Σw)² / (N·Σw²), in (0, 1]. */
  essOverN: number;
}

/**
 * Statistics of raw (untruncated) importance weights, e.g. π_prox/μ or π_old/μ = exp(logp_pk − logp_mu).
 * Shapes: weights [n], n >= 1. Allocates one sorted copy (for p99).
 */
export function isWeightStats(weights: Vec, cBar?: number): WeightStats {
  const n = weights.length;
  if (n === 0) throw new InvalidValueError('weights', n, 'at least one weight is needed');
  let sum = 0;
  let sq = 0;
  let max = -INF;
  let over = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (!(w >= 0) || w === INF) throw new InvalidValueError('weights', w, 'must be finite and >= 0', i);
    sum += w;
    sq += w * w;
    if (w > max) max = w;
    if (cBar !== undefined && w > cBar) over++;
  }
  const sorted = Float64Array.from(weights).sort();
  const pos = 0.99 * (n - 1);
  const lo = floor(pos);
  const hi = min(n - 1, lo + 1);
  const p99 = (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
  return { mean: sum / n, max, p99, truncatedFraction: over / n, essOverN: sq > 0 ? (sum * sum) / (n * sq) : 0 };
}
