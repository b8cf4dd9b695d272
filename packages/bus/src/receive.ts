// Incoming side of the TTL contract, shared by both bus implementations: stamp the receipt time,
// compute the deadline from `Ala-Ttl-Ms`, drop expired or malformed messages (counted), and run
// the handler serially per subscription with a re-check at handler start. It must not know the
// transport: the caller hands in raw deliveries and a reply function.
import { assertSubjectMatches, decode, HEADER_TTL_MS, parseTtlMs, type MessageDef, type Subjects } from '@ala/protocol';
import type { Clock } from './clock';
import { envelope } from './envelope';
import { BusInputError } from './errors';
import type { BusLogger } from './logger';
import type { BusMetrics } from './metrics';
import type { Handler, MessageMeta, PublishOptions } from './types';

// Per-message path: imported bindings read once (a transpiled import is a property getter on every use)
const decodePayload = decode;
const parseTtl = parseTtlMs;
const assertSubject = assertSubjectMatches;
const TTL_HEADER = HEADER_TTL_MS;
/** Continuations are chained on it: a microtask without the async resource Node's queueMicrotask allocates per call. */
const SETTLED = Promise.resolve();

/** One message as the transport saw it. */
export interface RawDelivery {
  readonly subject: string;
  readonly data: Uint8Array;
  header(name: string): string | undefined;
  /** `Ala-Ttl-Ms` as header() reads it, or already the number parseTtlMs would return for it (a transport that reads it from bytes). */
  ttlHeader?(): number | string | undefined;
  readonly reply: string | undefined;
}

export interface ReceiverDeps {
  clock: Clock;
  metrics: BusMetrics;
  logger: BusLogger;
  subjects: Subjects | undefined;
  /** Sends a reply (already encoded) to `reply`. */
  sendReply(reply: string, data: Uint8Array, headers: Record<string, string> | undefined): void;
}

interface Item<T> {
  value: T;
  meta: MessageMeta;
}

/** What a handler gets besides the value: one object per message, its methods on the prototype (no per-message closures). */
class ReceivedMeta implements MessageMeta {
  constructor(
    private readonly raw: RawDelivery,
    private readonly deps: ReceiverDeps,
    readonly subject: string,
    readonly receivedAt: number,
    readonly deadline: number,
    readonly ttlMs: number | undefined,
  ) {}

  get reply(): string | undefined {
    return this.raw.reply;
  }

  remainingMs(): number {
    return this.deadline - this.deps.clock.now();
  }

  header(name: string): string | undefined {
    return this.raw.header(name);
  }

  respond<R>(def: MessageDef<R>, msg: R, opts?: PublishOptions): void {
    const reply = this.raw.reply;
    if (reply === undefined) throw new BusInputError('respond', `message on ${this.subject} is not a request`);
    const env = envelope(def, msg, opts);
    this.deps.sendReply(reply, env.data, env.headers);
    this.deps.metrics.count('out', def.name);
  }
}

/**
 * Serial per-subscription dispatcher. A message that arrives while no handler runs is handed to
 * the handler at once (no queue entry, no promise unless the handler returns one); others wait in
 * arrival order, at most maxPending of them, and run one per microtask turn.
 */
export class Receiver<T> {
  private readonly queue: Item<T>[] = [];
  private running: Promise<void> = Promise.resolve();
  private pumping = false;
  private closed = false;
  private readonly name: string;

  constructor(
    private readonly def: MessageDef<T>,
    private readonly handler: Handler<T>,
    private readonly deps: ReceiverDeps,
    private readonly maxPending = 10_000,
  ) {
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new BusInputError('maxPending', `must be an integer >= 1, got ${maxPending}`);
    this.name = def.name;
  }

  /** Called by the transport for each message, at arrival. Never throws. */
  deliver(raw: RawDelivery): void {
    if (this.closed) return;
    const deps = this.deps;
    const metrics = deps.metrics;
    const name = this.name;
    const receivedAt = deps.clock.now();
    metrics.count('in', name);
    let ttlMs: number | undefined;
    let value: T;
    try {
      const ttlHeader = raw.ttlHeader === undefined ? raw.header(TTL_HEADER) : raw.ttlHeader();
      ttlMs = ttlHeader === undefined || typeof ttlHeader === 'number' ? ttlHeader : parseTtl(ttlHeader);
      if (ttlMs !== undefined && ttlMs <= 0) {
        metrics.count('expired', name);
        return;
      }
      value = decodePayload(this.def, raw.data);
      if (deps.subjects !== undefined && this.def.subject !== undefined) {
        assertSubject(deps.subjects, this.def, raw.subject, value);
      }
    } catch (err) {
      metrics.count('decodeErrors', name);
      deps.logger.warn('dropped undecodable message', { subject: raw.subject, message: name, error: err });
      return;
    }
    const meta = new ReceivedMeta(raw, deps, raw.subject, receivedAt, ttlMs === undefined ? Infinity : receivedAt + ttlMs, ttlMs);
    if (this.pumping) {
      this.queue.push({ value, meta });
      if (this.queue.length > this.maxPending) {
        this.queue.shift();
        metrics.count('overflow', name);
      }
      return;
    }
    this.pumping = true;
    this.after(this.run(value, meta, deps.clock.now()));
  }

  /**
   * Continues with the next waiting message once the handler call is over: a microtask after a
   * synchronous handler (as an awaited one; work the handler started gets that turn before the
   * next message), after its promise for an asynchronous one.
   */
  private after(pending: Promise<void> | undefined): void {
    if (pending === undefined) void SETTLED.then(this.next);
    else this.running = pending.then(this.next);
  }

  /** Runs the next waiting message, or ends the run when there is none (or the receiver closed). */
  private readonly next = (): void => {
    const item = this.closed ? undefined : this.queue.shift();
    if (item === undefined) {
      this.pumping = false;
      return;
    }
    this.after(this.run(item.value, item.meta, this.deps.clock.now()));
  };

  /**
   * One handler call starting at `t0` (bus clock), with the re-check of the lifetime at handler
   * start; counts errors and times the call. Returns a promise only when the handler returned one.
   */
  private run(value: T, meta: MessageMeta, t0: number): Promise<void> | undefined {
    const { clock, metrics } = this.deps;
    if (meta.deadline - t0 <= 0) {
      metrics.count('expired', this.name);
      return undefined;
    }
    let result: void | Promise<void>;
    try {
      result = this.handler(value, meta);
    } catch (err) {
      this.failed(err, meta.subject, t0);
      return undefined;
    }
    if (result === undefined || typeof (result as Partial<PromiseLike<void>>).then !== 'function') {
      metrics.handlerMs(this.name, clock.now() - t0);
      return undefined;
    }
    return Promise.resolve(result).then(
      () => this.deps.metrics.handlerMs(this.name, this.deps.clock.now() - t0),
      (err: unknown) => this.failed(err, meta.subject, t0),
    );
  }

  private failed(err: unknown, subject: string, t0: number): void {
    const { clock, metrics, logger } = this.deps;
    metrics.count('handlerErrors', this.name);
    logger.error('message handler failed', { subject, message: this.name, error: err });
    metrics.handlerMs(this.name, clock.now() - t0);
  }

  /** Stop accepting deliveries, drop the queue, wait for the handler call in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await this.running;
  }
}
