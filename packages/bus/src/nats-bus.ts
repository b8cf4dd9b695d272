// The real Bus over a nats.js v3 connection (core NATS): typed publish/subscribe/request with the
// TTL contract and metrics of the shared receive pipeline. Subscriptions use callbacks so the
// receipt time is taken when the client reads the message, not when a handler gets to it. It does
// not own the connection (see connect.ts) and does not touch JetStream (see jetstream.ts).
import { decode, encode, HEADER_TTL_MS, type MessageDef } from '@ala/protocol';
import { Match, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { systemClock } from './clock';
import { assertTimeout, checkedTtlMs, envelope } from './envelope';
import { BusClosedError, BusRequestError } from './errors';
import { consoleLogger } from './logger';
import { rateLimitedLogger } from './rate-limited-log';
import { noopBusMetrics, type BusMetrics } from './metrics';
import { headerBlock, NOT_PLAIN, scanHeader, scanTtlMs, TtlHeaderCache } from './nats-headers';
import { Receiver, type RawDelivery, type ReceiverDeps } from './receive';
import { assertPublishSubject, assertSubscribeSubject } from './subject-match';
import type { Bus, BusDeps, BusSubscription, Handler, PublishOptions, RequestOptions, SubscribeOptions } from './types';

/** nats.js headers from a plain record (undefined when empty). */
export function toMsgHdrs(h: Record<string, string> | undefined): MsgHdrs | undefined {
  if (h === undefined) return undefined;
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

/** A header of a received nats.js message (name case-insensitive, as HTTP), undefined when absent. */
export function readHeader(h: MsgHdrs | undefined, name: string): string | undefined {
  return h !== undefined && h.has(name, Match.IgnoreCase) ? h.get(name, Match.IgnoreCase) : undefined;
}

// Per-message path: imported bindings read once (a transpiled import is a property getter on every use)
const TTL_HEADER = HEADER_TTL_MS;
const TTL_LOWER = HEADER_TTL_MS.toLowerCase();
const encodePayload = encode;
const blockOf = headerBlock;
const scanBlock = scanHeader;
const scanTtl = scanTtlMs;

/**
 * A received nats.js message as the Receiver reads it. `Ala-Ttl-Ms` is read from the header bytes
 * (nats-headers.ts); other headers, and unusual header blocks, through nats.js's parser. The
 * subject of a subscription without wildcards is that subscription's subject (no decoding).
 */
class NatsDelivery implements RawDelivery {
  constructor(
    private readonly msg: Msg,
    readonly subject: string,
  ) {}

  get data(): Uint8Array {
    return this.msg.data;
  }

  get reply(): string | undefined {
    return this.msg.reply;
  }

  header(name: string): string | undefined {
    if (name === TTL_HEADER || name.toLowerCase() === TTL_LOWER) {
      const block = blockOf(this.msg);
      if (block === undefined) return undefined;
      if (block !== NOT_PLAIN) {
        const v = scanBlock(block, TTL_LOWER);
        if (v !== NOT_PLAIN) return v;
      }
    }
    return readHeader(this.msg.headers, name);
  }

  ttlHeader(): number | string | undefined {
    const block = blockOf(this.msg);
    if (block === undefined) return undefined;
    if (block !== NOT_PLAIN) {
      const v = scanTtl(block);
      if (v !== NOT_PLAIN) return v;
    }
    return readHeader(this.msg.headers, TTL_HEADER);
  }
}

export class NatsBus implements Bus {
  private readonly deps: ReceiverDeps;
  private readonly ttlHeaders = new TtlHeaderCache();
  private readonly subs = new Map<Subscription, Receiver<unknown>>();
  private closed = false;

  constructor(
    readonly nc: NatsConnection,
    deps: BusDeps = {},
  ) {
    const clock = deps.clock ?? systemClock;
    this.deps = {
      clock,
      metrics: deps.metrics ?? noopBusMetrics,
      logger: rateLimitedLogger(deps.logger ?? consoleLogger, { clock }), // per-message warnings: once, then counted
      subjects: deps.subjects,
      sendReply: (reply, data, headers) => this.nc.publish(reply, data, { headers: toMsgHdrs(headers) }),
    };
  }

  /** The counters this bus counts into (e.g. for a worker thread's own bus to report into the same ones). */
  get metrics(): BusMetrics {
    return this.deps.metrics;
  }

  publish<T>(def: MessageDef<T>, subject: string, msg: T, opts?: PublishOptions): void {
    if (this.closed) throw new BusClosedError('publish');
    assertPublishSubject(subject);
    if (opts?.headers === undefined) {
      // common case: at most Ala-Ttl-Ms, from a header set reused per value
      const headers = opts?.ttlMs === undefined ? undefined : this.ttlHeaders.get(checkedTtlMs(opts.ttlMs));
      this.nc.publish(subject, encodePayload(def, msg), headers === undefined ? undefined : { headers });
    } else {
      const env = envelope(def, msg, opts);
      this.nc.publish(subject, env.data, { headers: toMsgHdrs(env.headers) });
    }
    this.deps.metrics.count('out', def.name);
  }

  subscribe<T>(def: MessageDef<T>, subject: string, handler: Handler<T>, opts: SubscribeOptions = {}): BusSubscription {
    if (this.closed) throw new BusClosedError('subscribe');
    assertSubscribeSubject(subject);
    const receiver = new Receiver(def, handler, this.deps, opts.maxPending);
    const literal = !subject.split('.').some((t) => t === '*' || t === '>');
    const sub = this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) {
          this.deps.logger.error('subscription error', { subject, error: err });
          return;
        }
        receiver.deliver(new NatsDelivery(msg, literal ? subject : msg.subject));
      },
    });
    this.subs.set(sub, receiver as Receiver<unknown>);
    return {
      subject,
      queue: opts.queue,
      unsubscribe: async () => {
        this.subs.delete(sub);
        if (!sub.isClosed()) sub.unsubscribe();
        await receiver.close();
      },
    };
  }

  async request<T, R>(def: MessageDef<T>, subject: string, msg: T, resDef: MessageDef<R>, opts: RequestOptions): Promise<R> {
    if (this.closed) throw new BusClosedError('request');
    assertPublishSubject(subject);
    assertTimeout(opts.timeoutMs);
    const env = envelope(def, msg, opts);
    let reply;
    try {
      reply = await this.nc.request(subject, env.data, { timeout: opts.timeoutMs, headers: toMsgHdrs(env.headers) });
    } catch (err) {
      const noResponders =
        typeof (err as { isNoResponders?: unknown }).isNoResponders === 'function' && (err as { isNoResponders(): boolean }).isNoResponders();
      const closed = this.nc.isClosed();
      throw new BusRequestError(subject, noResponders ? 'no-responders' : closed ? 'closed' : 'timeout', { cause: err });
    } finally {
      this.deps.metrics.count('out', def.name);
    }
    const code = readHeader(reply.headers, 'Nats-Service-Error-Code');
    if (code !== undefined) {
      const description = readHeader(reply.headers, 'Nats-Service-Error') ?? '';
      throw new BusRequestError(subject, 'service-error', { serviceError: { code: Number(code), description } });
    }
    try {
      return decode(resDef, reply.data);
    } catch (err) {
      throw new BusRequestError(subject, 'bad-reply', { cause: err });
    }
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.subs];
    this.subs.clear();
    for (const [sub] of entries) if (!sub.isClosed()) sub.unsubscribe();
    await Promise.all(entries.map(([, r]) => r.close()));
  }
}
