// The live-bias table of one actor: the latest bias per agent with its deadline on this process's
// monotonic clock. Before each step `prepare(now)` fills the dense [nAgents][nActions] bias and the
// per-agent `active` flags, dropping (and counting) every entry whose deadline has passed, so an
// agent reverts to the unbiased policy the very step its advice expires (docs/architecture.md, Advice lifetime).
// The table enforces the actor's own limits whatever the sender claims: every component is clipped
// to [-B, B] and every lifetime to maxTtlMs (a missing TTL counts as too long), so the behaviour
// policy stays within |log μ/π| <= 2βB of the learned one and no advice outlives maxTtlMs
// (docs/security.md). With the thread intake the checks run in the intake worker (admitBias, the
// same function) and `pull` takes the latest admitted entry per agent from shared memory
// (bias-slots.ts) before each step. Must not: touch the bus, wait for advice, or apply a bias at or
// after its deadline, or hold a component beyond ±B.
import type { BiasSlots, SlotEntry } from './bias-slots';
import { BIAS_REJECT, type BiasReject } from './stats';

export interface BiasEntry {
  readonly adviceId: string;
  /** Receiver-clock ms when the bias arrived (advice age is measured from here). */
  readonly receivedAt: number;
  /** Receiver-clock ms after which the bias is void. */
  readonly deadline: number;
}

/** Counters of the table (monotonic). */
export interface BiasTableCounts {
  /** Biases accepted into the table. */
  accepted: number;
  /** Biases refused, by reason. */
  rejected: Record<BiasReject, number>;
  /** Entries removed because their deadline passed (whether or not they were applied). */
  expired: number;
  /** Of those, entries that expired before being applied to a single step. */
  expiredUnused: number;
  /** Entries replaced by a newer bias before their deadline. */
  replaced: number;
  /** Accepted biases with a component beyond ±B, clipped to it (the sender's `bound` is ignored). */
  clipped: number;
  /** Accepted biases whose lifetime exceeded maxTtlMs (or had none), cut to it. */
  ttlCapped: number;
}

/** The actor's own limits on every bias (config ALA_BIAS_BOUND, ALA_MAX_ADVICE_TTL_MS). */
export interface BiasLimits {
  /** B: each component is clipped to [-B, B]. */
  readonly bound: number;
  /** Longest lifetime from receipt, ms; a later deadline (or none, Infinity) is cut to this. */
  readonly maxTtlMs: number;
}

/** The defaults of the actor config (B = 1, 10 s). */
export const DEFAULT_BIAS_LIMITS: BiasLimits = { bound: 1, maxTtlMs: 10_000 };

/** An admitted bias: its row is written (clipped), its deadline cut to maxTtlMs from receipt. */
export interface Admitted {
  readonly deadline: number;
  readonly clipped: boolean;
  readonly ttlCapped: boolean;
}

/**
 * The actor's checks on one received bias (pure; the table and the intake worker both use it):
 * refused for a wrong length, a non-finite value or a deadline not after `now` (nothing written);
 * else every component clipped to ±B into out[offset..offset+nActions) and the deadline cut to
 * receivedAt + maxTtlMs.
 */
export function admitBias(
  bias: readonly number[],
  nActions: number,
  receivedAt: number,
  deadline: number,
  now: number,
  limits: BiasLimits,
  out: Float64Array,
  offset: number,
): BiasReject | Admitted {
  if (bias.length !== nActions) return 'length';
  if (!bias.every((x) => Number.isFinite(x))) return 'nonFinite';
  if (!(deadline > now)) return 'expired';
  const B = limits.bound;
  let clipped = false;
  for (let j = 0; j < nActions; j++) {
    const x = bias[j]!;
    clipped ||= x > B || x < -B;
    out[offset + j] = Math.min(B, Math.max(-B, x));
  }
  const latest = receivedAt + limits.maxTtlMs;
  return { deadline: Math.min(deadline, latest), clipped, ttlCapped: deadline > latest };
}

/** The warning for a bias beyond the actor's limits (logged at most every 10 s, by either intake). */
export function limitsWarning(
  actorId: string,
  agentId: string,
  b: { bound: number; bias: readonly number[] },
  ttlMs: number | undefined,
  limits: BiasLimits,
  so: { clipped: number; ttlCapped: number },
): string {
  const maxAbs = b.bias.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return `actor ${actorId}: bias for ${agentId} beyond the actor's limits (max |b| ${maxAbs}, claimed bound ${b.bound}, ttl ${ttlMs ?? 'none'} ms): clipped to B=${limits.bound}, ttl <= ${limits.maxTtlMs} ms (so far ${so.clipped} clipped, ${so.ttlCapped} ttl-capped)`;
}

export class BiasTable {
  /** Dense bias rows, [nAgents][nActions]; rows of inactive agents are stale and ignored. */
  readonly bias: Float64Array;
  /** 1 where the agent has a live bias for the coming step, [nAgents]. */
  readonly active: Uint8Array;
  /** Age in ms of the live bias at the coming step (0 when none), [nAgents]. */
  readonly ageMs: Float64Array;
  private readonly entries: (BiasEntry | undefined)[];
  private readonly used: Uint8Array;
  private readonly index = new Map<string, number>();
  /** Thread intake: last slot sequence taken per agent, last slots version seen, a row to copy into. */
  private readonly slotSeq: Int32Array;
  private slotsVersion = 0;
  private readonly scratch: Float64Array;
  readonly counts: BiasTableCounts = { accepted: 0, rejected: { ...BIAS_REJECT }, expired: 0, expiredUnused: 0, replaced: 0, clipped: 0, ttlCapped: 0 };

