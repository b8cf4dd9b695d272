// The actor's hot path: for every agent of a batch, add the live bias, sample an action from
// μ = softmax(z + βb) and record logp_mu, logp_pk, β·b[a] and optionally KL(μ||π). actBatch runs
// on the WebAssembly kernel (act-kernel.ts, no allocation); actBatchJs is the plain JavaScript
// reference it is tested against and the path for a KL budget, a huge |β·b| and engines without
// WebAssembly SIMD (it allocates its row buffers per call and keeps no state between calls).
// Everything is validated in a first pass, so bad input throws before any output is written or
// the generator advances.
// Must not: make masked actions reachable, or consume more than one rng.nextFloat() per agent.
import { checkDim, checkFinite, checkLength, checkNonNegative, type Flags, type OutVec, type Vec, isFiniteNum } from './check';
import { InvalidValueError, NoLegalActionError } from './errors';
import type { Rng } from './rng';
import { KL_SEARCH_MAX_BIAS, klScaleSearch, scaleToKlRow } from './bias';
import { expNonPositive } from './fast-exp';
import { KERNEL_DONE, KERNEL_INVALID, runKernel } from './act-kernel';

// Module-local aliases: a global `Math` lookup per call is ~50x slower inside jest's vm sandbox.
const { abs, exp, log, max } = Math;
const INF = Infinity;
/** |β·s·b| above which the fast path could lose precision (e^{sβb} overflow or hidden underflow). */
const BIG = 300;

export interface ActBatchOutput {
  /** Sampled action per agent, [nAgents]. */
  action: Int32Array;
  /** log μ(a) = log_softmax(z + βb)[a], [nAgents]. */
  logpMu: OutVec;
  /** log π(a) = log_softmax(z)[a], [nAgents]. */
  logpPk: OutVec;
  /** β·s·b[a] actually applied to the action taken (0 when unbiased), [nAgents]. */
  biasTaken: OutVec;
  /** KL(μ||π) per agent, filled when present, [nAgents]. */
  kl?: OutVec;
  /** Applied bias scale s in [0, 1] per agent (1 unless klBudget shrank it), filled when present. */
  biasScale?: OutVec;
}

export interface ActBatchInput {
  /** Policy logits z, [nAgents*nActions] row-major; -Infinity = masked. */
  logits: Vec;
  /** Live bias b, [nAgents*nActions]; absent = no agent is advised. */
  bias?: Vec;
  /** Bias strength β. */
  beta: number;
  /** Legal-action mask (1 = legal), [nAgents*nActions]. */
  mask?: Flags;
  /** Per-agent switch: only agents with a truthy entry use their bias row, [nAgents]. */
  biasActive?: Flags;
  /** Optional per-step KL budget ε: each biased row is scaled by the largest s in [0,1] with KL(μ||π) <= ε. */
  klBudget?: number;
  /**
   * The caller's warm start of the KL-budget search, [nAgents]: actBatch reads each agent's
   * previous scale from it and writes the new one (values outside (0, 1), e.g. a fresh zeroed
   * array, mean no guess). Absent: every search starts cold. Results stay within the search
   * tolerance either way; the warm start saves Newton steps when the policy moves slowly.
   */
  klWarmStart?: Float64Array;
  nAgents: number;
  nActions: number;
  rng: Rng;
  out: ActBatchOutput;
}

/** The O(1) checks: dimensions, lengths, β and klBudget. */
function checkShapes(x: ActBatchInput): void {
  checkDim('nAgents', x.nAgents);
  checkDim('nActions', x.nActions);
  const nA = x.nActions;
  const total = x.nAgents * nA;
  checkLength('logits', x.logits, total);
  checkFinite('beta', x.beta);
  if (x.klBudget !== undefined) checkNonNegative('klBudget', x.klBudget);
  if (x.klWarmStart !== undefined) checkLength('klWarmStart', x.klWarmStart, x.nAgents);
  if (x.mask !== undefined) checkLength('mask', x.mask, total);
  if (x.bias !== undefined) checkLength('bias', x.bias, total);
  if (x.biasActive !== undefined) checkLength('biasActive', x.biasActive, x.nAgents);
  const o = x.out;
  checkLength('out.action', o.action, x.nAgents);
  checkLength('out.logpMu', o.logpMu, x.nAgents);
  checkLength('out.logpPk', o.logpPk, x.nAgents);
  checkLength('out.biasTaken', o.biasTaken, x.nAgents);
  if (o.kl !== undefined) checkLength('out.kl', o.kl, x.nAgents);
  if (o.biasScale !== undefined) checkLength('out.biasScale', o.biasScale, x.nAgents);
}

/** Per row: the legal maximum of z and the max |b| of the bias row in use (0 when unbiased). */
interface RowMaxima {
  readonly rowMax: Float64Array;
  readonly rowBiasMax: Float64Array;
}

