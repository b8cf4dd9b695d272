// The IS study (docs/is-correction.md): a contextual bandit with a tabular softmax policy, where
// the true on-policy policy gradient is known in closed form, g[s,a] = d(s)·π(a|s)·(r(s,a) − V(s))
// (since ∂ log π(a'|s)/∂θ[s,a] = 1[a'=a] − π(a|s) and Σ_a' π(a'|s)(r(s,a') − V(s)) = 0).
// Samples come from the biased behaviour policy μ = softmax(θ_s + βb_s); each IS mode turns them
// into the first PPO gradient of an update (θ = θ_old = θ_prox) through @ala/rl-core's own
// isWeights and clippedSurrogateGrad, and the estimate is compared with g. Both the Monte-Carlo
// estimate and its exact expectation over μ (the estimator's bias, free of sampling noise) are
// computed, plus the noise floor tr(Cov)/(2N‖ḡ‖²) ≈ E[1 − cos] due to sampling alone.
// Research code: it lives with the benchmark that runs it (is-study.ts), not in the library.
// Must not: use unseeded randomness, or any formula for the modes other than rl-core's.
import { biasedLogits, clippedSurrogateGrad, createRng, isWeights, logSoftmax, randInt, randn, sampleCategorical, type IsMode, type Rng } from '@ala/rl-core';

// Module-local aliases: a global `Math` lookup per call is ~50x slower inside jest's vm sandbox.
const { exp, sqrt } = Math;
const INF = Infinity;

/** How advice is laid over the bandit's states. */
export type AdviceKind = 'boost-best' | 'boost-random' | 'dense' | 'uniform';
export const ADVICE_KINDS: readonly AdviceKind[] = ['boost-best', 'boost-random', 'dense', 'uniform'];

export interface Bandit {
  nStates: number;
  nActions: number;
  /** State distribution d(s), [K]. */
  d: Float64Array;
  /** log π(a|s), [K*A]. */
  logPi: Float64Array;
  /** Mean reward r(s,a), [K*A]. */
  reward: Float64Array;
}

/** Seeded random bandit: θ ~ N(0, 1), r ~ U[0, 1), d(s) ∝ 1 + U[0, 1). */
export function makeBandit(nStates: number, nActions: number, rng: Rng): Bandit {
  const theta = new Float64Array(nStates * nActions);
  const reward = new Float64Array(nStates * nActions);
  for (let i = 0; i < theta.length; i++) {
    theta[i] = randn(rng);
    reward[i] = rng.nextFloat();
  }
  const d = new Float64Array(nStates);
  let total = 0;
  for (let s = 0; s < nStates; s++) total += d[s] = 1 + rng.nextFloat();
  for (let s = 0; s < nStates; s++) d[s] = (d[s] as number) / total;
  const logPi = new Float64Array(nStates * nActions);
  for (let s = 0; s < nStates; s++) logPi.set(logSoftmax(theta.subarray(s * nActions, (s + 1) * nActions)), s * nActions);
  return { nStates, nActions, d, logPi, reward };
}

/**
 * Advice bias b[s,a] with |b| <= B: boost-best = B on the best action, boost-random = B on a
 * random action, dense = U[−B, B] per action, uniform = B on every action (changes nothing in μ).
 */
export function adviceBias(bandit: Bandit, kind: AdviceKind, B: number, rng: Rng): Float64Array {
  const { nStates: K, nActions: A, reward } = bandit;
  const b = new Float64Array(K * A);
  for (let s = 0; s < K; s++) {
    if (kind === 'dense') for (let a = 0; a < A; a++) b[s * A + a] = B * (2 * rng.nextFloat() - 1);
    else if (kind === 'uniform') b.fill(B, s * A, (s + 1) * A);
    else {
      let best = 0;
      for (let a = 1; a < A; a++) if ((reward[s * A + a] as number) > (reward[s * A + best] as number)) best = a;
      b[s * A + (kind === 'boost-best' ? best : randInt(rng, A))] = B;
    }
  }
  return b;
}

function value(bandit: Bandit, s: number): number {
  let v = 0;
  for (let a = 0; a < bandit.nActions; a++) v += exp(bandit.logPi[s * bandit.nActions + a] as number) * (bandit.reward[s * bandit.nActions + a] as number);
  return v;
}

