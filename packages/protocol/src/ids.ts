// Identifiers that travel inside messages and inside subject tokens (agent, actor, advisor,
// advice, env and service ids). One pattern for all of them, chosen so an id can never contain a
// subject separator or wildcard ('.', '*', '>') or whitespace. No I/O, no codec here.

/** Source of the id pattern, shared by the validator schema and {@link isValidId}. */
export const ID_PATTERN_SOURCE = '^[A-Za-z0-9_-]{1,64}$';
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest id accepted (characters, all ASCII). */
export const MAX_ID_LENGTH = 64;

/** True when `s` is a string of 1-64 characters from `[A-Za-z0-9_-]`. */
export function isValidId(s: unknown): s is string {
  return typeof s === 'string' && ID_RE.test(s);
}
