// Turns a backend answer into an advice bias: per-action scores (or a one-hot of the recommended
// action) restricted to legal actions with finite scores, centred on their mean and scaled so the
// largest |b_i| equals `scale`; illegal or unscored actions get 0. Pure: no I/O, no clock.
import type { BackendAnswer } from './backend';
import { BackendError } from './backend';

/** Relative spread of the scores below which an answer carries no preference. */
export const NO_SIGNAL_TOLERANCE = 1e-9;

export interface AdviceBias {
  /** b over the actions, max |b_i| = scale, mean 0 over the scored legal actions. */
  readonly bias: number[];
  /** Highest-scored legal action (lowest index on ties). */
  readonly recommended: number;
}

/**
 * b_i = scale * (s_i - mean) / max_j |s_j - mean| over usable actions (legal, finite score).
 * Returns undefined when the answer carries no preference (fewer than two usable actions, or a
 * spread max |s_i - mean| <= NO_SIGNAL_TOLERANCE * max(1, max |s_i|)). Throws BackendError('invalid-answer') for a malformed answer.
 */
export function answerToBias(answer: BackendAnswer, legal: readonly boolean[], scale: number): AdviceBias | undefined {
  const n = legal.length;
  if (!(answer.confidence >= 0 && answer.confidence <= 1)) throw new BackendError('invalid-answer', `confidence ${answer.confidence} not in [0, 1]`);
  let scores: readonly number[];
  if (answer.scores !== undefined) {
    if (answer.scores.length !== n) throw new BackendError('invalid-answer', `${answer.scores.length} scores for ${n} actions`);
    scores = answer.scores;
  } else if (answer.action !== undefined) {
    const a = answer.action;
    if (!Number.isInteger(a) || a < 0 || a >= n) throw new BackendError('invalid-answer', `action ${a} not in [0, ${n})`);
    if (!legal[a]) throw new BackendError('invalid-answer', `action ${a} is illegal`);
    scores = legal.map((_, i) => (i === a ? 1 : 0));
  } else {
    throw new BackendError('invalid-answer', 'neither scores nor action');
  }
  const usable: number[] = [];
  for (let i = 0; i < n; i++) if (legal[i] && Number.isFinite(scores[i])) usable.push(i);
  if (usable.length < 2) return undefined;
  // Centred as n*s_i - sum(s) (= n * (s_i - mean)): exact for integer scores, same ratios.
  const m = usable.length;
  let sum = 0;
  for (const i of usable) sum += scores[i] as number;
  let maxDev = 0;
  let maxAbs = 0;
  let best = usable[0] as number;
  for (const i of usable) {
    maxDev = Math.max(maxDev, Math.abs(m * (scores[i] as number) - sum));
    maxAbs = Math.max(maxAbs, Math.abs(scores[i] as number));
    if ((scores[i] as number) > (scores[best] as number)) best = i;
  }
  // A spread at rounding level (relative to the scores, or to 1) is no preference, not a signal.
  if (!(maxDev > m * NO_SIGNAL_TOLERANCE * Math.max(1, maxAbs))) return undefined;
  const bias = new Array<number>(n).fill(0);
  for (const i of usable) bias[i] = (scale * (m * (scores[i] as number) - sum)) / maxDev;
  return { bias, recommended: best };
}