/** True gradient of J(θ) = Σ_s d(s) Σ_a π(a|s) r(s,a): g[s,a] = d(s) π(a|s) (r(s,a) − V(s)), [K*A]. */
export function trueGradient(bandit: Bandit): Float64Array {
  const { nStates: K, nActions: A } = bandit;
  const g = new Float64Array(K * A);
  for (let s = 0; s < K; s++) {
    const v = value(bandit, s);
    for (let a = 0; a < A; a++) g[s * A + a] = (bandit.d[s] as number) * exp(bandit.logPi[s * A + a] as number) * ((bandit.reward[s * A + a] as number) - v);
  }
  return g;
}

/** Z(s) = Σ_a π(a|s)·e^{β·b[s,a]}, the normaliser the seed formula omits, [K]. */
export function partitionZ(bandit: Bandit, bias: Float64Array, beta: number): Float64Array {
  const { nStates: K, nActions: A } = bandit;
  const Z = new Float64Array(K);
  for (let s = 0; s < K; s++) {
    let z = 0;
    for (let a = 0; a < A; a++) z += exp((bandit.logPi[s * A + a] as number) + beta * (bias[s * A + a] as number));
    Z[s] = z;
  }
  return Z;
}

export interface StudySetting {
  bandit: Bandit;
  /** b[s,a], [K*A]. */
  bias: Float64Array;
  beta: number;
  mode: IsMode;
  clipCoef: number;
  /** c̄ for decoupled mode. */
  cBar: number;
}

/** log μ(a|s), [K*A]. */
function behaviourLogp(x: StudySetting): Float64Array {
  const { nStates: K, nActions: A } = x.bandit;
  const lmu = new Float64Array(K * A);
  for (let s = 0; s < K; s++) {
    const z = x.bandit.logPi.subarray(s * A, (s + 1) * A);
    lmu.set(logSoftmax(biasedLogits(z, x.bias.subarray(s * A, (s + 1) * A), x.beta)), s * A);
  }
  return lmu;
}

/**
 * Per-(s,a) coefficient c such that a sample (s, a) contributes c·(e_a − π(·|s)) to the ascent
 * direction, computed with isWeights + clippedSurrogateGrad (coefficient = −∂L/∂logπ_θ(a)).
 */
function coefficients(x: StudySetting, lmu: Float64Array): Float64Array {
  const { nStates: K, nActions: A, logPi, reward } = x.bandit;
  const adv = new Float64Array(K * A);
  const biasTaken = new Float64Array(K * A);
  for (let s = 0; s < K; s++) {
    const v = value(x.bandit, s);
    for (let a = 0; a < A; a++) {
      adv[s * A + a] = (reward[s * A + a] as number) - v;
      biasTaken[s * A + a] = x.beta * (x.bias[s * A + a] as number);
    }
  }
  const w = isWeights({ mode: x.mode, newLogp: logPi, oldLogp: logPi, proxLogp: logPi, logpMu: lmu, biasTaken, cBar: x.cBar });
  const grad = clippedSurrogateGrad({ ratio: w.ratio, advantages: adv, clipCoef: x.clipCoef, weight: w.weight });
  return Float64Array.from(grad, (v) => -v);
}

function addSample(out: Float64Array, bandit: Bandit, s: number, a: number, c: number): void {
  const A = bandit.nActions;
  for (let k = 0; k < A; k++) out[s * A + k] = (out[s * A + k] as number) - c * exp(bandit.logPi[s * A + k] as number);
  out[s * A + a] = (out[s * A + a] as number) + c;
}

export interface Estimate {
  /** Exact expectation of the estimator over s ~ d, a ~ μ (its bias, no sampling noise), [K*A]. */
  expected: Float64Array;
  /** Monte-Carlo estimate from nSamples samples, [K*A]. */
  sampled: Float64Array;
  /** tr(Cov) / (2·N·‖expected‖²): expected 1 − cos(sampled, expected) from sampling noise alone. */
  noiseFloor: number;
}

