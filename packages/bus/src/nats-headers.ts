// The bus's NATS headers on the per-message hot path: `Ala-Ttl-Ms` read straight from the header
// bytes of a received message, and one reusable nats.js header set per TTL value for publishing.
// A header block that is not plain printable ASCII is handed to nats.js's own parser instead, so
// every message is read exactly as nats.js reads it (same value, same refusal of a malformed
// block). It must not keep any message, and must not send anything.
import { formatTtlMs, HEADER_TTL_MS, MAX_TTL_MS } from '@ala/protocol';
import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/transport-node';

const TTL_HEADER = HEADER_TTL_MS;
const TTL_LOWER = HEADER_TTL_MS.toLowerCase();
const MAX_TTL = MAX_TTL_MS;
const formatTtl = formatTtlMs;

const CR = 13;
const LF = 10;
const COLON = 58;
const SPACE = 32;
/** "NATS/1.0\r\n": the first line of a header block without a status code. */
const STATUS_LINE = [78, 65, 84, 83, 47, 49, 46, 48, CR, LF];

/** What scanHeader returns when the block needs nats.js's parser (status code, control or non-ASCII bytes). */
export const NOT_PLAIN = null;

/**
 * Header bytes of a received nats.js message (the block before the payload), undefined when the
 * message has no headers, NOT_PLAIN when this client version does not expose them.
 */
export function headerBlock(msg: Msg): Uint8Array | undefined | typeof NOT_PLAIN {
  const m = msg as Partial<{ _msg: { hdr?: unknown }; _rdata: unknown }>;
  const hdr = m._msg?.hdr;
  if (typeof hdr !== 'number' || !(m._rdata instanceof Uint8Array)) return NOT_PLAIN;
  return hdr > -1 ? m._rdata.subarray(0, hdr) : undefined;
}

/** What locateHeader returns when the header is absent (NOT_PLAIN_AT: the block needs nats.js's parser). */
const ABSENT_AT = -1;
const NOT_PLAIN_AT = -2;
/** End (exclusive) of the value found by the last locateHeader call. */
let valueEnd = 0;

/**
 * Start of the (trimmed) value of header `lowerName` in a raw block, its end in `valueEnd`; as
 * scanHeader reads it, ABSENT_AT or NOT_PLAIN_AT otherwise.
 */
function locateHeader(block: Uint8Array, lowerName: string): number {
  const n = block.length;
  if (n < STATUS_LINE.length) return NOT_PLAIN_AT;
  for (let i = 0; i < STATUS_LINE.length; i++) if (block[i] !== STATUS_LINE[i]) return NOT_PLAIN_AT;
  let foundAt = ABSENT_AT;
  let foundEnd = 0;
  let start = STATUS_LINE.length;
  while (start < n) {
    let end = start;
    let colon = -1;
    for (; end < n; end++) {
      const c = block[end]!;
      if (c === CR && end + 1 < n && block[end + 1] === LF) break;
      if (c < SPACE || c > 126) return NOT_PLAIN_AT;
      if (c === COLON && colon < 0) colon = end;
    }
    // keys are printable ASCII without spaces (nats.js refuses the block otherwise): let it refuse
    for (let k = start; k < (colon < 0 ? start : colon); k++) if (block[k] === SPACE) return NOT_PLAIN_AT;
    if (foundAt === ABSENT_AT && colon - start === lowerName.length && keyMatches(block, start, lowerName)) {
      let a = colon + 1;
      let b = end;
      while (a < b && block[a] === SPACE) a++;
      while (b > a && block[b - 1] === SPACE) b--;
      foundAt = a;
      foundEnd = b;
    }
    start = end + 2;
  }
  valueEnd = foundEnd;
  return foundAt;
}

/**
 * Value of header `lowerName` (lower-case ASCII) in a raw block, as nats.js would read it with
 * Match.IgnoreCase: the first line whose key matches, value trimmed. Undefined when absent;
 * NOT_PLAIN when the block has a status code or any byte outside printable ASCII besides the
 * CRLF line ends (nats.js decides those, including refusing an invalid key).
 */
export function scanHeader(block: Uint8Array, lowerName: string): string | undefined | typeof NOT_PLAIN {
  const a = locateHeader(block, lowerName);
  if (a === NOT_PLAIN_AT) return NOT_PLAIN;
  if (a === ABSENT_AT) return undefined;
  const b = valueEnd;
  return b - a <= 16 ? asciiString(block, a, b) : Buffer.from(block.buffer, block.byteOffset + a, b - a).toString('latin1');
}

/**
 * `Ala-Ttl-Ms` of a raw block as scanHeader reads it, already a number when it is what
 * parseTtlMs accepts (1-9 decimal digits, at most MAX_TTL_MS); any other value comes back as
 * its string, for parseTtlMs to refuse with its own error. Undefined when absent, NOT_PLAIN as scanHeader.
 */
export function scanTtlMs(block: Uint8Array): number | string | undefined | typeof NOT_PLAIN {
  const a = locateHeader(block, TTL_LOWER);
  if (a === NOT_PLAIN_AT) return NOT_PLAIN;
  if (a === ABSENT_AT) return undefined;
  const b = valueEnd;
  if (b - a >= 1 && b - a <= 9) {
    let ms = 0;
    for (let i = a; i < b; i++) {
      const d = block[i]! - 48;
      if (d < 0 || d > 9) return asciiString(block, a, b);
      ms = ms * 10 + d;
    }
    if (ms <= MAX_TTL) return ms;
  }
  return b - a <= 16 ? asciiString(block, a, b) : Buffer.from(block.buffer, block.byteOffset + a, b - a).toString('latin1');
}

function asciiString(block: Uint8Array, a: number, b: number): string {
  let s = '';
  for (let i = a; i < b; i++) s += String.fromCharCode(block[i]!);
  return s;
}

function keyMatches(block: Uint8Array, at: number, lowerName: string): boolean {
  for (let i = 0; i < lowerName.length; i++) {
    const c = block[at + i]!;
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== lowerName.charCodeAt(i)) return false;
  }
  return true;
}

/** Most distinct TTL header sets kept; the cache starts over when full (relays send many values). */
const TTL_CACHE_MAX = 4096;

/**
 * Reusable nats.js header sets `{Ala-Ttl-Ms: <ms>}` by whole ms (nats.js only reads a header set
 * when publishing, so one per value serves every message), each serialised once.
 */
export class TtlHeaderCache {
  private readonly sets = new Map<number, MsgHdrs>();

  /** The header set for `ms` (a whole number of ms, already checked by the caller). */
  get(ms: number): MsgHdrs {
    let h = this.sets.get(ms);
    if (h === undefined) {
      if (this.sets.size >= TTL_CACHE_MAX) this.sets.clear();
      h = natsHeaders();
      h.set(TTL_HEADER, formatTtl(ms));
      // nats.js serialises a header set on every publish; this one never changes, so once is enough
      const impl = h as MsgHdrs & { encode?: () => Uint8Array };
      if (typeof impl.encode === 'function') {
        const bytes = impl.encode();
        impl.encode = () => bytes;
      }
      this.sets.set(ms, h);
    }
    return h;
  }
}
