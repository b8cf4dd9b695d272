// Shared-memory hand-off of live biases from the bias intake worker (bias-intake-worker.ts) to the
// step loop: one slot per agent holding the LATEST admitted bias (values already clipped to ±B,
// receipt time, deadline, acceptance time, advice id), each slot guarded by a sequence lock
// (https://en.wikipedia.org/wiki/Seqlock): the writer makes the slot's sequence odd, writes, makes
// it even again; the reader copies the slot and keeps the copy only if the sequence was even and
// unchanged around the copy, so it never takes a torn entry and never waits on the writer. Also the
// intake's monotonic counters (uint32, Atomics.add by the writer; the reader turns them into
// wrap-safe totals). One writer and one reader; times are ms on the reader's monotonic clock.
// Must not: start threads, do I/O, or decide what a valid bias is (bias-table.ts admitBias does).
import { MAX_ID_LENGTH } from '@ala/protocol';

/** The buffers of a set of slots; the same buffers build the writer's and the reader's view. */
export interface BiasSlotsBuffers {
  readonly nAgents: number;
  readonly nActions: number;
  /** Int32: [0] total writes (any slot), [1 + i] sequence of slot i (odd while it is written). */
  readonly ctrl: SharedArrayBuffer;
  /** Float64, per slot: receivedAt, deadline, acceptedAt, then nActions bias values. */
  readonly f64: SharedArrayBuffer;
  /** Bytes, per slot: length of the advice id, then up to MAX_ID_LENGTH ASCII bytes. */
  readonly ids: SharedArrayBuffer;
  /** Uint32, one per INTAKE_COUNTERS name. */
  readonly counters: SharedArrayBuffer;
}

/**
 * What the intake counts. received..rejected*: the bias handler (as the main-thread intake counts in
 * ActorStats); bus*: the worker bus's receive pipeline for message 'Bias' (as BusMetrics counts them).
 */
export const INTAKE_COUNTERS = [
  'received',
  'accepted',
  'clipped',
  'ttlCapped',
  'rejectedUnknownAgent',
  'rejectedLength',
  'rejectedNonFinite',
  'rejectedExpired',
  'busIn',
  'busExpired',
  'busDecodeErrors',
  'busOverflow',
  'busHandlerErrors',
] as const;
export type IntakeCounter = (typeof INTAKE_COUNTERS)[number];
export type IntakeTotals = Record<IntakeCounter, number>;

/** One slot as read: the values are in the caller's buffer. A NaN deadline marks a slot voided by a crashed writer. */
export interface SlotEntry {
  readonly seq: number;
  readonly adviceId: string;
  readonly receivedAt: number;
  readonly deadline: number;
  /** When the writer admitted the bias (reader clock). */
  readonly acceptedAt: number;
}

/** Copies of a slot tried before giving up for this step (the writer kept rewriting it). */
export const READ_TRIES = 8;
const HEAD = 3; // receivedAt, deadline, acceptedAt
const ID_STRIDE = 1 + MAX_ID_LENGTH;

export function allocBiasSlots(nAgents: number, nActions: number): BiasSlotsBuffers {
  if (!(Number.isInteger(nAgents) && nAgents >= 1 && Number.isInteger(nActions) && nActions >= 1))
    throw new RangeError(`allocBiasSlots: need integer nAgents, nActions >= 1, got ${nAgents}, ${nActions}`);
  return {
    nAgents,
    nActions,
    ctrl: new SharedArrayBuffer(4 * (1 + nAgents)),
    f64: new SharedArrayBuffer(8 * nAgents * (HEAD + nActions)),
    ids: new SharedArrayBuffer(nAgents * ID_STRIDE),
    counters: new SharedArrayBuffer(4 * INTAKE_COUNTERS.length),
  };
}

export class BiasSlots {
  readonly nAgents: number;
  readonly nActions: number;
  private readonly ctrl: Int32Array;
  private readonly f64: Float64Array;
  private readonly ids: Uint8Array;
  private readonly counters: Uint32Array;
  private readonly stride: number;

  constructor(readonly buffers: BiasSlotsBuffers) {
    this.nAgents = buffers.nAgents;
    this.nActions = buffers.nActions;
    this.ctrl = new Int32Array(buffers.ctrl);
    this.f64 = new Float64Array(buffers.f64);
    this.ids = new Uint8Array(buffers.ids);
    this.counters = new Uint32Array(buffers.counters);
    this.stride = HEAD + buffers.nActions;
  }

  // --- writer side (the intake worker) ---

