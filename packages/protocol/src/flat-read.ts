// A short path for decoding the common message: a map whose keys are the definition's own keys
// and whose values are numbers, ASCII strings, booleans, nil or arrays of those, exactly as
// msgpackr writes them. Inside a bus hop msgpackr's general reader costs more than everything
// else the bus does (its key cache is off for payloads of 180 bytes and more, and it goes through
// one general dispatch per value); this reader matches keys against the few the schema knows and
// reads values in a few lines. It returns the same value msgpackr returns for the same bytes, or
// undefined for anything else (another key, a nested map, bin, ext, a 64-bit integer, non-ASCII
// text, a short or long buffer): the codec then decodes with msgpackr as before, so every
// unusual or hostile payload keeps msgpackr's reading and errors. It must not validate (the
// codec does) and must not keep the bytes. Measured in bench/transport (hop-segments.ts).

/** Keys of one message definition, with their character codes for matching against bytes. */
export interface FlatKeys {
  readonly names: readonly string[];
  readonly codes: readonly (readonly number[])[];
}

/** The key table of a definition (built once); keys that are not ASCII are left out (never matched). */
export function flatKeys(names: readonly string[]): FlatKeys {
  const ascii = names.filter((k) => /^[\x20-\x7e]*$/.test(k));
  return { names: ascii, codes: ascii.map((k) => Array.from(k, (c) => c.charCodeAt(0))) };
}

/** Thrown inside the reader when the bytes are not of the short form; never escapes this module. */
const NOT_FLAT = Symbol('not-flat');

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);
let src: Uint8Array = EMPTY;
let view: DataView = EMPTY_VIEW;
let pos = 0;
let end = 0;

/** Big-endian (msgpack order) float of `size` bytes at pos. */
function readFloat(size: 4 | 8): number {
  if (pos + size > end) throw NOT_FLAT;
  const v = size === 8 ? view.getFloat64(pos) : view.getFloat32(pos);
  pos += size;
  return v;
}

/** Big-endian unsigned integer of `size` (1, 2 or 4) bytes at pos. */
function readUint(size: 1 | 2 | 4): number {
  if (pos + size > end) throw NOT_FLAT;
  const v = size === 1 ? src[pos]! : size === 2 ? view.getUint16(pos) : view.getUint32(pos);
  pos += size;
  return v;
}

/** An ASCII string of n bytes at pos (msgpackr gives the same string for ASCII bytes). */
function readAscii(n: number): string {
  if (pos + n > end) throw NOT_FLAT;
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = src[pos + i]!;
    if (c > 0x7f) throw NOT_FLAT;
    s += String.fromCharCode(c);
  }
  pos += n;
  return s;
}

/** One scalar (number, ASCII string, boolean, nil); arrays only when `arrays` (one level). */
function readValue(arrays: boolean): unknown {
  if (pos >= end) throw NOT_FLAT;
  const t = src[pos++]!;
  if (t < 0x80) return t; // positive fixint
  if (t >= 0xe0) return t - 0x100; // negative fixint
  if (t >= 0xa0 && t <= 0xbf) return readAscii(t - 0xa0);
  if (t >= 0x90 && t <= 0x9f) return readArray(t - 0x90, arrays);
  switch (t) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xca:
      return readFloat(4);
    case 0xcb:
      return readFloat(8);
    case 0xcc:
      return readUint(1);
    case 0xcd:
      return readUint(2);
    case 0xce:
      return readUint(4);
    case 0xd0:
      return (readUint(1) << 24) >> 24;
    case 0xd1:
      return (readUint(2) << 16) >> 16;
    case 0xd2:
      return readUint(4) | 0;
    case 0xd9:
      return readAscii(readUint(1));
    case 0xda:
      return readAscii(readUint(2));
    case 0xdc:
      return readArray(readUint(2), arrays);
    default:
      throw NOT_FLAT;
  }
}

function readArray(n: number, allowed: boolean): unknown[] {
  if (!allowed || n > end - pos) throw NOT_FLAT; // every element takes at least one byte
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = readValue(false);
  return out;
}

/** The definition's key at pos (fixstr or str8), or NOT_FLAT. */
function readKey(keys: FlatKeys): string {
  if (pos >= end) throw NOT_FLAT;
  const t = src[pos++]!;
  const n = t >= 0xa0 && t <= 0xbf ? t - 0xa0 : t === 0xd9 ? readUint(1) : -1;
  if (n < 0 || pos + n > end) throw NOT_FLAT;
  const { names, codes } = keys;
  search: for (let k = 0; k < codes.length; k++) {
    const c = codes[k]!;
    if (c.length !== n) continue;
    for (let i = 0; i < n; i++) if (c[i] !== src[pos + i]) continue search;
    pos += n;
    return names[k]!;
  }
  throw NOT_FLAT;
}

/**
 * The value msgpackr decodes from `bytes` when they are one map of the short form with only
 * `keys`, else undefined (the caller then decodes with msgpackr).
 */
export function readFlatMap(bytes: Uint8Array, keys: FlatKeys): Record<string, unknown> | undefined {
  src = bytes;
  view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  pos = 0;
  end = bytes.length;
  try {
    const t = readUint(1);
    const n = t >= 0x80 && t <= 0x8f ? t - 0x80 : t === 0xde ? readUint(2) : -1;
    if (n < 0) return undefined;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = readKey(keys);
      out[key] = readValue(true);
    }
    return pos === end ? out : undefined;
  } catch (e) {
    if (e === NOT_FLAT) return undefined;
    throw e;
  } finally {
    src = EMPTY;
    view = EMPTY_VIEW;
  }
}
