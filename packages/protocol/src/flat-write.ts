// The writing half of the codec's short path (flat-read.ts reads): a plain object whose values are
// numbers, ASCII strings, booleans, nil or arrays of those is written to exactly the bytes msgpackr
// writes for it (with the codec's options), in a few lines instead of msgpackr's general writer,
// which costs most of an encode inside a bus hop. Anything else (typed arrays, nested objects,
// undefined, non-ASCII text, big messages) returns undefined and the codec packs it with msgpackr.
// It must not validate (the codec has, before), and must never reuse bytes it handed out: a
// message is a view of a slab that is only written forward, as msgpackr does with its buffer.

/** Slab the messages are written into; a new one when the next message may not fit. */
const SLAB_BYTES = 64 * 1024;
/** Largest message written here (worst case, before writing); larger ones go to msgpackr. */
const MAX_FLAT_BYTES = 8 * 1024;

let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let view = new DataView(slab.buffer, slab.byteOffset, slab.byteLength);
let pos = 0;

function writeNumber(x: number): void {
  if (x >>> 0 === x) {
    // as msgpackr with useRecords: false: fixint below 0x80, then uint 8/16/32
    if (x < 0x80) slab[pos++] = x;
    else if (x < 0x100) {
      slab[pos++] = 0xcc;
      slab[pos++] = x;
    } else if (x < 0x10000) {
      slab[pos++] = 0xcd;
      view.setUint16(pos, x);
      pos += 2;
    } else {
      slab[pos++] = 0xce;
      view.setUint32(pos, x);
      pos += 4;
    }
  } else if (x >> 0 === x) {
    if (x >= -0x20) slab[pos++] = 0x100 + x;
    else if (x >= -0x80) {
      slab[pos++] = 0xd0;
      slab[pos++] = x + 0x100;
    } else if (x >= -0x8000) {
      slab[pos++] = 0xd1;
      view.setInt16(pos, x);
      pos += 2;
    } else {
      slab[pos++] = 0xd2;
      view.setInt32(pos, x);
      pos += 4;
    }
  } else {
    slab[pos++] = 0xcb;
    view.setFloat64(pos, x);
    pos += 8;
  }
}

/** An ASCII string of at most 255 characters, or false (nothing written) for any other string. */
function writeAscii(s: string): boolean {
  const n = s.length;
  if (n > 0xff) return false;
  const at = pos;
  if (n < 0x20) slab[pos++] = 0xa0 | n;
  else {
    slab[pos++] = 0xd9;
    slab[pos++] = n;
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) {
      pos = at;
      return false;
    }
    slab[pos++] = c;
  }
  return true;
}

/** A number, ASCII string, boolean or nil; false for anything else (may have written part of it). */
function writeScalar(x: unknown): boolean {
  if (typeof x === 'number') writeNumber(x);
  else if (typeof x === 'string') return writeAscii(x);
  else if (x === null) slab[pos++] = 0xc0;
  else if (x === true) slab[pos++] = 0xc3;
  else if (x === false) slab[pos++] = 0xc2;
  else return false;
  return true;
}

/** A scalar or a plain array of scalars within `limit`; false for anything else. */
function writeValue(x: unknown, limit: number): boolean {
  if (!Array.isArray(x)) return limit - pos >= 257 && writeScalar(x); // 257: the longest scalar (str8)
  const n = x.length;
  if (Object.getPrototypeOf(x) !== Array.prototype || limit - pos < 3 + n) return false;
  if (n < 0x10) slab[pos++] = 0x90 | n;
  else {
    slab[pos++] = 0xdc;
    view.setUint16(pos, n);
    pos += 2;
  }
  for (let i = 0; i < n; i++) if (limit - pos < 257 || !writeScalar(x[i])) return false;
  return true;
}

/**
 * The bytes msgpackr writes for `msg` (own enumerable keys in for-in order, map16 header), or
 * undefined when a value is not of the short form or the message is large. `msg` must be a plain object.
 */
export function writeFlatMap(msg: Record<string, unknown>): Uint8Array | undefined {
  if (SLAB_BYTES - pos < MAX_FLAT_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    view = new DataView(slab.buffer, slab.byteOffset, slab.byteLength);
    pos = 0;
  }
  const start = pos;
  const limit = start + MAX_FLAT_BYTES;
  slab[pos++] = 0xde; // msgpackr writes every map with a 16-bit size, set once the keys are counted
  pos += 2;
  let count = 0;
  for (const key in msg) {
    if (!Object.prototype.hasOwnProperty.call(msg, key)) continue;
    if (limit - pos < 257 || !writeAscii(key) || !writeValue(msg[key], limit)) {
      pos = start; // nothing handed out: the next message reuses the space
      return undefined;
    }
    count++;
  }
  view.setUint16(start + 1, count); // at most MAX_FLAT_BYTES / 2 keys
  return slab.subarray(start, pos);
}
