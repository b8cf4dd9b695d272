// Errors of the wire protocol. Every failure of encode/decode/subjects surfaces as one of these
// classes with a machine-readable `reason`, so a receiver can count drops per reason. This module
// must not import the codec or any transport.

/** Why a message (or a subject, or a header) was refused. Stable strings: metrics use them. */
export type ProtocolErrorReason =
  /** The payload exceeds the definition's `maxBytes` (checked before parsing). */
  | 'too-large'
  /** The bytes are not one complete msgpack value (truncated, trailing data, bad tokens). */
  | 'malformed'
  /** `v` is missing or is not the version this definition understands. */
  | 'version'
  /** Wrong shape: missing/extra field, wrong type, non-integer where an integer is required. */
  | 'schema'
  /** NaN or ±Infinity in a numeric field (msgpack carries them; we never accept them). */
  | 'non-finite'
  /** A vector's length disagrees with its declared dimensions or exceeds its bound. */
  | 'length'
  /** A numeric value outside its allowed range (probability > 1, action index >= nActions...). */
  | 'range'
  /** An id that does not match `[A-Za-z0-9_-]{1,64}` (it could inject a subject token). */
  | 'invalid-id'
  /** A subject prefix or subject string that is not well formed. */
  | 'invalid-subject'
  /** A protocol header (e.g. `Ala-Ttl-Ms`) with a value that is not allowed. */
  | 'invalid-header';

export interface ProtocolErrorDetails {
  /** JSON-pointer-like path of the offending field, e.g. `/bias/3`; '' for the whole message. */
  readonly path?: string;
  readonly cause?: unknown;
}

/** A message, subject or header was refused. Nothing was applied when this is thrown. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** Machine-readable reason (see {@link ProtocolErrorReason}). */
  readonly reason: ProtocolErrorReason;
  /** Name of the message definition involved (e.g. 'Bias'), or 'subject' / 'header'. */
  readonly message_: string;
  /** Path of the offending field ('' when the whole payload is at fault). */
  readonly path: string;
  /** Human-readable explanation without the prefix carried by `message`. */
  readonly detail: string;

  constructor(reason: ProtocolErrorReason, messageName: string, detail: string, details: ProtocolErrorDetails = {}) {
    const path = details.path ?? '';
    super(`${messageName}: ${reason}${path === '' ? '' : ` at ${path}`}: ${detail}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    this.message_ = messageName;
    this.path = path;
    this.detail = detail;
  }
}

/** A message definition itself is wrong (a programming error found at module load, not bad input). */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  /** Name of the definition being built. */
  readonly definition: string;

  constructor(definition: string, detail: string, options?: { cause?: unknown }) {
    super(`message definition ${definition}: ${detail}`, options);
    this.definition = definition;
  }
}
