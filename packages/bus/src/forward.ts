// Relay step of the TTL contract: re-publish a received message with its *remaining* lifetime, so
// the time this hop held it (its dwell time) is subtracted. A message with less than 1 ms left is
// not sent and is counted as expired. It must not extend a lifetime (the remaining time is floored).
import type { MessageDef } from '@ala/protocol';
import type { BusMetrics } from './metrics';
import type { Bus, MessageMeta } from './types';

/**
 * Publishes `msg` on `subject` with `ttlMs = meta.remainingMs()` (no TTL when the received message
 * had none). Returns false, and counts `expired`, when the lifetime ran out while this hop held it.
 */
export function forward<T>(
  bus: Bus,
  def: MessageDef<T>,
  subject: string,
  msg: T,
  meta: MessageMeta,
  opts: { headers?: Record<string, string>; metrics?: BusMetrics } = {},
): boolean {
  if (meta.ttlMs === undefined) {
    bus.publish(def, subject, msg, { headers: opts.headers });
    return true;
  }
  const remaining = Math.floor(meta.remainingMs());
  if (remaining < 1) {
    opts.metrics?.count('expired', def.name);
    return false;
  }
  bus.publish(def, subject, msg, { ttlMs: remaining, headers: opts.headers });
  return true;
}
