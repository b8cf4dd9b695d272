// Schema building blocks shared by every message definition: ids, bounded finite numbers and the
// packed typed-array field kinds. Typed-array fields are a declared property of a schema (their
// TypeBox kind), which is how the codec knows to send them as raw little-endian bytes. This module
// must not encode, decode or do I/O.
import { Kind, Type, TypeRegistry, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { ID_PATTERN_SOURCE, MAX_ID_LENGTH } from './ids';

/** Schema key naming the protocol reason a failed check maps to (read by the codec). */
export const REASON_KEY = 'x-ala-reason';

/** Element types a packed field may have; each maps to one typed-array class. */
export type PackedElement = 'f32' | 'i32' | 'u32' | 'u8';

interface PackedKindInfo {
  readonly kind: string;
  readonly ctor: Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;
}

/** TypeBox kind registered for each packed element type. */
export const PACKED_KINDS: Readonly<Record<PackedElement, PackedKindInfo>> = {
  f32: { kind: 'AlaPackedFloat32', ctor: Float32Array },
  i32: { kind: 'AlaPackedInt32', ctor: Int32Array },
  u32: { kind: 'AlaPackedUint32', ctor: Uint32Array },
  u8: { kind: 'AlaPackedUint8', ctor: Uint8Array },
};

for (const info of Object.values(PACKED_KINDS)) {
  if (!TypeRegistry.Has(info.kind)) {
    const ctor = info.ctor;
    TypeRegistry.Set(info.kind, (_schema: unknown, value: unknown) => value instanceof ctor);
  }
}

/** Element type of a packed schema, or undefined when the schema is not a packed field. */
export function packedElementOf(schema: TSchema): PackedElement | undefined {
  const kind = (schema as { [Kind]?: unknown })[Kind];
  for (const [elem, info] of Object.entries(PACKED_KINDS) as [PackedElement, PackedKindInfo][]) {
    if (info.kind === kind) return elem;
  }
  return undefined;
}

function packed<T>(elem: PackedElement, description: string): TUnsafe<T> {
  return Type.Unsafe<T>({
    [Kind]: PACKED_KINDS[elem].kind,
    description: `${description} (msgpack bin: raw little-endian ${elem})`,
    'x-ala-packed': elem,
  });
}

/** A Float32Array sent as raw little-endian bytes; every element must be finite. */
export const PackedF32 = (description: string): TUnsafe<Float32Array> => packed<Float32Array>('f32', description);
/** An Int32Array sent as raw little-endian bytes. */
export const PackedI32 = (description: string): TUnsafe<Int32Array> => packed<Int32Array>('i32', description);
/** A Uint32Array sent as raw little-endian bytes. */
export const PackedU32 = (description: string): TUnsafe<Uint32Array> => packed<Uint32Array>('u32', description);
/** A Uint8Array sent as bytes. */
export const PackedU8 = (description: string): TUnsafe<Uint8Array> => packed<Uint8Array>('u8', description);

/** An id: `[A-Za-z0-9_-]{1,64}`; a failed check reports reason 'invalid-id'. */
export const Id = (description: string) => Type.String({ pattern: ID_PATTERN_SOURCE, maxLength: MAX_ID_LENGTH, description, [REASON_KEY]: 'invalid-id' });

/** A non-negative safe integer (sequence numbers, counters, sizes). */
export const Count = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

/** A positive safe integer (dimensions, versions). */
export const PositiveInt = (description: string, maximum = Number.MAX_SAFE_INTEGER) => Type.Integer({ minimum: 1, maximum, description });

/** A finite number in [0, 1] (probabilities, confidences, agreement). */
export const Unit = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

/** A finite number >= 0 (latencies, priorities, ages). */
export const NonNegative = (description: string) => Type.Number({ minimum: 0, description });

/** Wall-clock milliseconds since the epoch (informational only; never used for expiry). */
export const WallMs = (description: string) => Type.Number({ minimum: 0, maximum: 8.64e15, description });

/** A vector of finite numbers with a bounded length. */
export const NumberVector = (description: string, minItems: number, maxItems: number) => Type.Array(Type.Number(), { minItems, maxItems, description });
