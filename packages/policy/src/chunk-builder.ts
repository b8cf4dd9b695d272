// Builds TrajectoryChunk messages (@ala/protocol wire layout, flat row-major [T][nAgents]) step by
// step: the acting loop writes one row per vector step, then `finish` adds the bootstrap columns
// and hands back a complete chunk while a fresh one starts (VectorActor drives it for the
// actor-runner and the serial trainer alike). Must not: do I/O, act or decide
// when to publish (the service does).
import type { TrajectoryChunk } from '@ala/protocol';

/** Everything recorded for one agent at one step. */
export interface StepRecord {
  readonly action: number;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly value: number;
  readonly logpMu: number;
  readonly logpPk: number;
  readonly policyVersion: number;
  readonly advised: boolean;
  readonly biasTaken: number;
  readonly adviceAgeMs: number;
}

type Columns = Omit<TrajectoryChunk, 'v' | 'actorId' | 'chunkSeq' | 'T' | 'nAgents' | 'obsDim' | 'nActions'>;

function alloc(T: number, n: number, obsDim: number, nActions: number): Columns {
  const k = T * n;
  return {
    obs: new Float32Array(k * obsDim),
    actions: new Int32Array(k),
    rewards: new Float32Array(k),
    terminated: new Uint8Array(k),
    truncated: new Uint8Array(k),
    values: new Float32Array(k),
    logpMu: new Float32Array(k),
    logpPk: new Float32Array(k),
    policyVersion: new Uint32Array(k),
    advised: new Uint8Array(k),
    biasTaken: new Float32Array(k),
    adviceAgeMs: new Float32Array(k),
    truncValue: new Float32Array(k),
    nextObs: new Float32Array(n * obsDim),
    nextValue: new Float32Array(n),
    nextDone: new Uint8Array(n),
    legal: new Uint8Array(k * nActions),
  };
}

/** Bytes per agent-step of a chunk's columns, beside the observation and legal mask (actions .. truncValue). */
const ROW_BYTES = 4 + 4 + 1 + 1 + 4 + 4 + 4 + 4 + 1 + 4 + 4 + 4;
/** Field names, headers and msgpack framing of one chunk message (generous). */
const CHUNK_OVERHEAD_BYTES = 4096;

/**
 * Upper estimate of a TrajectoryChunk's encoded size (msgpack, typed arrays as raw bytes), to keep
 * chunks under a server's max_payload: T steps of n agents, plus the bootstrap columns.
 */
export function chunkWireBytes(T: number, nAgents: number, obsDim: number, nActions: number): number {
  return CHUNK_OVERHEAD_BYTES + T * nAgents * (4 * obsDim + nActions + ROW_BYTES) + nAgents * (4 * obsDim + 4 + 1);
}

/** The most steps per chunk (at least 1, at most `cap`) whose chunk fits in `maxBytes`. */
export function maxChunkSteps(maxBytes: number, nAgents: number, obsDim: number, nActions: number, cap: number): number {
  const perStep = nAgents * (4 * obsDim + nActions + ROW_BYTES);
  const fixed = chunkWireBytes(0, nAgents, obsDim, nActions);
  return Math.max(1, Math.min(cap, Math.floor((maxBytes - fixed) / perStep)));
}

export class ChunkBuilder {
  private cols: Columns;
  private t = 0;
  private seq = 0;

  constructor(
    readonly actorId: string,
    /** Steps per chunk (T). */
    readonly T: number,
    readonly nAgents: number,
    readonly obsDim: number,
    readonly nActions: number,
  ) {
    this.cols = alloc(T, nAgents, obsDim, nActions);
  }

  /** Steps recorded in the current chunk. */
  get steps(): number {
    return this.t;
  }

  /** True when T steps are recorded and `finish` must be called before the next `beginStep`. */
  get full(): boolean {
    return this.t === this.T;
  }

  /** Sequence number the next finished chunk will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Start step t: observations [nAgents][obsDim] and legal masks [nAgents][nActions]. */
  beginStep(obs: Float32Array, legal: Uint8Array): void {
    if (this.full) throw new RangeError('chunk is full: call finish() first');
    const n = this.nAgents;
    this.cols.obs.set(obs, this.t * n * this.obsDim);
    (this.cols.legal as Uint8Array).set(legal, this.t * n * this.nActions);
  }

  /** Record agent i of the current step. */
  record(i: number, r: StepRecord): void {
    const k = this.t * this.nAgents + i;
    const c = this.cols;
    c.actions[k] = r.action;
    c.rewards[k] = r.reward;
    c.terminated[k] = r.terminated ? 1 : 0;
    c.truncated[k] = r.truncated ? 1 : 0;
    c.values[k] = r.value;
    c.logpMu[k] = r.logpMu;
    c.logpPk[k] = r.logpPk;
    c.policyVersion[k] = r.policyVersion;
    c.advised[k] = r.advised ? 1 : 0;
    c.biasTaken[k] = r.biasTaken;
    c.adviceAgeMs[k] = r.adviceAgeMs;
  }

  /** V(final obs) of agent i, truncated at the current step. */
  setTruncValue(i: number, v: number): void {
    this.cols.truncValue[this.t * this.nAgents + i] = v;
  }

  /** Close the current step. */
  endStep(): void {
    this.t += 1;
  }

  /** Complete the chunk with s_T, V(s_T) and done flags of the last step; starts a new chunk. */
  finish(nextObs: Float32Array, nextValue: Float32Array): TrajectoryChunk {
    if (!this.full) throw new RangeError(`chunk has ${this.t} of ${this.T} steps`);
    const c = this.cols;
    const n = this.nAgents;
    c.nextObs.set(nextObs);
    c.nextValue.set(nextValue);
    const last = (this.T - 1) * n;
    for (let i = 0; i < n; i++) c.nextDone[i] = c.terminated[last + i] || c.truncated[last + i] ? 1 : 0;
    const chunk: TrajectoryChunk = {
      v: 1,
      actorId: this.actorId,
      chunkSeq: this.seq,
      T: this.T,
      nAgents: n,
      obsDim: this.obsDim,
      nActions: this.nActions,
      ...c,
    };
    this.seq += 1;
    this.t = 0;
    this.cols = alloc(this.T, n, this.obsDim, this.nActions);
    return chunk;
  }
}
