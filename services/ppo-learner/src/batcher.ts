// Accumulates trajectory chunks from any number of actors into one learner batch: validates each
// chunk against the model's shape, drops chunks whose every sample is older than maxPolicyLag
// (counted), and joins the newest chunks of equal T along the agent axis (concatRollouts) up to
// maxBatch samples. Per-sample lag filtering and LR scaling stay in the Learner.
// Must not: do I/O or learn.
import { concatRollouts, validateRollout, type MutableRollout } from '@ala/policy';
import type { TrajectoryChunk } from '@ala/protocol';

export type AddResult = 'ok' | 'stale' | 'invalid';

/** Counters of the batcher (monotonic). */
export interface BatcherCounts {
  chunksIn: number;
  samplesIn: number;
  /** Chunks refused by shape/value checks or carrying a version newer than the learner's. */
  chunksInvalid: number;
  /** Chunks (and their samples) dropped because every sample was too old. */
  chunksStale: number;
  samplesStale: number;
  /** Samples dropped because a batch was capped at maxBatch (oldest first). */
  samplesOverflow: number;
}

function maxVersion(c: TrajectoryChunk): number {
  let m = 0;
  for (let i = 0; i < c.policyVersion.length; i++) if (c.policyVersion[i]! > m) m = c.policyVersion[i]!;
  return m;
}

export class Batcher {
  private chunks: TrajectoryChunk[] = [];
  readonly counts: BatcherCounts = { chunksIn: 0, samplesIn: 0, chunksInvalid: 0, chunksStale: 0, samplesStale: 0, samplesOverflow: 0 };

  constructor(
    readonly obsDim: number,
    readonly nActions: number,
    /** Samples needed before an update. */
    readonly minBatch: number,
    /** Most samples in one update. */
    readonly maxBatch: number,
  ) {}

  /** Samples waiting. */
  get samples(): number {
    return this.chunks.reduce((s, c) => s + c.T * c.nAgents, 0);
  }

  /** Add one decoded chunk, given the learner's version now. */
  add(chunk: TrajectoryChunk, currentVersion: number, maxPolicyLag: number): AddResult {
    this.counts.chunksIn += 1;
    this.counts.samplesIn += chunk.T * chunk.nAgents;
    try {
      if (chunk.nActions !== this.nActions) throw new RangeError(`nActions ${chunk.nActions} != ${this.nActions}`);
      validateRollout(chunk, this.obsDim, this.nActions);
    } catch {
      this.counts.chunksInvalid += 1;
      return 'invalid';
    }
    if (maxVersion(chunk) > currentVersion) {
      this.counts.chunksInvalid += 1;
      return 'invalid';
    }
    if (currentVersion - maxVersion(chunk) > maxPolicyLag) {
      this.counts.chunksStale += 1;
      this.counts.samplesStale += chunk.T * chunk.nAgents;
      return 'stale';
    }
    this.chunks.push(chunk);
    return 'ok';
  }

  /** Drop waiting chunks that became entirely stale (after an update). */
  prune(currentVersion: number, maxPolicyLag: number): void {
    this.chunks = this.chunks.filter((c) => {
      if (currentVersion - maxVersion(c) <= maxPolicyLag) return true;
      this.counts.chunksStale += 1;
      this.counts.samplesStale += c.T * c.nAgents;
      return false;
    });
  }

  /** True when at least minBatch samples of one chunk length T are waiting. */
  ready(): boolean {
    return this.bestGroup().samples >= this.minBatch;
  }

  /** The newest chunks of the largest same-T group, joined along the agent axis (capped at maxBatch). */
  take(): MutableRollout | undefined {
    const g = this.bestGroup();
    if (g.samples === 0) return undefined;
    const group = this.chunks.filter((c) => c.T === g.T);
    this.chunks = this.chunks.filter((c) => c.T !== g.T);
    const picked: TrajectoryChunk[] = [];
    let n = 0;
    for (let i = group.length - 1; i >= 0; i--) {
      const c = group[i]!;
      const k = c.T * c.nAgents;
      if (picked.length > 0 && n + k > this.maxBatch) {
        this.counts.samplesOverflow += k;
        continue;
      }
      picked.unshift(c);
      n += k;
    }
    return concatRollouts(picked, this.nActions);
  }

  private bestGroup(): { T: number; samples: number } {
    const by = new Map<number, number>();
    for (const c of this.chunks) by.set(c.T, (by.get(c.T) ?? 0) + c.T * c.nAgents);
    let best = { T: 0, samples: 0 };
    for (const [T, samples] of by) if (samples > best.samples) best = { T, samples };
    return best;
  }
}
