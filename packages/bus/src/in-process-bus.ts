// A Bus inside one process with NATS semantics: subjects with '*' and '>', queue groups (one
// member per group gets each message, round robin), request/reply with timeout and no-responders,
// and the same TTL, decode and metrics pipeline as NatsBus (payloads really are encoded and
// decoded). Delivery is asynchronous (setImmediate), like a network hop. It must not be used to
// cross processes, and it must not share mutable message objects between publisher and receiver.
import { decode, type MessageDef } from '@ala/protocol';
import { systemClock } from './clock';
import { assertTimeout, envelope } from './envelope';
import { BusClosedError, BusRequestError } from './errors';
import { consoleLogger } from './logger';
import { rateLimitedLogger } from './rate-limited-log';
import { noopBusMetrics } from './metrics';
import { Receiver, type ReceiverDeps } from './receive';
import { assertPublishSubject, assertSubscribeSubject, subjectMatches } from './subject-match';
import type { Bus, BusDeps, BusSubscription, Handler, PublishOptions, RequestOptions, SubscribeOptions } from './types';

interface Entry {
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly deliver: (subject: string, data: Uint8Array, headers: Record<string, string> | undefined, reply: string | undefined) => void;
}

export class InProcessBus implements Bus {
  private readonly entries = new Set<Entry>();
  private readonly receivers = new Set<Receiver<unknown>>();
  private readonly roundRobin = new Map<string, number>();
  private readonly deps: ReceiverDeps;
  private closed = false;
  private inboxSeq = 0;

  constructor(deps: BusDeps = {}) {
    const clock = deps.clock ?? systemClock;
    this.deps = {
      clock,
      metrics: deps.metrics ?? noopBusMetrics,
      logger: rateLimitedLogger(deps.logger ?? consoleLogger, { clock }), // per-message warnings: once, then counted
      subjects: deps.subjects,
      sendReply: (reply, data, headers) => this.route(reply, data, headers, undefined),
    };
  }

  publish<T>(def: MessageDef<T>, subject: string, msg: T, opts?: PublishOptions): void {
    if (this.closed) throw new BusClosedError('publish');
    assertPublishSubject(subject);
    const env = envelope(def, msg, opts);
    this.route(subject, env.data, env.headers, undefined);
    this.deps.metrics.count('out', def.name);
  }

  /** Sends raw bytes (e.g. malformed ones in tests); no codec, no metrics. */
  publishRaw(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    if (this.closed) throw new BusClosedError('publishRaw');
    assertPublishSubject(subject);
    this.route(subject, data, headers, undefined);
  }

  subscribe<T>(def: MessageDef<T>, subject: string, handler: Handler<T>, opts: SubscribeOptions = {}): BusSubscription {
    if (this.closed) throw new BusClosedError('subscribe');
    assertSubscribeSubject(subject);
    const receiver = new Receiver(def, handler, this.deps, opts.maxPending);
    const entry: Entry = {
      pattern: subject,
      queue: opts.queue,
      deliver: (subj, data, headers, reply) => receiver.deliver({ subject: subj, data, reply, header: (name) => lookupHeader(headers, name) }),
    };
    this.entries.add(entry);
    this.receivers.add(receiver as Receiver<unknown>);
    return {
      subject,
      queue: opts.queue,
      unsubscribe: async () => {
        this.entries.delete(entry);
        this.receivers.delete(receiver as Receiver<unknown>);
        await receiver.close();
      },
    };
  }

  async request<T, R>(def: MessageDef<T>, subject: string, msg: T, resDef: MessageDef<R>, opts: RequestOptions): Promise<R> {
    if (this.closed) throw new BusClosedError('request');
    assertPublishSubject(subject);
    assertTimeout(opts.timeoutMs);
    const env = envelope(def, msg, opts);
    const inbox = `_INBOX.${++this.inboxSeq}`;
    return new Promise<R>((resolve, reject) => {
      const finish = (err: Error | undefined, value?: R): void => {
        clearTimeout(timer);
        this.entries.delete(entry);
        if (err) reject(err);
        else resolve(value as R);
      };
      const entry: Entry = {
        pattern: inbox,
        queue: undefined,
        deliver: (_s, data) => {
          try {
            finish(undefined, decode(resDef, data));
          } catch (err) {
            finish(new BusRequestError(subject, 'bad-reply', { cause: err }));
          }
        },
      };
      const timer = setTimeout(() => finish(new BusRequestError(subject, 'timeout')), opts.timeoutMs);
      this.entries.add(entry);
      if (!this.route(subject, env.data, env.headers, inbox)) {
        finish(new BusRequestError(subject, 'no-responders'));
        return;
      }
      this.deps.metrics.count('out', def.name);
    });
  }

  async flush(): Promise<void> {
    // deliveries are queued with setImmediate in FIFO order: one more turn dispatches them all
    await new Promise((r) => setImmediate(r));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
    const receivers = [...this.receivers];
    this.receivers.clear();
    await Promise.all(receivers.map((r) => r.close()));
  }

  /** Picks the receiving entries now and hands the bytes over on the next turn. Returns false when nobody matched. */
  private route(subject: string, data: Uint8Array, headers: Record<string, string> | undefined, reply: string | undefined): boolean {
    const targets: Entry[] = [];
    const groups = new Map<string, Entry[]>();
    for (const e of this.entries) {
      if (!subjectMatches(e.pattern, subject)) continue;
      if (e.queue === undefined) targets.push(e);
      else groups.set(e.queue, [...(groups.get(e.queue) ?? []), e]);
    }
    for (const [queue, members] of groups) {
      const n = this.roundRobin.get(queue) ?? 0;
      this.roundRobin.set(queue, n + 1);
      const chosen = members[n % members.length];
      if (chosen) targets.push(chosen);
    }
    if (targets.length === 0) return false;
    const copy = headers === undefined ? undefined : { ...headers };
    for (const t of targets) {
      // every receiver gets its own copy of the bytes, as over a network
      const bytes = data.slice();
      setImmediate(() => {
        if (this.entries.has(t)) t.deliver(subject, bytes, copy, reply);
      });
    }
    return true;
  }
}

function lookupHeader(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
