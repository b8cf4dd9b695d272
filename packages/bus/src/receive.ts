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

/** One message as the transport saw it. */
export interface RawDelivery {
  readonly subject: string;
  readonly data: Uint8Array;
  header(name: string): string | undefined;
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

/** Serial per-subscription dispatcher. */
export class Receiver<T> {
  private readonly queue: Item<T>[] = [];
  private running: Promise<void> = Promise.resolve();
  private pumping = false;
  private closed = false;

  constructor(
    private readonly def: MessageDef<T>,
    private readonly handler: Handler<T>,
    private readonly deps: ReceiverDeps,
    private readonly maxPending = 10_000,
  ) {
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new BusInputError('maxPending', `must be an integer >= 1, got ${maxPending}`);
  }

  /** Called by the transport for each message, at arrival. Never throws. */
  deliver(raw: RawDelivery): void {
    if (this.closed) return;
    const { clock, metrics } = this.deps;
    const name = this.def.name;
    const receivedAt = clock.now();
    metrics.count('in', name);
    let ttlMs: number | undefined;
    let value: T;
    try {
      const ttlHeader = raw.header(HEADER_TTL_MS);
      ttlMs = ttlHeader === undefined ? undefined : parseTtlMs(ttlHeader);
      if (ttlMs !== undefined && ttlMs <= 0) {
        metrics.count('expired', name);
        return;
      }
      value = decode(this.def, raw.data);
      if (this.deps.subjects !== undefined && this.def.subject !== undefined) {
        assertSubjectMatches(this.deps.subjects, this.def, raw.subject, value);
      }
    } catch (err) {
      metrics.count('decodeErrors', name);
      this.deps.logger.warn('dropped undecodable message', { subject: raw.subject, message: name, error: err });
      return;
    }
    const deadline = ttlMs === undefined ? Infinity : receivedAt + ttlMs;
    const meta: MessageMeta = {
      subject: raw.subject,
      receivedAt,
      deadline,
      ttlMs,
      remainingMs: () => deadline - clock.now(),
      header: (h) => raw.header(h),
      reply: raw.reply,
      respond: <R>(def: MessageDef<R>, msg: R, opts?: PublishOptions) => {
        if (raw.reply === undefined) throw new BusInputError('respond', `message on ${raw.subject} is not a request`);
        const env = envelope(def, msg, opts);
        this.deps.sendReply(raw.reply, env.data, env.headers);
        metrics.count('out', def.name);
      },
    };
    this.queue.push({ value, meta });
    if (this.queue.length > this.maxPending) {
      this.queue.shift();
      metrics.count('overflow', name);
    }
    if (!this.pumping) {
      this.pumping = true;
      this.running = this.pump();
    }
  }

  private async pump(): Promise<void> {
    const { clock, metrics, logger } = this.deps;
    const name = this.def.name;
    try {
      for (let item = this.queue.shift(); item !== undefined && !this.closed; item = this.queue.shift()) {
        if (item.meta.remainingMs() <= 0) {
          metrics.count('expired', name);
          continue;
        }
        const t0 = clock.now();
        try {
          await this.handler(item.value, item.meta);
        } catch (err) {
          metrics.count('handlerErrors', name);
          logger.error('message handler failed', { subject: item.meta.subject, message: name, error: err });
        }
        metrics.handlerMs(name, clock.now() - t0);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Stop accepting deliveries, drop the queue, wait for the handler call in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await this.running;
  }
}
