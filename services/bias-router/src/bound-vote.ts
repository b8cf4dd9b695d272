// Turns a voted advice into the Bias an actor may apply: the bias bounded by rl-core clipBias
// (|b|inf <= B, optional L2 cap, optional boost-only) and the lifetime capped by the router's
// ceiling: ttl = min(floor(remaining), maxTtlMs). Pure: remaining time and wall time are passed
// in; no I/O. With |b|inf <= B, |log(pi/mu)| <= 2*beta*B (docs/architecture.md, Acting with a bias): B is the IS budget.
import type { Bias, Vote } from '@ala/protocol';
import { clipBias } from '@ala/rl-core';

export interface BoundOptions {
  /** B: per-component bound, 0 < B <= 100. */
  bound: number;
  /** Optional cap on ||b||_2 (0 = none). */
  l2Cap: number;
  /** Only promote actions: negative components become 0. */
  boostOnly: boolean;
  /** Ceiling on the lifetime of a bias, ms. */
  maxTtlMs: number;
}

export type Bounded =
  { readonly ok: true; readonly bias: Bias; readonly ttlMs: number; readonly clipped: boolean } | { readonly ok: false; readonly reason: 'expired' };

/** Bounds `vote` with `remainingMs` of lifetime left; `createdAt` is wall ms (informational). */
export function boundVote(vote: Vote, remainingMs: number, opts: BoundOptions, createdAt: number): Bounded {
  const ttlMs = Math.min(Math.floor(remainingMs), opts.maxTtlMs);
  if (!(ttlMs >= 1)) return { ok: false, reason: 'expired' };
  const b = clipBias(vote.bias, opts.bound, { l2Cap: opts.l2Cap > 0 ? opts.l2Cap : undefined, boostOnly: opts.boostOnly });
  const bias = Array.from(b, (x) => (Object.is(x, -0) ? 0 : x));
  const clipped = bias.some((x, i) => x !== vote.bias[i]);
  const out: Bias = { v: 1, agentId: vote.agentId, adviceId: vote.adviceId, stateSeq: vote.stateSeq, bias, bound: opts.bound, ttlMs, createdAt };
  if (vote.recommended !== undefined) out.recommended = vote.recommended;
  return { ok: true, bias: out, ttlMs, clipped };
}

/** Advisors charged for a vote: the winner's advisor for `select`, every contributor for `blend`. */
export function chargedAdvisors(vote: Vote): string[] {
  if (vote.method === 'select') {
    const i = vote.adviceIds.indexOf(vote.adviceId);
    const winner = i >= 0 ? vote.advisorIds[i] : undefined;
    return winner !== undefined ? [winner] : [...vote.advisorIds];
  }
  return [...vote.advisorIds];
}
