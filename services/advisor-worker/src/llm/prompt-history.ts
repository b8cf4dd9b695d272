// Recent history per agent for the LLM prompt: the last few snapshots this advisor saw of each
// agent in its current episode (a one-line summary each) and the action it advised then. A new
// episode (episodeStep going back) forgets the old one; agents are bounded (LRU), so memory stays
// fixed however many agents come and go. Pure state: no I/O, no clock.
import { LRUCache } from 'lru-cache';
import type { StateSnapshot } from '@ala/protocol';
import type { HistoryEntry } from './prompt';

interface Entry {
  episodeStep: number;
  summary: string;
  advised?: string;
}

interface Track {
  entries: Entry[];
  lastStep: number;
}

/** One line about a snapshot: for CartPole its angle and velocities, else the state text's line 2-3 (position, inventory). */
export function summarizeSnapshot(s: StateSnapshot): string {
  if (s.envId.startsWith('CartPole') && s.obs?.length === 4) {
    const [x, xDot, theta, thetaDot] = s.obs as [number, number, number, number];
    return `pole ${((theta * 180) / Math.PI).toFixed(2)} deg, ${thetaDot.toFixed(3)} rad/s; cart x ${x.toFixed(2)} m, ${xDot.toFixed(2)} m/s`;
  }
  const lines = s.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return (lines.length > 1 ? lines.slice(1, 3) : lines).join(' ').slice(0, 200);
}

export class PromptHistory {
  private readonly tracks: LRUCache<string, Track>;

  /** `length` entries per agent (0 = off), `maxAgents` agents remembered. */
  constructor(
    private readonly length: number,
    maxAgents = 4096,
  ) {
    this.tracks = new LRUCache({ max: Math.max(1, maxAgents) });
  }

  /**
   * Entries before `s` in its agent's current episode (oldest first), then remembers `s`; call
   * the returned function with the advised action's name once answered. Recorded at request time
   * so answers finishing out of order keep the history in step order.
   */
  take(s: StateSnapshot): { history: readonly HistoryEntry[]; advised(name: string): void } {
    if (this.length === 0) return { history: [], advised: () => undefined };
    let t = this.tracks.get(s.agentId);
    if (t === undefined || s.episodeStep < t.lastStep) {
      t = { entries: [], lastStep: s.episodeStep }; // first sight or a new episode
      this.tracks.set(s.agentId, t);
    }
    const history = t.entries.filter((e) => e.episodeStep < s.episodeStep).map((e) => ({ ...e }));
    const entry: Entry = { episodeStep: s.episodeStep, summary: summarizeSnapshot(s) };
    t.lastStep = s.episodeStep;
    t.entries.push(entry);
    if (t.entries.length > this.length) t.entries.splice(0, t.entries.length - this.length);
    return { history, advised: (name) => void (entry.advised = name) };
  }
}
