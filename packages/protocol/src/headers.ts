// Protocol headers and their values. `Ala-Ttl-Ms` carries the remaining lifetime of advice in
// milliseconds at the moment of publishing (docs/architecture.md, Advice lifetime); each hop subtracts its dwell time.
// This module only formats and parses values; it must not read clocks or touch the transport.
import { ProtocolError } from './errors';

/** Header with the remaining lifetime in whole milliseconds (decimal, no sign, no exponent). */
export const HEADER_TTL_MS = 'Ala-Ttl-Ms';

/** Largest TTL accepted in the header: one day. Longer advice is a configuration error. */
export const MAX_TTL_MS = 86_400_000;

const DIGITS = /^[0-9]{1,9}$/;

/** Header value for a remaining lifetime; negative or fractional input is floored and clamped to 0. */
export function formatTtlMs(remainingMs: number): string {
  if (!Number.isFinite(remainingMs)) {
    throw new ProtocolError('invalid-header', 'header', `${HEADER_TTL_MS} must be finite, got ${remainingMs}`);
  }
  return String(Math.min(MAX_TTL_MS, Math.max(0, Math.floor(remainingMs))));
}

/** Parse a received `Ala-Ttl-Ms` value; throws ProtocolError('invalid-header') when absent or malformed. */
export function parseTtlMs(value: string | undefined): number {
  if (value === undefined || !DIGITS.test(value)) {
    throw new ProtocolError('invalid-header', 'header', `${HEADER_TTL_MS} must be 1-9 decimal digits, got ${JSON.stringify(value ?? null)}`);
  }
  const ms = Number(value);
  if (ms > MAX_TTL_MS) throw new ProtocolError('invalid-header', 'header', `${HEADER_TTL_MS} ${ms} exceeds ${MAX_TTL_MS}`);
  return ms;
}