  /** Publish the latest bias of agent i: `values` (nActions, already clipped), times on the reader's clock. */
  write(i: number, values: ArrayLike<number>, receivedAt: number, deadline: number, acceptedAt: number, adviceId: string): void {
    if (adviceId.length > MAX_ID_LENGTH) throw new RangeError(`advice id longer than ${MAX_ID_LENGTH}`);
    Atomics.add(this.ctrl, 1 + i, 1); // odd: being written
    const o = i * this.stride;
    this.f64[o] = receivedAt;
    this.f64[o + 1] = deadline;
    this.f64[o + 2] = acceptedAt;
    for (let j = 0; j < this.nActions; j++) this.f64[o + HEAD + j] = values[j]!;
    const io = i * ID_STRIDE;
    this.ids[io] = adviceId.length;
    for (let k = 0; k < adviceId.length; k++) this.ids[io + 1 + k] = adviceId.charCodeAt(k);
    Atomics.add(this.ctrl, 1 + i, 1); // even: complete
    Atomics.add(this.ctrl, 0, 1);
  }

  /**
   * For a writer that takes over from one that died: a slot left odd (the dead writer stopped in
   * the middle of it) is voided (NaN deadline: the reader keeps what it had) and closed. Returns how many.
   */
  repair(): number {
    let n = 0;
    for (let i = 0; i < this.nAgents; i++) {
      if ((Atomics.load(this.ctrl, 1 + i) & 1) === 0) continue;
      this.f64[i * this.stride + 1] = NaN;
      Atomics.add(this.ctrl, 1 + i, 1);
      Atomics.add(this.ctrl, 0, 1);
      n++;
    }
    return n;
  }

  /** Add n to a counter (writer only). */
  count(c: number, n = 1): void {
    Atomics.add(this.counters, c, n);
  }

  // --- reader side (the step loop) ---

  /** Total writes so far: unchanged means no slot changed. */
  version(): number {
    return Atomics.load(this.ctrl, 0);
  }

  /**
   * Copy slot i into `out` (nActions values) when its sequence differs from `lastSeq`. Returns the
   * entry, undefined when the slot did not change, or 'busy' when the writer rewrote it during
   * READ_TRIES copies in a row (try again at the next step). `out` may be overwritten even then.
   */
  read(i: number, lastSeq: number, out: Float64Array): SlotEntry | 'busy' | undefined {
    const o = i * this.stride;
    for (let t = 0; t < READ_TRIES; t++) {
      const s1 = Atomics.load(this.ctrl, 1 + i);
      if (s1 === lastSeq) return undefined;
      if ((s1 & 1) === 1) continue;
      const receivedAt = this.f64[o]!;
      const deadline = this.f64[o + 1]!;
      const acceptedAt = this.f64[o + 2]!;
      for (let j = 0; j < this.nActions; j++) out[j] = this.f64[o + HEAD + j]!;
      const io = i * ID_STRIDE;
      const len = Math.min(this.ids[io]!, MAX_ID_LENGTH);
      const adviceId = String.fromCharCode(...this.ids.subarray(io + 1, io + 1 + len));
      if (Atomics.load(this.ctrl, 1 + i) === s1) return { seq: s1, adviceId, receivedAt, deadline, acceptedAt };
    }
    return 'busy';
  }

  /** Raw counter values (uint32, wrapping); see CounterTotals. */
  rawCounters(): Uint32Array {
    const out = new Uint32Array(INTAKE_COUNTERS.length);
    for (let c = 0; c < out.length; c++) out[c] = Atomics.load(this.counters, c);
    return out;
  }
}

/** Index of a counter name in the shared counters. */
export const COUNTER: Readonly<Record<IntakeCounter, number>> = Object.fromEntries(INTAKE_COUNTERS.map((n, i) => [n, i])) as Record<IntakeCounter, number>;

export function zeroTotals(): IntakeTotals {
  return Object.fromEntries(INTAKE_COUNTERS.map((n) => [n, 0])) as IntakeTotals;
}

/**
 * Totals of the shared uint32 counters that survive their wrap at 2^32: each update adds the
 * difference since the previous one (mod 2^32), so it must run at least once per 2^32 increments
 * of any counter (the actor does every 100 ms). update() returns the increments since the last call.
 */
export class CounterTotals {
  readonly totals: IntakeTotals = zeroTotals();
  private last: Uint32Array = new Uint32Array(INTAKE_COUNTERS.length);

  update(raw: Uint32Array): IntakeTotals {
    const delta = zeroTotals();
    for (let c = 0; c < INTAKE_COUNTERS.length; c++) {
      const d = (raw[c]! - this.last[c]!) >>> 0;
      const name = INTAKE_COUNTERS[c]!;
      delta[name] = d;
      this.totals[name] += d;
    }
    this.last = raw;
    return delta;
  }
}