/** Every check, with each row's legal maximum and max |b| as by-products. */
function validate(x: ActBatchInput): RowMaxima {
  checkShapes(x);
  const { logits, mask, bias, biasActive } = x;
  const nA = x.nActions;
  const rowMax = new Float64Array(x.nAgents);
  const rowBiasMax = new Float64Array(x.nAgents);
  for (let i = 0; i < x.nAgents; i++) {
    // Legal maximum of the row, kept for the sampling pass. Math.max propagates NaN and +Infinity,
    // so one comparison per row rejects both; -Infinity means no legal action. The bias row is
    // checked only where it is used; its max |b| picks the exact fallback for huge β·b.
    let m = -INF;
    let bad = -INF;
    let bm = 0; // max |b| of the row; NaN or Infinity if any entry is not finite (max propagates both)
    const off = i * nA;
    const rowBias = bias !== undefined && x.beta !== 0 && (biasActive === undefined || !!biasActive[i]) ? bias : undefined;
    if (mask === undefined) {
      if (rowBias === undefined) {
        // Two running maxima: one chain of dependent max() per row is latency-bound.
        let m1 = -INF;
        const end = off + nA;
        let a = off;
        for (; a + 1 < end; a += 2) {
          m = max(m, logits[a] as number);
          m1 = max(m1, logits[a + 1] as number);
        }
        if (a < end) m = max(m, logits[a] as number);
        m = max(m, m1);
      } else {
        for (let a = off; a < off + nA; a++) {
          m = max(m, logits[a] as number);
          bm = max(bm, abs(rowBias[a] as number));
        }
      }
      bad = m;
    } else {
      for (let a = off; a < off + nA; a++) {
        const v = logits[a] as number;
        bad = max(bad, v);
        if (mask[a]) m = max(m, v);
        if (rowBias !== undefined) bm = max(bm, abs(rowBias[a] as number));
      }
    }
    if (!(bad < INF)) {
      for (let a = off; a < off + nA; a++) {
        const v = logits[a] as number;
        if (v !== v || v === INF) throw new InvalidValueError('logits', v, 'logits must be finite or -Infinity', a);
      }
    }
    if (!(bm < INF) && rowBias !== undefined) {
      for (let a = off; a < off + nA; a++) if (!isFiniteNum(rowBias[a] as number)) throw new InvalidValueError('bias', rowBias[a], 'must be finite', a);
    }
    if (m === -INF) throw new NoLegalActionError(i);
    rowMax[i] = m;
    rowBiasMax[i] = bm;
  }
  return { rowMax, rowBiasMax };
}

/**
 * Samples one action per agent from μ = softmax(z + βb) and records the behaviour quantities.
 * Returns `out`. Runs on the WebAssembly kernel (act-kernel.ts) where available, except with a
 * KL budget or a |β·b| above BIG; otherwise, and as the reference in tests, on actBatchJs.
 */
export function actBatch(x: ActBatchInput): ActBatchOutput {
  if (x.klBudget === undefined) {
    checkShapes(x);
    const status = runKernel(x);
    if (status === KERNEL_DONE) return x.out;
    if (status === KERNEL_INVALID) {
      validate(x); // names the bad entry
      throw new Error('actBatch: the WebAssembly kernel refused input that validate() accepts (a bug)');
    }
  }
  return actBatchJs(x);
}

/**
 * actBatch in plain JavaScript: the reference the kernel is tested against, and the path for a KL
 * budget, |β·b| > BIG and engines without WebAssembly SIMD. Allocates its row buffers per call.
 */
export function actBatchJs(x: ActBatchInput): ActBatchOutput {
  const { rowMax, rowBiasMax } = validate(x);
  const { logits: z, bias, mask, biasActive, nAgents, nActions: nA, rng, out } = x;
  const e = new Float64Array(nA); // unnormalised probabilities of the current row
  const kl = x.klBudget === undefined ? undefined : { ez: new Float64Array(nA), c: new Float64Array(nA) }; // KL-search rows
  for (let i = 0; i < nAgents; i++) {
    const off = i * nA;
    // e[a] = exp(z_a - mZ) over legal actions (0 if masked); lseZ = mZ + log Σ e.
    const mZ = rowMax[i] as number;
    const biased = bias !== undefined && x.beta !== 0 && (biasActive === undefined || !!biasActive[i]);
    if (!biased) {
      let sZ = 0;
      for (let a = 0; a < nA; a++) sZ += e[a] = mask === undefined || mask[off + a] ? expNonPositive((z[off + a] as number) - mZ) : 0;
      const a = pick(e, nA, sZ, rng.nextFloat());
      const lp = (z[off + a] as number) - (mZ + log(sZ));
      out.action[i] = a;
      out.logpMu[i] = lp;
      out.logpPk[i] = lp;
      out.biasTaken[i] = 0;
      if (out.kl !== undefined) out.kl[i] = 0;
      if (out.biasScale !== undefined) out.biasScale[i] = 0;
      continue;
    }
    const scale = kl === undefined ? 1 : klScale(x, i, off, mZ, rowBiasMax[i] as number, kl.ez, kl.c);
    const sBeta = scale * x.beta;
    // e[a] = exp(z_a − mZ)·exp(sβb_a) ∝ μ(a) (0 if masked; finite while |sβb| <= BIG, and
    // sβb = 0 gives exp = 1), with Σ exp(z − mZ), Σ e and Σ e·sβb
    let sZ = 0;
    let sY = 0;
    let eb = 0;
    for (let a = 0; a < nA; a++) {
      const j = off + a;
      const ez = mask === undefined || mask[j] ? expNonPositive((z[j] as number) - mZ) : 0;
      sZ += ez;
      const sb = sBeta * (bias[j] as number);
      const p = ez * exp(sb);
      e[a] = p;
      sY += p;
      eb += p * sb;
    }
    const lseZ = mZ + log(sZ);
    let lseY = mZ + log(sY);
    if (abs(sBeta) * (rowBiasMax[i] as number) > BIG) {
      // |β·b| this large could overflow e^{sβb} or hide an action whose exp(z − mZ) underflowed:
      // redo the row shifted by the maximum of z + sβb (exact, slower; never hit with bounded bias).
      lseY = exactBiasedRow(z, off, bias, nA, mask, sBeta, e);
      sY = 0;
      eb = 0;
      for (let a = 0; a < nA; a++) {
        sY += e[a] as number;
        eb += (e[a] as number) * sBeta * (bias[off + a] as number);
      }
    }
    const a = pick(e, nA, sY, rng.nextFloat());
    const taken = sBeta * (bias[off + a] as number);
    out.action[i] = a;
    out.logpMu[i] = (z[off + a] as number) + taken - lseY;
    out.logpPk[i] = (z[off + a] as number) - lseZ;
    out.biasTaken[i] = taken;
    if (out.kl !== undefined) out.kl[i] = max(0, eb / sY - (lseY - lseZ));
    if (out.biasScale !== undefined) out.biasScale[i] = scale;
  }
  return out;
}

