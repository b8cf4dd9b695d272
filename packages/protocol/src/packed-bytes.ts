// Conversion between typed arrays and the raw little-endian bytes that carry them on the wire
// (msgpack bin). Decoding always copies into a fresh, aligned typed array, so a decoded message
// never aliases the receive buffer. Must not validate message semantics (the codec does that).
import { PACKED_KINDS, type PackedElement } from './schema-types';

/** True on little-endian hosts (x86-64, arm64): the in-memory layout is already the wire layout. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type PackedArray = Float32Array | Int32Array | Uint32Array | Uint8Array;

/** Bytes per element of each packed element type. */
export const ELEMENT_BYTES: Readonly<Record<PackedElement, number>> = { f32: 4, i32: 4, u32: 4, u8: 1 };

/**
 * The little-endian bytes of `arr`. On little-endian hosts this is a view (no copy); otherwise a
 * byte-swapped copy. `littleEndianHost` is a parameter only so both paths can be tested.
 */
export function toLittleEndianBytes(arr: PackedArray, elem: PackedElement, littleEndianHost = HOST_LITTLE_ENDIAN): Uint8Array {
  const view = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  if (littleEndianHost || elem === 'u8') return view;
  const out = new Uint8Array(arr.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i] as number;
    if (elem === 'f32') dv.setFloat32(i * 4, x, true);
    else if (elem === 'i32') dv.setInt32(i * 4, x, true);
    else dv.setUint32(i * 4, x, true);
  }
  return out;
}

/**
 * A fresh typed array decoded from little-endian `bytes`; undefined when the byte length is not a
 * multiple of the element size (the caller reports that as a length error).
 */
export function fromLittleEndianBytes(bytes: Uint8Array, elem: PackedElement, littleEndianHost = HOST_LITTLE_ENDIAN): PackedArray | undefined {
  const size = ELEMENT_BYTES[elem];
  if (bytes.byteLength % size !== 0) return undefined;
  const n = bytes.byteLength / size;
  const out = new PACKED_KINDS[elem].ctor(n);
  if (littleEndianHost || elem === 'u8') {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    out[i] = elem === 'f32' ? dv.getFloat32(i * 4, true) : elem === 'i32' ? dv.getInt32(i * 4, true) : dv.getUint32(i * 4, true);
  }
  return out;
}

/** Index of the first non-finite element of a float array, or -1. */
export function firstNonFinite(arr: Float32Array): number {
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i] as number;
    // x - x is 0 for finite x and NaN for NaN/±Infinity: one branch per element.
    if (x - x !== 0) return i;
  }
  return -1;
}
