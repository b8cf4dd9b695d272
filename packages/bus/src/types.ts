// The transport seam: a typed Bus that publishes and receives MessageDef values, with the advice
// lifetime (TTL) contract (docs/architecture.md, Advice lifetime) carried in the `Ala-Ttl-Ms` header. Implemented by
// NatsBus (real) and InProcessBus (tests, single process). Types only: no behaviour here.
import type { MessageDef, Subjects } from '@ala/protocol';
import type { Clock } from './clock';
import type { BusLogger } from './logger';
import type { BusMetrics } from './metrics';

export interface PublishOptions {
  /** Remaining lifetime in ms at publish (>= 1); sent as `Ala-Ttl-Ms`. Omit for no lifetime. */
  ttlMs?: number;
  /** Extra headers (never `Ala-Ttl-Ms`: use `ttlMs`). */
  headers?: Record<string, string>;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group. */
  queue?: string;
  /**
   * Most messages waiting for the handler (default 10 000). Beyond it the oldest waiting message
   * is dropped and counted `overflow`: a slow handler never grows memory without bound.
   */
  maxPending?: number;
}

export interface RequestOptions extends PublishOptions {
  timeoutMs: number;
}

/** What a handler knows about the message besides its value. */
export interface MessageMeta {
  readonly subject: string;
  /** Receiver clock (ms) when the message arrived. */
  readonly receivedAt: number;
  /** Receiver clock (ms) when the message dies: receivedAt + Ala-Ttl-Ms; Infinity without TTL. */
  readonly deadline: number;
  /** `Ala-Ttl-Ms` as received; undefined when the message has no lifetime. */
  readonly ttlMs: number | undefined;
  /** deadline - now on the receiver clock (Infinity without TTL). */
  remainingMs(): number;
  /** A received header value, or undefined. */
  header(name: string): string | undefined;
  /** Reply subject of a request, if any. */
  readonly reply: string | undefined;
  /** Answer a request; throws BusInputError when the message is not a request. */
  respond<R>(def: MessageDef<R>, msg: R, opts?: PublishOptions): void;
}

export type Handler<T> = (value: T, meta: MessageMeta) => void | Promise<void>;

export interface BusSubscription {
  readonly subject: string;
  readonly queue: string | undefined;
  /** Stops delivery, then waits for the handler call in progress (queued messages are dropped). */
  unsubscribe(): Promise<void>;
}

export interface Bus {
  publish<T>(def: MessageDef<T>, subject: string, msg: T, opts?: PublishOptions): void;
  /**
   * Handlers run one at a time per subscription, in arrival order. A message is dropped and
   * counted (`expired`) if its lifetime is <= 0 at receipt or at handler start; malformed bytes
   * or headers are dropped and counted (`decodeErrors`); a throwing handler is counted
   * (`handlerErrors`) and the subscription continues.
   */
  subscribe<T>(def: MessageDef<T>, subject: string, handler: Handler<T>, opts?: SubscribeOptions): BusSubscription;
  request<T, R>(def: MessageDef<T>, subject: string, msg: T, resDef: MessageDef<R>, opts: RequestOptions): Promise<R>;
  /** Resolves when everything published so far has left this process (NATS: a server round trip). */
  flush(): Promise<void>;
  /** Unsubscribes everything and waits for running handlers; later calls throw BusClosedError. */
  close(): Promise<void>;
}

/** Injected dependencies shared by both implementations; every field has a default. */
export interface BusDeps {
  clock?: Clock;
  metrics?: BusMetrics;
  logger?: BusLogger;
  /**
   * When set, a received message whose payload names another agent/actor than its subject is
   * refused and counted as a decode error (protocol `assertSubjectMatches`).
   */
  subjects?: Subjects;
}
