// Numerically stable log-sum-exp, log-softmax and softmax over one row of action logits, with
// action masks and additive advice bias. Max-subtraction keeps logits of +-1e3 finite (no NaN).
// A masked action (mask[a] falsy, or logit -Infinity) is -Infinity before and after any bias
// and has probability exactly 0. Must not: allocate when given an output buffer, or turn a
// -Infinity logit finite.
import { checkFinite, checkLength, checkLogits, outBuffer, type Flags, type OutVec, type Vec, isFiniteNum } from './check';
import { InvalidValueError, NoLegalActionError } from './errors';

import { hotMath } from './math';

const { exp, log, INF } = hotMath;

/** Whether action a is legal: mask absent or truthy, and its logit not -Infinity. */
export function isLegal(logit: number, mask: Flags | undefined, a: number): boolean {
  return logit !== -INF && (mask === undefined || !!mask[a]);
}

/**
 * log Σ_a exp(x[a]) over legal actions; -Infinity when none is legal.
 * Shapes: x [A], mask [A] (1 = legal).
 */
export function logsumexp(x: Vec, mask?: Flags): number {
  checkLogits('x', x);
  if (mask !== undefined) checkLength('mask', mask, x.length);
  return logsumexpRow(x, 0, x.length, mask, 0);
}

/** Internal: log-sum-exp of x[off .. off+n) with mask[moff .. moff+n); no checks. */
export function logsumexpRow(x: Vec, off: number, n: number, mask: Flags | undefined, moff: number): number {
  let m = -INF;
  for (let a = 0; a < n; a++) {
    const v = x[off + a] as number;
    if (v > m && (mask === undefined || mask[moff + a])) m = v;
  }
  if (m === -INF) return -INF;
  let s = 0;
  for (let a = 0; a < n; a++) {
    if (mask === undefined || mask[moff + a]) s += exp((x[off + a] as number) - m);
  }
  return m + log(s);
}

/**
 * log softmax(logits)[a] = logits[a] - logsumexp(logits); masked actions get -Infinity.
 * Shapes: logits [A], mask [A], out [A]. Throws NoLegalActionError when every action is masked.
 */
export function logSoftmax(logits: Vec, mask?: Flags, out?: OutVec): OutVec {
  const n = logits.length;
  checkLogits('logits', logits);
  if (mask !== undefined) checkLength('mask', mask, n);
  const o = outBuffer('out', out, n);
  const lse = logsumexpRow(logits, 0, n, mask, 0);
  if (lse === -INF) throw new NoLegalActionError(0);
  for (let a = 0; a < n; a++) {
    const v = logits[a] as number;
    o[a] = isLegal(v, mask, a) ? v - lse : -INF;
  }
  return o;
}

/** softmax(logits) with masked actions at exactly 0. Shapes as logSoftmax. */
export function softmax(logits: Vec, mask?: Flags, out?: OutVec): OutVec {
  const o = logSoftmax(logits, mask, out);
  for (let a = 0; a < o.length; a++) o[a] = exp(o[a] as number);
  return o;
}

/**
 * Biased logits z + β·b (the behaviour policy's logits, μ = softmax(z + βb)). Masked actions
 * stay -Infinity whatever the bias. Shapes: logits [A], bias [A], mask [A], out [A].
 */
export function biasedLogits(logits: Vec, bias: Vec, beta: number, mask?: Flags, out?: OutVec): OutVec {
  const n = logits.length;
  checkLogits('logits', logits);
  checkLength('bias', bias, n);
  checkFinite('beta', beta);
  if (mask !== undefined) checkLength('mask', mask, n);
  for (let a = 0; a < n; a++) {
    const b = bias[a] as number;
    if (!isFiniteNum(b)) throw new InvalidValueError('bias', b, 'must be finite', a);
  }
  const o = outBuffer('out', out, n);
  for (let a = 0; a < n; a++) {
    const v = logits[a] as number;
    o[a] = isLegal(v, mask, a) ? v + beta * (bias[a] as number) : -INF;
  }
  return o;
}

/**
 * Mean policy entropy H = -Σ_a π(a) log π(a) over rows of a flat [rows][A] logits array.
 * Shapes: logits [rows*A] row-major, mask [rows*A] or absent. Masked actions contribute 0.
 */
export function entropy(logits: Vec, nActions: number, mask?: Flags): number {
  checkLogits('logits', logits);
  if (!Number.isInteger(nActions) || nActions <= 0 || logits.length % nActions !== 0) {
    throw new InvalidValueError('nActions', nActions, `must be a positive integer dividing logits.length (${logits.length})`);
  }
  if (mask !== undefined) checkLength('mask', mask, logits.length);
  const rows = logits.length / nActions;
  if (rows === 0) throw new InvalidValueError('logits', logits.length, 'at least one row is needed');
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * nActions;
    const lse = logsumexpRow(logits, off, nActions, mask, off);
    if (lse === -INF) throw new NoLegalActionError(r);
    let h = 0;
    for (let a = 0; a < nActions; a++) {
      const v = logits[off + a] as number;
      if (!isLegal(v, mask, off + a)) continue;
      const lp = v - lse;
      h -= exp(lp) * lp;
    }
    total += h;
  }
  return total / rows;
}
