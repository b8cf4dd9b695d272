// Outgoing side of the TTL contract, shared by both bus implementations and the JetStream
// helpers: validate options, encode the payload once, build the header set with `Ala-Ttl-Ms`.
// It must not send anything and must not read a clock (the caller passes the remaining time).
import { encode, formatTtlMs, HEADER_TTL_MS, MAX_TTL_MS, type MessageDef } from '@ala/protocol';
import { BusInputError } from './errors';
import type { PublishOptions } from './types';

// Per-message path: imported bindings read once (a transpiled import is a property getter on every use)
const MAX_TTL = MAX_TTL_MS;
const formatTtl = formatTtlMs;

export interface Envelope {
  readonly data: Uint8Array;
  /** Headers to send (undefined when there are none). */
  readonly headers: Record<string, string> | undefined;
}

/**
 * Checks `ttlMs` (a whole number of ms in [1, MAX_TTL_MS] after flooring) and headers, then
 * encodes. Throws BusInputError or ProtocolError before anything is sent.
 */
export function envelope<T>(def: MessageDef<T>, msg: T, opts: PublishOptions = {}): Envelope {
  const headers: Record<string, string> = {};
  if (opts.headers !== undefined) {
    for (const [k, v] of Object.entries(opts.headers)) {
      if (k.toLowerCase() === HEADER_TTL_MS.toLowerCase()) throw new BusInputError('headers', `set ${HEADER_TTL_MS} through the ttlMs option`);
      if (!/^[!-9;-~]+$/.test(k) || typeof v !== 'string' || /[\r\n]/.test(v)) {
        throw new BusInputError('headers', `invalid header ${JSON.stringify(k)}`);
      }
      headers[k] = v;
    }
  }
  if (opts.ttlMs !== undefined) headers[HEADER_TTL_MS] = ttlHeaderValue(opts.ttlMs);
  const data = encode(def, msg);
  return { data, headers: Object.keys(headers).length > 0 ? headers : undefined };
}

/** The `Ala-Ttl-Ms` value for a `ttlMs` option; throws BusInputError unless it is a finite number of ms in [1, MAX_TTL_MS] after flooring. */
export function ttlHeaderValue(ttl: number): string {
  return formatTtl(checkedTtlMs(ttl));
}

/** A `ttlMs` option floored to whole ms; throws BusInputError unless it is finite and in [1, MAX_TTL_MS] after flooring. */
export function checkedTtlMs(ttl: number): number {
  const ms = Math.floor(ttl);
  if (typeof ttl !== 'number' || !(ms >= 1) || ttl > MAX_TTL) {
    throw new BusInputError('ttlMs', `must be a finite number of ms in [1, ${MAX_TTL}], got ${ttl}`);
  }
  return ms;
}

/** Throws BusInputError unless `timeoutMs` is a finite number > 0. */
export function assertTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new BusInputError('timeoutMs', `must be a finite number > 0, got ${timeoutMs}`);
}
