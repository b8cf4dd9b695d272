// Bounding advice bias and recording its effect on one step. The router bounds a bias with
// clipBias (|b|∞ <= B, optional L2 cap, optional boost-only); the actor, which has the logits,
// can shrink it further to a KL budget with scaleBiasToKl and records the behaviour quantities
// with behaviourRecord. With μ = softmax(z + βb) and π = softmax(z):
//   log Z = logsumexp(z + βb) − logsumexp(z) = log Σ_a π(a) e^{βb_a},
//   log μ(a) = log π(a) + βb_a − log Z,   KL(μ||π) = E_μ[βb] − log Z.
// KL(softmax(z + sβb) || softmax(z)) is non-decreasing in s >= 0: its derivative is
// s·Var_{μ_s}(βb) (exponential-family tilt), so a bracketed search on s in [0, 1] (safeguarded
// Newton steps with that slope, bisection fallback) finds the largest admissible scale. Must not: make a masked (-Infinity) logit finite, or return a scale whose KL
// exceeds the budget.
import { checkFinite, checkLength, checkLogits, checkNonNegative, outBuffer, type Flags, type OutVec, type Vec, isFiniteNum } from './check';
import { InvalidValueError, NoLegalActionError } from './errors';
import { isLegal, logsumexpRow } from './softmax';
import { expNonPositive } from './fast-exp';

import { hotMath } from './math';

const { abs, exp, log, max, min, sqrt, INF } = hotMath;

export interface ClipBiasOptions {
  /** Optional cap on ||b||₂ applied after the per-component clip (scales the whole vector). */
  l2Cap?: number;
  /** Boost-only mode: negative components become 0 (advice can only promote actions). */
  boostOnly?: boolean;
  /** Actions with mask 0 get bias 0 (they stay masked regardless; this keeps norms honest). */
  mask?: Flags;
  out?: OutVec;
}

/**
 * Bounds an advice bias: clip each component to [-B, B] (or [0, B] when boostOnly), zero masked
 * actions, then scale down to ||b||₂ <= l2Cap if given. Shapes: bias [A], mask [A], out [A].
 */
export function clipBias(bias: Vec, B: number, options: ClipBiasOptions = {}): OutVec {
  checkNonNegative('B', B);
  const n = bias.length;
  for (let a = 0; a < n; a++) {
    const b = bias[a] as number;
    if (!isFiniteNum(b)) throw new InvalidValueError('bias', b, 'must be finite', a);
  }
  const { l2Cap, boostOnly = false, mask } = options;
  if (l2Cap !== undefined) checkNonNegative('l2Cap', l2Cap);
  if (mask !== undefined) checkLength('mask', mask, n);
  const o = outBuffer('out', options.out, n);
  const lo = boostOnly ? 0 : -B;
  let sq = 0;
  for (let a = 0; a < n; a++) {
    const b = mask !== undefined && !mask[a] ? 0 : min(B, max(lo, bias[a] as number));
    o[a] = b;
    sq += b * b;
  }
  if (l2Cap !== undefined && sq > l2Cap * l2Cap) {
    const k = l2Cap / sqrt(sq);
    for (let a = 0; a < n; a++) o[a] = (o[a] as number) * k;
  }
  return o;
}

/**
 * Internal: KL(softmax(z + s·β·b) || softmax(z)) for one row (z at zoff, b at boff, mask at zoff).
 * `lseZ` is logsumexp(z) over legal actions. Uses KL = E_μ[sβb] − (lse(z + sβb) − lse(z)).
 */
export function klScaledRow(z: Vec, zoff: number, b: Vec, boff: number, n: number, mask: Flags | undefined, sBeta: number, lseZ: number): number {
  let m = -INF;
  for (let a = 0; a < n; a++) {
    const v = z[zoff + a] as number;
    if (v === -INF || (mask !== undefined && !mask[zoff + a])) continue;
    const y = v + sBeta * (b[boff + a] as number);
    if (y > m) m = y;
  }
  let s = 0;
  let eb = 0;
  for (let a = 0; a < n; a++) {
    const v = z[zoff + a] as number;
    if (v === -INF || (mask !== undefined && !mask[zoff + a])) continue;
    const sb = sBeta * (b[boff + a] as number);
    const e = exp(v + sb - m);
    s += e;
    eb += e * sb;
  }
  const logZ = m + log(s) - lseZ;
  return max(0, eb / s - logZ); // >= 0 in exact arithmetic; clamp rounding noise
}

