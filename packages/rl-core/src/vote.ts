// Voting over the advice several advisors sent for one agent. Each candidate carries a
// priority (advisor authority), a confidence in [0, 1], a bias vector over the agent's actions
// and optionally its age; its vote weight is priority × confidence × 2^(−age/halfLife).
//   voteSelect: the single candidate with the highest weight; ties broken deterministically
//               (weight, then priority, then confidence, then younger, then smaller adviceId),
//               so the result never depends on arrival order.
//   voteBlend:  the weight-normalised average of the candidates' bias vectors.
//   agreementRate: weight share of candidates whose preferred action (argmax of bias) equals a
//               given action.
// Must not: read clocks (age is given), bound the bias (the router does), or mutate candidates.
import { checkLength, outBuffer, type OutVec, type Vec, isFiniteNum } from './check';
import { InvalidValueError } from './errors';

import { hotMath } from './math';

const { pow, INF } = hotMath;

export interface AdviceCandidate {
  adviceId: string;
  /** Advisor authority, finite and >= 0. */
  priority: number;
  /** Advisor's confidence in [0, 1]. */
  confidence: number;
  /** Bias over the agent's actions, [A]. */
  bias: Vec;
  /** Time since the state snapshot the advice answers, ms (>= 0); used with halfLifeMs. */
  ageMs?: number;
}

export interface VoteOptions {
  /** Age down-weighting: the weight halves every halfLifeMs of age. Absent = no down-weighting. */
  halfLifeMs?: number;
}

export interface VoteSelection {
  winner: AdviceCandidate;
  /** Index of the winner in the input array. */
  index: number;
  /** The winner's vote weight. */
  weight: number;
  /** Winner's preferred action (argmax of its bias, lowest index on ties). */
  action: number;
  /** Weight share of candidates preferring the same action. */
  agreement: number;
  /** adviceIds of every candidate with positive weight (they took part in the vote). */
  contributing: string[];
}

export interface VoteBlend {
  /** Σ_i w_i b_i / Σ_i w_i, [A]. */
  bias: OutVec;
  /** Normalised weights, one per candidate (input order). */
  weights: number[];
  /** argmax of the blended bias (lowest index on ties). */
  action: number;
  agreement: number;
  contributing: string[];
}

function validate(cands: readonly AdviceCandidate[], opts: VoteOptions): number {
  if (opts.halfLifeMs !== undefined && !(opts.halfLifeMs > 0)) throw new InvalidValueError('halfLifeMs', opts.halfLifeMs, 'must be > 0');
  const nA = cands[0]?.bias.length ?? 0;
  cands.forEach((c, i) => {
    if (typeof c.adviceId !== 'string' || c.adviceId.length === 0) throw new InvalidValueError('adviceId', c.adviceId, 'must be a non-empty string', i);
    if (!(c.priority >= 0) || c.priority === INF) throw new InvalidValueError('priority', c.priority, 'must be finite and >= 0', i);
    if (!(c.confidence >= 0 && c.confidence <= 1)) throw new InvalidValueError('confidence', c.confidence, 'must be in [0, 1]', i);
    if (c.ageMs !== undefined && (!(c.ageMs >= 0) || c.ageMs === INF)) throw new InvalidValueError('ageMs', c.ageMs, 'must be finite and >= 0', i);
    checkLength(`candidates[${i}].bias`, c.bias, nA);
    for (let a = 0; a < nA; a++) if (!isFiniteNum(c.bias[a] as number)) throw new InvalidValueError(`candidates[${i}].bias`, c.bias[a], 'must be finite', a);
  });
  if (nA === 0 && cands.length > 0) throw new InvalidValueError('bias', 0, 'must have at least one action');
  return nA;
}

/** Vote weight of one candidate: priority × confidence × 2^(−ageMs/halfLifeMs). */
export function voteWeight(c: AdviceCandidate, opts: VoteOptions = {}): number {
  const decay = opts.halfLifeMs === undefined || c.ageMs === undefined ? 1 : pow(2, -c.ageMs / opts.halfLifeMs);
  return c.priority * c.confidence * decay;
}

/** argmax of a vector, lowest index on ties. */
export function preferredAction(bias: Vec): number {
  let best = 0;
  for (let a = 1; a < bias.length; a++) if ((bias[a] as number) > (bias[best] as number)) best = a;
  return best;
}

/** Weight share (in [0, 1]) of candidates whose preferred action is `action`; 0 if no weight. */
export function agreementRate(cands: readonly AdviceCandidate[], action: number, opts: VoteOptions = {}): number {
  validate(cands, opts);
  return agreement(cands, action, opts);
}

function agreement(cands: readonly AdviceCandidate[], action: number, opts: VoteOptions): number {
  let total = 0;
  let agree = 0;
  for (const c of cands) {
    const w = voteWeight(c, opts);
    total += w;
    if (preferredAction(c.bias) === action) agree += w;
  }
  return total > 0 ? agree / total : 0;
}

/** true when a beats b (strictly better under the deterministic order). */
function beats(a: AdviceCandidate, wa: number, b: AdviceCandidate, wb: number): boolean {
  if (wa !== wb) return wa > wb;
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  const ageA = a.ageMs ?? 0;
  const ageB = b.ageMs ?? 0;
  if (ageA !== ageB) return ageA < ageB;
  return a.adviceId < b.adviceId;
}

/**
 * Priority-weighted selection: the candidate with the highest vote weight. Returns undefined when
 * there is no candidate or every weight is 0 (nothing to apply).
 */
export function voteSelect(cands: readonly AdviceCandidate[], opts: VoteOptions = {}): VoteSelection | undefined {
  validate(cands, opts);
  let best = -1;
  let bestW = 0;
  const contributing: string[] = [];
  cands.forEach((c, i) => {
    const w = voteWeight(c, opts);
    if (!(w > 0)) return;
    contributing.push(c.adviceId);
    if (best < 0 || beats(c, w, cands[best] as AdviceCandidate, bestW)) {
      best = i;
      bestW = w;
    }
  });
  if (best < 0) return undefined;
  const winner = cands[best] as AdviceCandidate;
  const action = preferredAction(winner.bias);
  return { winner, index: best, weight: bestW, action, agreement: agreement(cands, action, opts), contributing };
}

/**
 * Priority-weighted blend of the candidates' biases. Returns undefined when there is no candidate
 * or every weight is 0. Shapes: each bias [A], out [A].
 */
export function voteBlend(cands: readonly AdviceCandidate[], opts: VoteOptions = {}, out?: OutVec): VoteBlend | undefined {
  const nA = validate(cands, opts);
  const raw = cands.map((c) => voteWeight(c, opts));
  const total = raw.reduce((s, w) => s + w, 0);
  if (!(total > 0)) return undefined;
  const bias = outBuffer('out', out, nA);
  bias.fill(0);
  const weights = raw.map((w) => w / total);
  cands.forEach((c, i) => {
    const w = weights[i] as number;
    if (w > 0) for (let a = 0; a < nA; a++) bias[a] = (bias[a] as number) + w * (c.bias[a] as number);
  });
  const action = preferredAction(bias);
  const contributing = cands.filter((_, i) => (raw[i] as number) > 0).map((c) => c.adviceId);
  return { bias, weights, action, agreement: agreement(cands, action, opts), contributing };
}
