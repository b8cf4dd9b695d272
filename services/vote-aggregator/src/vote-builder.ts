// Turns the live advice of one closed window into a Vote: `select` (rl-core voteSelect: the
// advice with the highest priority x confidence weight) or `blend` (voteBlend: the weighted mean
// bias), and its lifetime: the minimum remaining lifetime of the contributing advice. Pure: the
// time and the fresh id are passed in; no I/O.
import type { Vote } from '@ala/protocol';
import { voteBlend, voteSelect, type AdviceCandidate, type VoteOptions } from '@ala/rl-core';
import type { Entry } from './advice-window';

export type VoteMethod = 'select' | 'blend';

export type BuiltVote = { readonly ok: true; readonly vote: Vote; readonly ttlMs: number } | { readonly ok: false; readonly reason: 'no_weight' | 'expired' };

/**
 * Votes over `live` (all for the same agent and seq, same action count) at time `now`.
 * `freshId()` names a blended vote. `halfLifeMs` down-weights advice by its age in the window.
 */
export function buildVote(live: readonly Entry[], method: VoteMethod, now: number, freshId: () => string, opts: VoteOptions = {}): BuiltVote {
  const first = live[0];
  if (first === undefined) return { ok: false, reason: 'no_weight' };
  const cands: AdviceCandidate[] = live.map((e) => ({
    adviceId: e.advice.adviceId,
    priority: e.advice.priority,
    confidence: e.advice.confidence,
    bias: e.advice.bias,
    ageMs: Math.max(0, now - e.receivedAt),
  }));
  const byId = new Map(live.map((e) => [e.advice.adviceId, e]));
  const base = { v: 1 as const, agentId: first.advice.agentId, stateSeq: first.advice.stateSeq };
  let vote: Vote;
  if (method === 'select') {
    const r = voteSelect(cands, opts);
    if (r === undefined) return { ok: false, reason: 'no_weight' };
    const winner = live[r.index] as Entry;
    vote = {
      ...base,
      adviceId: winner.advice.adviceId,
      adviceIds: r.contributing,
      advisorIds: r.contributing.map((id) => (byId.get(id) as Entry).advice.advisorId),
      bias: [...winner.advice.bias],
      recommended: winner.advice.recommended ?? r.action,
      confidence: winner.advice.confidence,
      method: 'select',
      agreement: r.agreement,
    };
  } else {
    const r = voteBlend(cands, opts);
    if (r === undefined) return { ok: false, reason: 'no_weight' };
    let confidence = 0;
    r.weights.forEach((w, i) => (confidence += w * (cands[i] as AdviceCandidate).confidence));
    vote = {
      ...base,
      adviceId: freshId(),
      adviceIds: r.contributing,
      advisorIds: r.contributing.map((id) => (byId.get(id) as Entry).advice.advisorId),
      bias: Array.from(r.bias),
      recommended: r.action,
      confidence: Math.min(1, Math.max(0, confidence)),
      method: 'blend',
      agreement: r.agreement,
    };
  }
  let deadline = Infinity;
  for (const id of vote.adviceIds) deadline = Math.min(deadline, (byId.get(id) as Entry).deadline);
  const ttlMs = Math.floor(deadline - now);
  if (!(ttlMs >= 1)) return { ok: false, reason: 'expired' };
  return { ok: true, vote, ttlMs };
}