/** Internal: largest s in [0, 1] with KL(s) <= epsilon by bisection; assumes validated input. */
export function scaleToKlRow(
  z: Vec,
  zoff: number,
  b: Vec,
  boff: number,
  n: number,
  mask: Flags | undefined,
  beta: number,
  epsilon: number,
  lseZ: number,
  tol: number,
  maxIter: number,
): number {
  if (klScaledRow(z, zoff, b, boff, n, mask, beta, lseZ) <= epsilon) return 1;
  let lo = 0; // KL(lo) <= epsilon always holds (KL(0) = 0)
  let hi = 1;
  for (let k = 0; k < maxIter && hi - lo > tol; k++) {
    const mid = 0.5 * (lo + hi);
    if (klScaledRow(z, zoff, b, boff, n, mask, mid * beta, lseZ) <= epsilon) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** |s·β·b| above which klScaleSearch's shifted exponentials could underflow: callers bisect instead. */
export const KL_SEARCH_MAX_BIAS = 300;
let klSlope = 0; // dKL/ds at the last klTilted evaluation (module scratch: no per-call allocation)

/**
 * KL(μ_s||π) for μ_s ∝ π·e^{s·c} in one pass, with ez[a] = exp(z_a − max z) (0 if illegal),
 * c = β·b, cM = max legal c and sZ = Σ ez. With w = ez·e^{s(c−cM)}: KL = s·E_μ[c − cM] − log(Σw/sZ).
 * Also leaves dKL/ds = s·Var_μs(c) in klSlope (exponential-family tilt).
 */
function klTilted(ez: Float64Array, c: Float64Array, n: number, cM: number, sZ: number, s: number): number {
  let S = 0;
  let S1 = 0;
  let S2 = 0;
  for (let a = 0; a < n; a++) {
    const e = ez[a] as number;
    if (e > 0) {
      const d = (c[a] as number) - cM;
      const w = e * expNonPositive(s * d);
      S += w;
      S1 += w * d;
      S2 += w * d * d;
    }
  }
  const m1 = S1 / S;
  klSlope = s * max(0, S2 / S - m1 * m1);
  return max(0, s * m1 - log(S / sZ));
}

/**
 * Internal: largest s in [0, 1] with KL(μ_s||π) <= epsilon, as scaleToKlRow but by safeguarded
 * Newton steps on the monotone √KL(s) (KL' = s·Var_μs(c)) from `guess` (e.g. the previous step's
 * scale), keeping a bracket [lo feasible, hi infeasible] and bisecting when a step leaves it
 * (or after 8 evaluations). Stops when hi − lo <= tol: once a Newton step moves less than tol/2
 * it probes s ± tol to close the bracket. Typically 3-5 one-pass evaluations per row. Inputs as klTilted; requires max|c| <= KL_SEARCH_MAX_BIAS.
 */
export function klScaleSearch(
  ez: Float64Array,
  c: Float64Array,
  n: number,
  cM: number,
  sZ: number,
  epsilon: number,
  tol: number,
  maxIter: number,
  guess: number,
): number {
  // Inside the search a hair of margin keeps the answer feasible for callers that recompute KL
  // with Math.exp (rounding differs by ~1e-16); the scale moves by far less than tol.
  const eps = epsilon * (1 - 1e-9) - 1e-15;
  let lo = 0;
  let hi = 1;
  let hiKnown = false; // s = 1 not yet evaluated (a warm start skips it when the guess lands)
  let s = guess > 0 && guess < 1 ? guess : 1;
  const rootEps = sqrt(max(0, eps));
  for (let k = 0; k < maxIter && hi - lo > tol; k++) {
    // After 8 evaluations plain bisection takes over, so the bracket always closes.
    if (!hiKnown && s >= 1) s = 1;
    else if (!(s > lo && s < hi) || k >= 8) s = 0.5 * (lo + hi);
    const kl = klTilted(ez, c, n, cM, sZ, s);
    if (s === 1) {
      if (kl <= epsilon) return 1;
      hiKnown = true;
    }
    // Newton on √KL(s), nearly linear since KL ≈ s²·Var_π(c)/2 for small s: d√KL/ds = KL'/(2√KL).
    const rootKl = sqrt(kl);
    const next = kl > 0 && klSlope > 0 ? s - (2 * (rootKl - rootEps) * rootKl) / klSlope : NaN;
    if (kl <= eps) {
      lo = s;
      s = next - s < 0.5 * tol ? s + tol : next;
    } else {
      hi = s;
      hiKnown = true;
      s = s - next < 0.5 * tol ? s - tol : next;
    }
  }
  return lo;
}

export interface ScaleBiasToKlInput {
  /** Policy logits z, [A]. */
  logits: Vec;
  /** Bounded advice bias b, [A]. */
  bias: Vec;
  /** Bias strength β. */
  beta: number;
  /** KL budget ε >= 0 on KL(μ||π). */
  epsilon: number;
  mask?: Flags;
  /** Bisection stops when the bracket is narrower than this (default 1e-6). */
  tol?: number;
  /** At most this many bisection steps (default 60). */
  maxIter?: number;
}

/**
 * Largest scale s in [0, 1] with KL(softmax(z + sβb) || softmax(z)) <= ε, and that KL.
 * The returned scale always satisfies the budget (bisection keeps the feasible end).
 */
export function scaleBiasToKl(input: ScaleBiasToKlInput): { scale: number; kl: number } {
  const { logits, bias, beta, epsilon, mask } = input;
  const n = logits.length;
  checkLogits('logits', logits);
  checkLength('bias', bias, n);
  checkFinite('beta', beta);
  checkNonNegative('epsilon', epsilon);
  if (mask !== undefined) checkLength('mask', mask, n);
  for (let a = 0; a < n; a++) if (!isFiniteNum(bias[a] as number)) throw new InvalidValueError('bias', bias[a], 'must be finite', a);
  const lseZ = logsumexpRow(logits, 0, n, mask, 0);
  if (lseZ === -INF) throw new NoLegalActionError(0);
  const tol = input.tol ?? 1e-6;
  const maxIter = input.maxIter ?? 60;
  // Newton search on one-pass KL evaluations; bisection when β·b is huge or, as a guard, when
  // the Math.exp recomputation disagrees with the budget.
  let mZ = -INF;
  let cM = -INF;
  let bMax = 0;
  for (let a = 0; a < n; a++) {
    bMax = max(bMax, abs(bias[a] as number));
    if (!isLegal(logits[a] as number, mask, a)) continue;
    mZ = max(mZ, logits[a] as number);
    cM = max(cM, beta * (bias[a] as number));
  }
  let scale = -1;
  if (abs(beta) * bMax <= KL_SEARCH_MAX_BIAS) {
    const ez = new Float64Array(n);
    const c = new Float64Array(n);
    let sZ = 0;
    for (let a = 0; a < n; a++) {
      c[a] = beta * (bias[a] as number);
      if (isLegal(logits[a] as number, mask, a)) sZ += ez[a] = expNonPositive((logits[a] as number) - mZ);
    }
    scale = klScaleSearch(ez, c, n, cM, sZ, epsilon, tol, maxIter, -1);
    if (klScaledRow(logits, 0, bias, 0, n, mask, scale * beta, lseZ) > epsilon) scale = -1;
  }
  if (scale < 0) scale = scaleToKlRow(logits, 0, bias, 0, n, mask, beta, epsilon, lseZ, tol, maxIter);
  return { scale, kl: klScaledRow(logits, 0, bias, 0, n, mask, scale * beta, lseZ) };
}

/** What the actor records for one biased step (docs/architecture.md, "Acting with a bias"). */
export interface BehaviourRecord {
  /** log μ(a) = log_softmax(z + βb)[a]: the exact behaviour log-probability. */
  logpMu: number;
  /** log π(a) = log_softmax(z)[a]: the unbiased policy's log-probability. */
  logpPk: number;
  /** log Z = log Σ_a' π(a') e^{βb_a'}. */
  logZ: number;
  /** KL(μ || π) = E_μ[βb] − log Z. */
  klMuPi: number;
  /** β·b[a], the bias on the action taken. */
  biasTaken: number;
}

/** Behaviour quantities of taking `action` under μ = softmax(z + βb). Shapes: logits, bias, mask [A]. */
export function behaviourRecord(logits: Vec, bias: Vec, beta: number, action: number, mask?: Flags): BehaviourRecord {
  const n = logits.length;
  checkLogits('logits', logits);
  checkLength('bias', bias, n);
  checkFinite('beta', beta);
  if (mask !== undefined) checkLength('mask', mask, n);
  for (let a = 0; a < n; a++) if (!isFiniteNum(bias[a] as number)) throw new InvalidValueError('bias', bias[a], 'must be finite', a);
  if (!Number.isInteger(action) || action < 0 || action >= n) throw new InvalidValueError('action', action, `must be an integer in [0, ${n})`);
  if (!isLegal(logits[action] as number, mask, action)) throw new InvalidValueError('action', action, 'is masked');
  const lseZ = logsumexpRow(logits, 0, n, mask, 0);
  if (lseZ === -INF) throw new NoLegalActionError(0);
  const klMuPi = klScaledRow(logits, 0, bias, 0, n, mask, beta, lseZ);
  let m = -INF;
  for (let a = 0; a < n; a++) {
    if (!isLegal(logits[a] as number, mask, a)) continue;
    m = max(m, (logits[a] as number) + beta * (bias[a] as number));
  }
  let s = 0;
  for (let a = 0; a < n; a++) {
    if (isLegal(logits[a] as number, mask, a)) s += exp((logits[a] as number) + beta * (bias[a] as number) - m);
  }
  const lseY = m + log(s);
  const biasTaken = beta * (bias[action] as number);
  return { logpMu: (logits[action] as number) + biasTaken - lseY, logpPk: (logits[action] as number) - lseZ, logZ: lseY - lseZ, klMuPi, biasTaken };
}
