// Per-agent collection windows of advice, keyed by the state seq the advice answers: the first
// advice for (agent, seq) opens a window that closes `windowMs` later (or at once when `quorum`
// advisors answered); advice older than the newest seq seen by more than `maxStateLag`, for a seq
// whose window already closed, expired, duplicated, or of another action count is refused with
// its reason. Pure: times are passed in (ms on the caller's monotonic clock); no I/O, no timers.
import type { Advice } from '@ala/protocol';
import { MAX_VOTE_INPUTS } from '@ala/protocol';

export interface WindowOptions {
  /** How long a window collects advice after its first one, ms. */
  windowMs: number;
  /** Advice for a seq older than (newest seq seen for the agent) - maxStateLag is stale. */
  maxStateLag: number;
  /** Close as soon as this many advisors answered (0 = always wait windowMs). */
  quorum: number;
  /** Agents tracked at once; idle agents are forgotten first. */
  maxAgents: number;
}

export interface Entry {
  readonly advice: Advice;
  readonly receivedAt: number;
  /** Receiver-clock deadline of the advice. */
  readonly deadline: number;
}

export type Refusal = 'expired' | 'stale' | 'late' | 'duplicate' | 'mismatch' | 'full' | 'overflow';

export type AddResult =
  | { readonly accepted: true; readonly opened: boolean; readonly closeAt: number; readonly ready: boolean }
  | { readonly accepted: false; readonly reason: Refusal };

export interface ClosedWindow {
  readonly agentId: string;
  readonly stateSeq: number;
  /** Entries still alive at close. */
  readonly live: Entry[];
  /** Entries whose lifetime ended while the window was open. */
  readonly expired: number;
  /** Entries dropped because the window is too old (lag) or a newer window closed first. */
  readonly stale: number;
}

interface Window {
  readonly closeAt: number;
  readonly entries: Entry[];
}

interface AgentState {
  newestSeq: number;
  lastClosedSeq: number;
  readonly windows: Map<number, Window>;
}

export class AdviceWindows {
  private readonly agents = new Map<string, AgentState>();

  constructor(private readonly opts: WindowOptions) {}

  /** Offers one advice received at `now` with receiver deadline `deadline`. */
  add(advice: Advice, now: number, deadline: number): AddResult {
    if (!(deadline > now)) return { accepted: false, reason: 'expired' };
    const agent = this.agent(advice.agentId);
    if (agent === undefined) return { accepted: false, reason: 'overflow' };
    const seq = advice.stateSeq;
    if (seq <= agent.lastClosedSeq) return { accepted: false, reason: 'late' };
    if (agent.newestSeq - seq > this.opts.maxStateLag) return { accepted: false, reason: 'stale' };
    let win = agent.windows.get(seq);
    if (win !== undefined) {
      const first = win.entries[0];
      if (win.entries.some((e) => e.advice.adviceId === advice.adviceId || e.advice.advisorId === advice.advisorId))
        return { accepted: false, reason: 'duplicate' };
      if (first !== undefined && first.advice.bias.length !== advice.bias.length) return { accepted: false, reason: 'mismatch' };
      if (win.entries.length >= MAX_VOTE_INPUTS) return { accepted: false, reason: 'full' };
    }
    agent.newestSeq = Math.max(agent.newestSeq, seq);
    const opened = win === undefined;
    if (win === undefined) {
      win = { closeAt: now + this.opts.windowMs, entries: [] };
      agent.windows.set(seq, win);
    }
    win.entries.push({ advice, receivedAt: now, deadline });
    const ready = this.opts.quorum > 0 && win.entries.length >= this.opts.quorum;
    return { accepted: true, opened, closeAt: win.closeAt, ready };
  }

  /**
   * Closes the window (agentId, stateSeq) at `now`; undefined when it is not open. Open windows of
   * older seqs of the agent are discarded too (their vote would be older than this one).
   */
  close(agentId: string, stateSeq: number, now: number): ClosedWindow | undefined {
    const agent = this.agents.get(agentId);
    const win = agent?.windows.get(stateSeq);
    if (agent === undefined || win === undefined) return undefined;
    agent.windows.delete(stateSeq);
    agent.lastClosedSeq = Math.max(agent.lastClosedSeq, stateSeq);
    let stale = 0;
    for (const [seq, older] of agent.windows) {
      if (seq < stateSeq) {
        stale += older.entries.length;
        agent.windows.delete(seq);
      }
    }
    if (agent.newestSeq - stateSeq > this.opts.maxStateLag) {
      return { agentId, stateSeq, live: [], expired: 0, stale: stale + win.entries.length };
    }
    const live = win.entries.filter((e) => e.deadline > now);
    return { agentId, stateSeq, live, expired: win.entries.length - live.length, stale };
  }

  /** Windows open now, over all agents. */
  openWindows(): number {
    let n = 0;
    for (const a of this.agents.values()) n += a.windows.size;
    return n;
  }

  /** Agents tracked now. */
  agentCount(): number {
    return this.agents.size;
  }

  /** Agent state, created on first use; least recently used idle agents are forgotten past maxAgents. */
  private agent(agentId: string): AgentState | undefined {
    const known = this.agents.get(agentId);
    if (known !== undefined) {
      this.agents.delete(agentId);
      this.agents.set(agentId, known);
      return known;
    }
    if (this.agents.size >= this.opts.maxAgents) {
      let evicted = false;
      for (const [id, a] of this.agents) {
        if (a.windows.size === 0) {
          this.agents.delete(id);
          evicted = true;
          break;
        }
      }
      if (!evicted) return undefined;
    }
    const fresh: AgentState = { newestSeq: -1, lastClosedSeq: -1, windows: new Map() };
    this.agents.set(agentId, fresh);
    return fresh;
  }
}
