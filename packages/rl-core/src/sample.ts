// Categorical sampling by inverse CDF with a caller-supplied generator: one nextFloat() per
// sample, so a run replays exactly from the generator state. Must not: allocate, or ever return
// an action with probability 0 (a masked action), even under floating-point rounding.
import { checkLogits, checkLength, type Flags, type Vec } from './check';
import { InvalidValueError, NoLegalActionError } from './errors';
import type { Rng } from './rng';
import { logsumexpRow } from './softmax';

import { hotMath } from './math';

const { exp, INF } = hotMath;

/**
 * Samples a ~ p from non-negative weights `probs` (need not sum exactly to 1: they are
 * normalised by their sum). Shapes: probs [A]. Consumes exactly one rng.nextFloat().
 */
export function sampleCategorical(probs: Vec, rng: Rng): number {
  let total = 0;
  for (let a = 0; a < probs.length; a++) {
    const p = probs[a] as number;
    if (!(p >= 0) || p === INF) throw new InvalidValueError('probs', p, 'must be finite and >= 0', a);
    total += p;
  }
  if (!(total > 0)) throw new NoLegalActionError(0);
  return inverseCdf(probs, 0, probs.length, total, rng.nextFloat());
}

/** Internal: index a in [0, n) with CDF(a-1) <= u·total < CDF(a); rounding falls back to the last positive entry. */
export function inverseCdf(w: Vec, off: number, n: number, total: number, u: number): number {
  const target = u * total;
  let c = 0;
  let last = -1;
  for (let a = 0; a < n; a++) {
    const p = w[off + a] as number;
    if (p > 0) {
      c += p;
      last = a;
      if (target < c) return a;
    }
  }
  return last;
}

/**
 * Samples a ~ softmax(logits) over legal actions (mask 1 = legal) without allocating.
 * Shapes: logits [A], mask [A]. Consumes exactly one rng.nextFloat().
 */
export function sampleLogits(logits: Vec, rng: Rng, mask?: Flags): number {
  checkLogits('logits', logits);
  if (mask !== undefined) checkLength('mask', mask, logits.length);
  const n = logits.length;
  const lse = logsumexpRow(logits, 0, n, mask, 0);
  if (lse === -INF) throw new NoLegalActionError(0);
  const target = rng.nextFloat();
  let c = 0;
  let last = -1;
  for (let a = 0; a < n; a++) {
    if (mask !== undefined && !mask[a]) continue;
    const p = exp((logits[a] as number) - lse);
    if (p > 0) {
      c += p;
      last = a;
      if (target < c) return a;
    }
  }
  return last;
}