/** Expected and sampled first PPO gradient (ascent direction) of one mode. */
export function estimateGradient(x: StudySetting, nSamples: number, rng: Rng): Estimate {
  const { nStates: K, nActions: A } = x.bandit;
  const lmu = behaviourLogp(x);
  const coef = coefficients(x, lmu);
  const expected = new Float64Array(K * A);
  let secondMoment = 0; // E‖h‖² of the per-sample vector h = c·(e_a − π(·|s))
  for (let s = 0; s < K; s++) {
    let piSq = 0;
    for (let k = 0; k < A; k++) piSq += exp(2 * (x.bandit.logPi[s * A + k] as number));
    for (let a = 0; a < A; a++) {
      const p = (x.bandit.d[s] as number) * exp(lmu[s * A + a] as number);
      const c = coef[s * A + a] as number;
      addSample(expected, x.bandit, s, a, p * c);
      const pia = exp(x.bandit.logPi[s * A + a] as number);
      secondMoment += p * c * c * (1 - 2 * pia + piSq);
    }
  }
  const sampled = new Float64Array(K * A);
  const muRow = new Float64Array(A);
  for (let i = 0; i < nSamples; i++) {
    const s = sampleCategorical(x.bandit.d, rng);
    for (let a = 0; a < A; a++) muRow[a] = exp(lmu[s * A + a] as number);
    const a = sampleCategorical(muRow, rng);
    addSample(sampled, x.bandit, s, a, (coef[s * A + a] as number) / nSamples);
  }
  const e2 = dot(expected, expected);
  return { expected, sampled, noiseFloor: e2 > 0 ? (secondMoment - e2) / (2 * nSamples * e2) : INF };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** cos(a, b); 0 when either is the zero vector. */
export function cosine(a: Float64Array, b: Float64Array): number {
  const n = sqrt(dot(a, a) * dot(b, b));
  return n > 0 ? dot(a, b) / n : 0;
}

/** ‖est − truth‖ / ‖truth‖. */
export function relativeError(est: Float64Array, truth: Float64Array): number {
  let s = 0;
  for (let i = 0; i < est.length; i++) s += ((est[i] as number) - (truth[i] as number)) ** 2;
  return sqrt(s / dot(truth, truth));
}

export interface IsStudyOptions {
  nStates?: number;
  nActions?: number;
  betaBs?: readonly number[];
  advice?: readonly AdviceKind[];
  modes?: readonly IsMode[];
  clipCoef?: number;
  /** c̄ for decoupled mode (default Infinity: no truncation; |log π/μ| <= 2βB bounds the weight anyway). */
  cBar?: number;
  nSamples?: number;
  seed?: number;
}

export interface IsStudyRow {
  advice: AdviceKind;
  betaB: number;
  mode: IsMode;
  /** cos and relative norm error of the Monte-Carlo estimate vs the true gradient. */
  cosine: number;
  relError: number;
  /** The same for the estimator's exact expectation (bias only). */
  cosineExpected: number;
  relErrorExpected: number;
  noiseFloor: number;
}

/** Runs the study grid (β = 1, B = βB): one row per advice kind × βB × mode. Deterministic in `seed`. */
export function runIsStudy(opts: IsStudyOptions = {}): IsStudyRow[] {
  const seed = opts.seed ?? 2024;
  const bandit = makeBandit(opts.nStates ?? 10, opts.nActions ?? 6, createRng(seed));
  const truth = trueGradient(bandit);
  const rows: IsStudyRow[] = [];
  for (const advice of opts.advice ?? ['boost-best', 'boost-random', 'dense']) {
    for (const betaB of opts.betaBs ?? [0.25, 0.5, 1, 2]) {
      const bias = adviceBias(bandit, advice, betaB, createRng(seed + 1));
      for (const mode of opts.modes ?? ['seed', 'exact', 'decoupled']) {
        const setting: StudySetting = { bandit, bias, beta: 1, mode, clipCoef: opts.clipCoef ?? 0.2, cBar: opts.cBar ?? INF };
        const est = estimateGradient(setting, opts.nSamples ?? 200_000, createRng(seed + 2)); // common random numbers across modes
        rows.push({
          advice,
          betaB,
          mode,
          cosine: cosine(est.sampled, truth),
          relError: relativeError(est.sampled, truth),
          cosineExpected: cosine(est.expected, truth),
          relErrorExpected: relativeError(est.expected, truth),
          noiseFloor: est.noiseFloor,
        });
      }
    }
  }
  return rows;
}