/**
 * Exact biased row: e[a] = exp(y_a − mY) with y = z + sβb over legal actions (0 if masked);
 * returns lse(y) = mY + log Σ e. Used only when |sβb| > BIG.
 */
function exactBiasedRow(z: Vec, off: number, bias: Vec, nA: number, mask: Flags | undefined, sBeta: number, e: Float64Array): number {
  let mY = -INF;
  for (let a = 0; a < nA; a++) {
    if (mask !== undefined && !mask[off + a]) continue;
    mY = max(mY, (z[off + a] as number) + sBeta * (bias[off + a] as number));
  }
  let s = 0;
  for (let a = 0; a < nA; a++) {
    const legal = (mask === undefined || !!mask[off + a]) && (z[off + a] as number) !== -INF;
    s += e[a] = legal ? exp((z[off + a] as number) + sBeta * (bias[off + a] as number) - mY) : 0;
  }
  return mY + log(s);
}

/**
 * KL-budget scale of agent i's row: the largest s in [0, 1] with KL(μ_s||π) <= ε (within 1e-4),
 * by klScaleSearch, warm-started from the caller's klWarmStart when given; bisection when |β·b|
 * is huge. biasMax = max |b| of the row; ez and c [nActions] are overwritten with exp(z − mZ)
 * (0 if masked) and β·b of the row.
 */
function klScale(x: ActBatchInput, i: number, off: number, mZ: number, biasMax: number, ez: Float64Array, c: Float64Array): number {
  const { logits: z, bias, mask, beta, nActions: nA } = x;
  const eps = x.klBudget as number;
  const b = bias as Vec;
  if (abs(beta) * biasMax > KL_SEARCH_MAX_BIAS) {
    return scaleToKlRow(z, off, b, off, nA, mask, beta, eps, lseRow(z, off, nA, mask, mZ), 1e-4, 30);
  }
  let sZ = 0;
  let cM = -INF;
  for (let a = 0; a < nA; a++) {
    const j = off + a;
    const e = mask === undefined || mask[j] ? expNonPositive((z[j] as number) - mZ) : 0;
    ez[a] = e;
    sZ += e;
    const cb = beta * (b[j] as number);
    c[a] = cb;
    if (e > 0 && cb > cM) cM = cb;
  }
  const warm = x.klWarmStart;
  const s = klScaleSearch(ez, c, nA, cM, sZ, eps, 1e-4, 30, warm === undefined ? 0 : (warm[i] as number));
  if (warm !== undefined) warm[i] = s;
  return s;
}

/** logsumexp of one row given its legal maximum mZ (only needed by the KL-budget path). */
function lseRow(z: Vec, off: number, nA: number, mask: Flags | undefined, mZ: number): number {
  let s = 0;
  for (let a = 0; a < nA; a++) if (mask === undefined || mask[off + a]) s += expNonPositive((z[off + a] as number) - mZ);
  return mZ + log(s);
}

/** Inverse CDF over e[0..n) with total `s`; rounding falls back to the last positive entry. */
function pick(e: Float64Array, n: number, s: number, u: number): number {
  const target = u * s;
  let c = 0;
  let last = 0;
  for (let a = 0; a < n; a++) {
    const p = e[a] as number;
    if (p > 0) {
      c += p;
      last = a;
      if (target < c) return a;
    }
  }
  return last;
}
