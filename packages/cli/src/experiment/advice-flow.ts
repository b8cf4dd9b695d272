// The advice chain of one experiment run on its clock: snapshots go to every simulated advisor,
// answers come back after their drawn latency, an answer past its lifetime (TTL from the
// snapshot) is dropped as the advisor/aggregator would, the answers to one snapshot are collected
// in a window (first answer + windowMs, or every advisor answered) and voted with @ala/rl-core
// voteSelect/voteBlend as the vote-aggregator does; the result is clipped to ±B (clipBias, as the
// bias-router does) and handed to the caller with its deadline. Pure: times are passed in (ms);
// no timers, no bus.
import { clipBias, voteBlend, voteSelect, type AdviceCandidate } from '@ala/rl-core';
import type { Env } from '@ala/envs';
import type { Advisor, SimAnswer } from './sim-advisor';

interface Pending {
  readonly at: number;
  readonly agent: number;
  readonly seq: number;
  readonly answer: SimAnswer;
}

interface Window {
  readonly seq: number;
  readonly closeAt: number;
  readonly deadline: number;
  readonly answers: SimAnswer[];
  expected: number;
}

/** A voted, bounded bias ready for the actor's bias table. */
export interface Delivery {
  readonly agent: number;
  readonly adviceId: string;
  readonly bias: number[];
  /** Deadline on the run clock (snapshot time + TTL; Infinity when unlimited). */
  readonly deadline: number;
}

export interface FlowCounts {
  snapshots: number;
  answers: number;
  /** Answers that arrived after their lifetime. */
  expiredOnArrival: number;
  /** Answers to a snapshot whose window had already closed. */
  late: number;
  votes: number;
  /** Windows whose answers all expired before the vote. */
  expiredAtVote: number;
}

export interface FlowOptions {
  readonly ttlMs: number | null;
  readonly windowMs: number;
  readonly vote: 'select' | 'blend';
  readonly bound: number;
  readonly inFlightPerAgent: number;
  readonly snapshotGapMs: number;
}

export class AdviceFlow {
  private pending: Pending[] = [];
  private readonly windows = new Map<number, Window>();
  private readonly inFlight: Int32Array;
  private readonly lastSnap: Float64Array;
  private readonly seq: Int32Array;
  private nextId = 0;
  readonly counts: FlowCounts = { snapshots: 0, answers: 0, expiredOnArrival: 0, late: 0, votes: 0, expiredAtVote: 0 };

  constructor(
    private readonly advisors: readonly Advisor[],
    agents: number,
    private readonly opts: FlowOptions,
  ) {
    this.inFlight = new Int32Array(agents);
    this.lastSnap = new Float64Array(agents).fill(-Infinity);
    this.seq = new Int32Array(agents);
  }

  /** Whether agent i may take a snapshot at `now` (queue and gap). */
  due(i: number, now: number): boolean {
    return this.advisors.length > 0 && this.inFlight[i]! < this.opts.inFlightPerAgent && now - this.lastSnap[i]! >= this.opts.snapshotGapMs;
  }

  /** Agent i's state at `now` goes to every advisor; their answers are scheduled. */
  snapshot(i: number, now: number, env: Env, legal: readonly boolean[]): void {
    const seq = this.seq[i]!++;
    this.lastSnap[i] = now;
    this.inFlight[i]! += 1;
    this.counts.snapshots += 1;
    const deadline = this.opts.ttlMs === null ? Infinity : now + this.opts.ttlMs;
    let expected = 0;
    for (const a of this.advisors) {
      const answer = a.answer(env, legal, this.opts.bound);
      if (answer === undefined) continue; // no preference: the advisor sends nothing
      expected += 1;
      this.pending.push({ at: now + answer.latencyMs, agent: i, seq, answer });
    }
    if (expected === 0) this.inFlight[i]! -= 1;
    else this.windows.set(i * 1e9 + seq, { seq, closeAt: Infinity, deadline, answers: [], expected });
    this.pending.sort((x, y) => x.at - y.at);
  }

  /** Delivers every answer due by `now` and returns the votes whose window closed by `now`. */
  poll(now: number): Delivery[] {
    let k = 0;
    while (k < this.pending.length && this.pending[k]!.at <= now) k++;
    const due = this.pending.splice(0, k);
    for (const p of due) {
      this.counts.answers += 1;
      const key = p.agent * 1e9 + p.seq;
      const w = this.windows.get(key);
      if (w === undefined) {
        this.counts.late += 1;
        continue;
      }
      w.expected -= 1;
      if (w.expected === 0) this.inFlight[p.agent]! -= 1;
      if (w.deadline <= p.at) {
        this.counts.expiredOnArrival += 1;
      } else {
        if (w.answers.length === 0) (w as { closeAt: number }).closeAt = p.at + this.opts.windowMs;
        w.answers.push(p.answer);
      }
      if (w.expected === 0 && w.answers.length === 0) this.windows.delete(key);
    }
    const out: Delivery[] = [];
    for (const [key, w] of this.windows) {
      const agent = Math.floor(key / 1e9);
      if (w.answers.length === 0 || (w.closeAt > now && w.expected > 0)) continue;
      this.windows.delete(key);
      if (w.expected > 0) this.inFlight[agent]! -= 1; // the window closed: later answers are late
      if (w.deadline <= now) {
        this.counts.expiredAtVote += 1;
        continue;
      }
      const d = this.voteOf(agent, w);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  private voteOf(agent: number, w: Window): Delivery | undefined {
    const cands: AdviceCandidate[] = w.answers.map((a, j) => ({
      adviceId: `${a.advisorId}-${j}`,
      priority: a.priority,
      confidence: a.confidence,
      bias: a.bias,
    }));
    let bias: ArrayLike<number>;
    if (this.opts.vote === 'select') {
      const r = voteSelect(cands);
      if (r === undefined) return undefined;
      bias = r.winner.bias;
    } else {
      const r = voteBlend(cands);
      if (r === undefined) return undefined;
      bias = r.bias;
    }
    this.counts.votes += 1;
    const bounded = Array.from(clipBias(bias, this.opts.bound), (x) => (Object.is(x, -0) ? 0 : x));
    return { agent, adviceId: `v${this.nextId++}`, bias: bounded, deadline: w.deadline };
  }
}