  constructor(
    readonly agentIds: readonly string[],
    readonly nActions: number,
    readonly limits: BiasLimits = DEFAULT_BIAS_LIMITS,
  ) {
    if (!(limits.bound > 0 && Number.isFinite(limits.bound))) throw new RangeError(`BiasTable: bound must be a finite number > 0, got ${limits.bound}`);
    if (!(limits.maxTtlMs > 0 && Number.isFinite(limits.maxTtlMs)))
      throw new RangeError(`BiasTable: maxTtlMs must be a finite number > 0, got ${limits.maxTtlMs}`);
    const n = agentIds.length;
    this.bias = new Float64Array(n * nActions);
    this.active = new Uint8Array(n);
    this.ageMs = new Float64Array(n);
    this.entries = new Array<BiasEntry | undefined>(n).fill(undefined);
    this.used = new Uint8Array(n);
    this.slotSeq = new Int32Array(n);
    this.scratch = new Float64Array(nActions);
    agentIds.forEach((id, i) => this.index.set(id, i));
  }

  /** Number of agents currently holding a (not yet checked) bias. */
  get size(): number {
    return this.entries.reduce((s, e) => s + (e === undefined ? 0 : 1), 0);
  }

  /**
   * Store a bias for `agentId` valid until `deadline` (receiver clock), clipped to ±B and to a
   * lifetime of maxTtlMs from `receivedAt` (both counted). Returns the reason when refused (unknown
   * agent, wrong length, non-finite value, already expired); nothing changes then.
   */
  set(agentId: string, bias: readonly number[], entry: BiasEntry, now: number): BiasReject | undefined {
    const i = this.index.get(agentId);
    const r =
      i === undefined ? 'unknownAgent' : admitBias(bias, this.nActions, entry.receivedAt, entry.deadline, now, this.limits, this.bias, i * this.nActions);
    if (typeof r === 'string' || i === undefined) {
      const reason = typeof r === 'string' ? r : 'unknownAgent';
      this.counts.rejected[reason] += 1;
      return reason;
    }
    if (this.entries[i] !== undefined) this.retire(i, 'replaced');
    if (r.clipped) this.counts.clipped += 1;
    if (r.ttlCapped) this.counts.ttlCapped += 1;
    this.entries[i] = r.deadline < entry.deadline ? { ...entry, deadline: r.deadline } : entry;
    this.used[i] = 0;
    this.counts.accepted += 1;
    return undefined;
  }

  /**
   * Thread intake: take the entries the intake worker admitted since the last pull (values already
   * clipped, deadlines already cut; counted by the worker), replacing each agent's entry. Returns
   * the taken entries with their agent index (for onBiasAccepted). A slot the writer is rewriting
   * right now is taken at the next pull.
   */
  pull(slots: BiasSlots): [number, SlotEntry][] {
    const taken: [number, SlotEntry][] = [];
    const version = slots.version();
    if (version === this.slotsVersion) return taken;
    let busy = false;
    for (let i = 0; i < this.entries.length; i++) {
      const e = slots.read(i, this.slotSeq[i]!, this.scratch);
      if (e === undefined) continue;
      if (e === 'busy') {
        busy = true;
        continue;
      }
      this.slotSeq[i] = e.seq;
      if (Number.isNaN(e.deadline)) continue; // voided by a crashed writer: keep what we have
      if (this.entries[i] !== undefined) this.retire(i, 'replaced');
      this.bias.set(this.scratch, i * this.nActions);
      this.entries[i] = { adviceId: e.adviceId, receivedAt: e.receivedAt, deadline: e.deadline };
      this.used[i] = 0;
      taken.push([i, e]);
    }
    this.slotsVersion = busy ? -1 : version;
    return taken;
  }

  /** Look-up of an agent's entry (tests and status). */
  entry(agentId: string): BiasEntry | undefined {
    const i = this.index.get(agentId);
    return i === undefined ? undefined : this.entries[i];
  }

  /**
   * Fill `active` and `ageMs` for a step taken at `now`: entries whose deadline is <= now are
   * removed first. Returns the number of agents with a live bias.
   */
  prepare(now: number): number {
    let live = 0;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e !== undefined && e.deadline <= now) this.retire(i, 'expired');
      const cur = this.entries[i];
      if (cur === undefined) {
        this.active[i] = 0;
        this.ageMs[i] = 0;
      } else {
        this.active[i] = 1;
        this.ageMs[i] = Math.max(0, now - cur.receivedAt);
        live++;
      }
    }
    return live;
  }

  /** Mark the prepared live entries as applied (call after the step used them). */
  markApplied(): void {
    for (let i = 0; i < this.active.length; i++) if (this.active[i] === 1) this.used[i] = 1;
  }

  /** Remove every entry (e.g. on stop); counts nothing. */
  clear(): void {
    this.entries.fill(undefined);
    this.active.fill(0);
  }

  private retire(i: number, why: 'expired' | 'replaced'): void {
    if (why === 'expired') {
      this.counts.expired += 1;
      if (this.used[i] === 0) this.counts.expiredUnused += 1;
    } else {
      this.counts.replaced += 1;
    }
    this.entries[i] = undefined;
    this.active[i] = 0;
  }
}
