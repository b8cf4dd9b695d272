// Publishing into JetStream: the last bias per agent into ALA_BIAS with a server-enforced TTL
// (`Nats-TTL`) plus the receiver TTL (`Ala-Ttl-Ms`), reading it back after a restart, and durable
// msg-id publishes (trajectory chunks) that retry through a server restart and are stored once.
// It must not create streams (jetstream.ts) and must not hand out expired bias.
import { Bias, decode, HEADER_TTL_MS, parseTtlMs, subjects, type MessageDef } from '@ala/protocol';
import type { PubAck } from '@nats-io/jetstream';
import { InvalidArgumentError } from '@nats-io/transport-node';
import { systemClock, type Clock } from './clock';
import { envelope } from './envelope';
import { BusInputError, DurablePublishError } from './errors';
import { resourceNames, type JetStreamContext } from './jetstream';
import { noopBusMetrics, type BusMetrics } from './metrics';
import { readHeader, toMsgHdrs } from './nats-bus';

/**
 * Server TTL for a lifetime in ms. The server keeps whole seconds (minimum 1 s, "0" is an error),
 * so we round UP: the server deletes the message at most 1 s after the receiver contract
 * (`Ala-Ttl-Ms`) has already voided it; never before.
 */
export function natsTtl(ttlMs: number): string {
  return `${Math.max(1, Math.ceil(ttlMs / 1000))}s`;
}

/**
 * Publishes a Bias into ALA_BIAS (its subject `<prefix>.bias.<agent>` is also delivered to core
 * subscribers) with `Nats-TTL` (rounded up to whole seconds) and `Ala-Ttl-Ms` = `ttlMs`.
 */
export async function publishBiasStored(
  ctx: JetStreamContext,
  subject: string,
  bias: Bias,
  ttlMs: number,
  opts: { metrics?: BusMetrics; timeoutMs?: number } = {},
): Promise<PubAck> {
  const env = envelope(Bias, bias, { ttlMs });
  const ack = await ctx.js.publish(subject, env.data, { headers: toMsgHdrs(env.headers), ttl: natsTtl(ttlMs), timeout: opts.timeoutMs });
  (opts.metrics ?? noopBusMetrics).count('out', Bias.name);
  return ack;
}

export interface StoredBias {
  readonly value: Bias;
  readonly seq: number;
  /** Receiver-clock deadline (see readLastBias for how the age is estimated). */
  readonly deadline: number;
  remainingMs(): number;
}

/**
 * Last stored bias of `agentId` (direct get, last per subject), or undefined when there is none
 * or its lifetime is over. The age since storing is estimated from the server timestamp and this
 * host's wall clock (the only cross-clock step of the contract, used on restart only); a
 * negative estimate counts as 0, and the server-side TTL deletes it anyway.
 */
export async function readLastBias(
  ctx: JetStreamContext,
  agentId: string,
  opts: { prefix?: string; clock?: Clock; metrics?: BusMetrics; wallNow?: () => number } = {},
): Promise<StoredBias | undefined> {
  const prefix = opts.prefix ?? 'ala';
  const clock = opts.clock ?? systemClock;
  const metrics = opts.metrics ?? noopBusMetrics;
  const subject = subjects(prefix).bias(agentId);
  const stored = await ctx.jsm.direct.getMessage(resourceNames(prefix).bias, { last_by_subj: subject });
  if (stored === null) return undefined;
  metrics.count('in', Bias.name);
  let value: Bias;
  let ttlMs: number;
  try {
    value = decode(Bias, stored.data);
    ttlMs = parseTtlMs(readHeader(stored.header, HEADER_TTL_MS));
  } catch {
    metrics.count('decodeErrors', Bias.name);
    return undefined;
  }
  const ageMs = Math.max(0, (opts.wallNow ?? Date.now)() - stored.time.getTime());
  const deadline = clock.now() + ttlMs - ageMs;
  if (deadline - clock.now() <= 0) {
    metrics.count('expired', Bias.name);
    return undefined;
  }
  return { value, seq: stored.seq, deadline, remainingMs: () => deadline - clock.now() };
}

export interface DurableOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Timeout of one attempt (default 1 s: a request sent while disconnected can be lost). */
  attemptTimeoutMs?: number;
  /** Wait between attempts (default 100 ms). */
  retryDelayMs?: number;
  metrics?: BusMetrics;
  headers?: Record<string, string>;
}

/**
 * JetStream publish with `Nats-Msg-Id` = `msgId`, retried with the same id until acknowledged, so
 * a chunk sent across a server restart is stored exactly once (within the stream's duplicate
 * window). Resolves with the ack (`duplicate: true` when the server had it already). A message
 * larger than the server's `max_payload` is refused at once with a BusInputError: no retry can
 * store it.
 */
export async function publishDurable<T>(
  ctx: JetStreamContext,
  def: MessageDef<T>,
  subject: string,
  msg: T,
  msgId: string,
  opts: DurableOptions = {},
): Promise<PubAck> {
  const env = envelope(def, msg, { headers: opts.headers });
  const maxPayload = ctx.nc.info?.max_payload;
  if (maxPayload !== undefined && env.data.byteLength > maxPayload) {
    throw new BusInputError(
      'payload',
      `${def.name} ${msgId} is ${env.data.byteLength} bytes, over the server's max_payload of ${maxPayload}; nothing was sent`,
    );
  }
  const giveUpAt = performance.now() + (opts.timeoutMs ?? 30_000);
  let attempts = 0;
  let lastError: unknown;
  while (attempts === 0 || performance.now() < giveUpAt) {
    attempts++;
    try {
      const ack = await ctx.js.publish(subject, env.data, {
        msgID: msgId,
        headers: toMsgHdrs(env.headers),
        timeout: opts.attemptTimeoutMs ?? 1_000,
      });
      (opts.metrics ?? noopBusMetrics).count('out', def.name);
      return ack;
    } catch (err) {
      // nats.js refuses a payload over max_payload (headers included) before sending: retrying cannot help
      if (err instanceof InvalidArgumentError) throw new BusInputError('payload', `${def.name} ${msgId}: ${err.message}; nothing was sent`, { cause: err });
      lastError = err;
      if (ctx.nc.isClosed()) break;
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 100));
    }
  }
  throw new DurablePublishError(subject, msgId, attempts, { cause: lastError });
}
