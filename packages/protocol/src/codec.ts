// The one codec of the wire protocol: `defineMessage` builds a message definition (name, version,
// size limit, TypeBox schema compiled once, semantic check, packed typed-array fields) and
// `encode`/`decode` turn values into msgpack bytes and back. Decode only ever returns a value that
// passed every check, or throws ProtocolError. This module must not know any particular message
// and must not touch the transport.
import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Packr } from 'msgpackr';
import { Unpackr } from 'msgpackr/index-no-eval';
import { DefinitionError, ProtocolError, type ProtocolErrorReason } from './errors';
import { firstNonFinite, fromLittleEndianBytes, toLittleEndianBytes, type PackedArray } from './packed-bytes';
import { REASON_KEY, packedElementOf, type PackedElement } from './schema-types';
import { compileShapeCheck, type ShapeCheck } from './shape-check';
import { flatKeys, readFlatMap, type FlatKeys } from './flat-read';
import { writeFlatMap } from './flat-write';
import type { SubjectBinding } from './channels';

/** A semantic rule broken by a message that has the right shape (lengths, ranges, cross-field rules). */
export interface Violation {
  readonly reason: ProtocolErrorReason;
  readonly path: string;
  readonly detail: string;
}

/** Cross-field rules a schema cannot express; return the first violation or undefined. */
export type SemanticCheck<T> = (msg: T) => Violation | undefined;

/** A top-level field sent as raw little-endian bytes (declared by its schema kind). */
export interface PackedField {
  readonly key: string;
  readonly element: PackedElement;
  readonly optional: boolean;
}

/** One message type: everything publisher and subscriber need to agree on. */
export interface MessageDef<T> {
  /** Message name, e.g. 'Bias' (also the `message_` of every ProtocolError about it). */
  readonly name: string;
  /** Schema version carried in `v`; any other value is refused with reason 'version'. */
  readonly version: number;
  /** Largest encoded payload accepted, checked before parsing. */
  readonly maxBytes: number;
  /** TypeBox schema of the payload (also valid JSON Schema, with packed fields as custom kinds). */
  readonly schema: TObject;
  /** Fields sent as raw little-endian bytes, derived from the schema. */
  readonly packedFields: readonly PackedField[];
  /** Compiled TypeBox check of the schema: explains a failed check (the first error and its path). */
  readonly checker: TypeCheck<TObject>;
  /** The same answer as `checker.Check` with less work per message (shape-check.ts): what validate runs. */
  readonly shapeCheck: ShapeCheck;
  /** The schema's top-level keys, for decoding the common payload without msgpackr (flat-read.ts). */
  readonly flatKeys: FlatKeys;
  /** Cross-field rules run after the shape check. */
  readonly semanticCheck: SemanticCheck<T> | undefined;
  /** Subject family the message travels on and the payload field naming its last token. */
  readonly subject: SubjectBinding | undefined;
  /** Phantom: ties the definition to its payload type. Never set. */
  readonly __payload?: T;
}

export interface MessageSpec<S extends TObject> {
  readonly name: string;
  readonly version: number;
  readonly maxBytes: number;
  /** Must contain `v: Type.Literal(version)` and set `additionalProperties: false`. */
  readonly schema: S;
  readonly check?: SemanticCheck<Static<S>>;
  /** Where the message travels; idField must be a required id property of the schema. */
  readonly subject?: SubjectBinding;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
// msgpackr writes messages one after another into a buffer and allocates the next one, of the same
// size, when it is nearly full (8 KiB by default: every ~20 Bias messages). A new ArrayBuffer costs
// 6-36 µs inside a real hop (bench/transport/hop-segments.ts), so start with 64 KiB: ~8x fewer. An
// encoded message is a view of that buffer, as before (a kept message keeps at most 64 KiB alive).
const PACK_BUFFER_BYTES = 64 * 1024;
packr.useBuffer(Buffer.allocUnsafeSlow(PACK_BUFFER_BYTES)); // what msgpackr allocates itself, only larger
// Decoding uses msgpackr's JS-only build: its native string extractor (msgpackr-extract) hands
// back map keys as fresh strings that V8 must look up before every property store, while the JS
// reader returns keys from a cache; measured 1.5 µs less per Bias decode inside a bus hop (bench/transport).
// Per-message path: imported binding read once (a transpiled import is a property getter on every use)
const readFlat = readFlatMap;
const writeFlat = writeFlatMap;
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: false, int64AsType: 'number' });

/** Build a message definition; throws DefinitionError when the definition itself is inconsistent. */
export function defineMessage<S extends TObject>(spec: MessageSpec<S>): MessageDef<Static<S>> {
  const { name, version, maxBytes, schema } = spec;
  if (!Number.isInteger(version) || version < 1) throw new DefinitionError(name, `version must be an integer >= 1, got ${version}`);
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new DefinitionError(name, `maxBytes must be a positive integer, got ${maxBytes}`);
  const vSchema = schema.properties['v'] as (TSchema & { const?: unknown }) | undefined;
  if (vSchema?.const !== version || !schema.required?.includes('v')) {
    throw new DefinitionError(name, `schema must have a required property v = Type.Literal(${version})`);
  }
  if (schema.additionalProperties !== false) throw new DefinitionError(name, 'schema must set additionalProperties: false');
  const required = new Set(schema.required ?? []);
  const packedFields: PackedField[] = [];
  for (const [key, prop] of Object.entries(schema.properties)) {
    const element = packedElementOf(prop);
    if (element !== undefined) packedFields.push({ key, element, optional: !required.has(key) });
  }
  const binding = spec.subject;
  if (binding !== undefined && 'idField' in binding && (!required.has(binding.idField) || schema.properties[binding.idField]?.[REASON_KEY] !== 'invalid-id')) {
    throw new DefinitionError(name, `subject idField ${binding.idField} must be a required Id() property`);
  }
  let checker: TypeCheck<TObject>;
  let shapeCheck: ShapeCheck;
  try {
    checker = TypeCompiler.Compile(schema);
    shapeCheck = compileShapeCheck(schema);
  } catch (cause) {
    throw new DefinitionError(name, 'schema does not compile', { cause });
  }
  const semanticCheck = spec.check as SemanticCheck<Static<S>> | undefined;
  const keys = flatKeys(Object.keys(schema.properties));
  return { name, version, maxBytes, schema, packedFields, checker, shapeCheck, flatKeys: keys, semanticCheck, subject: binding };
}

/** A plain map: msgpackr also decodes extension types to Date, Set, Error, RegExp... which are refused. */
function isPlainRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const RANGE_ERRORS = new Set<ValueErrorType>([
  ValueErrorType.NumberMinimum,
  ValueErrorType.NumberMaximum,
  ValueErrorType.NumberExclusiveMinimum,
  ValueErrorType.NumberExclusiveMaximum,
  ValueErrorType.IntegerMinimum,
  ValueErrorType.IntegerMaximum,
  ValueErrorType.IntegerExclusiveMinimum,
  ValueErrorType.IntegerExclusiveMaximum,
]);
const LENGTH_ERRORS = new Set<ValueErrorType>([ValueErrorType.ArrayMinItems, ValueErrorType.ArrayMaxItems, ValueErrorType.ObjectMaxProperties]);

/** Map the first TypeBox error to a protocol reason (slow path: only runs on a failed check). */
function classify(def: MessageDef<unknown>, value: unknown): ProtocolError {
  const first: ValueError | undefined = def.checker.Errors(value).First();
  if (first === undefined) return new ProtocolError('schema', def.name, 'value does not match the schema');
  const path = first.path;
  const v = first.value;
  let reason: ProtocolErrorReason = 'schema';
  const declared = (first.schema as Record<string, unknown>)[REASON_KEY];
  if ((first.type === ValueErrorType.Number || first.type === ValueErrorType.Integer) && typeof v === 'number' && !Number.isFinite(v)) {
    reason = 'non-finite';
  } else if (RANGE_ERRORS.has(first.type)) {
    reason = 'range';
  } else if (LENGTH_ERRORS.has(first.type)) {
    reason = 'length';
  } else if (typeof declared === 'string' && typeof v === 'string') {
    reason = declared as ProtocolErrorReason;
  } else if (first.type === ValueErrorType.Kind) {
    return new ProtocolError('schema', def.name, `expected ${String((first.schema as { [Kind]?: unknown })[Kind])}`, { path });
  }
  return new ProtocolError(reason, def.name, first.message, { path });
}

/** Run every check of `def` on `value`; throws ProtocolError on the first failure. */
export function validate<T>(def: MessageDef<T>, value: unknown): asserts value is T {
  if (!isPlainRecord(value)) throw new ProtocolError('schema', def.name, 'payload must be a map/object');
  if (value['v'] !== def.version) {
    throw new ProtocolError('version', def.name, `expected v=${def.version}, got ${typeof value['v'] === 'number' ? value['v'] : typeof value['v']}`, {
      path: '/v',
    });
  }
  checkRecord(def, value);
}

/** The checks of validate after the plain-map and version checks (decode has made those already). */
function checkRecord<T>(def: MessageDef<T>, value: Record<string, unknown>): asserts value is T & Record<string, unknown> {
  if (!def.shapeCheck(value)) throw classify(def as MessageDef<unknown>, value);
  for (const f of def.packedFields) {
    if (f.element !== 'f32') continue;
    const arr = value[f.key];
    if (arr === undefined) continue;
    const i = firstNonFinite(arr as Float32Array);
    if (i >= 0) throw new ProtocolError('non-finite', def.name, `element ${i} is ${String((arr as Float32Array)[i])}`, { path: `/${f.key}/${i}` });
  }
  const violation = def.semanticCheck?.(value as T);
  if (violation !== undefined) throw new ProtocolError(violation.reason, def.name, violation.detail, { path: violation.path });
}

/** Validate `msg` and encode it as msgpack; throws ProtocolError (nothing is sent). */
export function encode<T>(def: MessageDef<T>, msg: T): Uint8Array {
  validate(def, msg);
  // the common message without msgpackr's general writer (the same bytes); anything else through msgpackr
  const flat = def.packedFields.length === 0 && Object.getPrototypeOf(msg) === Object.prototype ? writeFlat(msg as Record<string, unknown>) : undefined;
  const bytes = flat ?? pack(def, msg);
  if (bytes.byteLength > def.maxBytes) {
    throw new ProtocolError('too-large', def.name, `${bytes.byteLength} bytes > maxBytes ${def.maxBytes}`);
  }
  return bytes;
}

/** msgpackr's bytes of a validated message, packed fields as raw little-endian bin. */
function pack<T>(def: MessageDef<T>, msg: T): Uint8Array {
  let wire: unknown = msg;
  if (def.packedFields.length > 0) {
    const copy: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
    for (const f of def.packedFields) {
      const arr = copy[f.key];
      if (arr !== undefined) copy[f.key] = toLittleEndianBytes(arr as PackedArray, f.element);
    }
    wire = copy;
  }
  try {
    return packr.pack(wire);
  } catch (cause) {
    throw new ProtocolError('schema', def.name, 'msgpack encoding failed', { cause });
  }
}

/** Decode and validate msgpack bytes; returns a valid T or throws ProtocolError. Never aliases `bytes`. */
export function decode<T>(def: MessageDef<T>, bytes: Uint8Array): T {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError('malformed', def.name, 'payload is not a byte array');
  if (bytes.byteLength > def.maxBytes) {
    throw new ProtocolError('too-large', def.name, `${bytes.byteLength} bytes > maxBytes ${def.maxBytes}`);
  }
  if (bytes.byteLength === 0) throw new ProtocolError('malformed', def.name, 'empty payload');
  // the common payload without msgpackr (the same value); anything else through msgpackr. A message
  // with packed fields always carries bin, which the short path does not read: straight to msgpackr
  let raw: unknown = def.packedFields.length === 0 ? readFlat(bytes, def.flatKeys) : undefined;
  if (raw === undefined) {
    try {
      raw = unpackr.unpack(bytes);
    } catch (cause) {
      throw new ProtocolError('malformed', def.name, 'not one complete msgpack value', { cause });
    }
  }
  if (!isPlainRecord(raw)) throw new ProtocolError('schema', def.name, 'payload must be a map/object');
  if (raw['v'] !== def.version) validate(def, raw); // throws 'version' with a precise message
  for (const f of def.packedFields) {
    const bin = raw[f.key];
    if (bin === undefined) continue; // a missing required field is reported by the schema check
    if (!(bin instanceof Uint8Array)) throw new ProtocolError('schema', def.name, `expected bin (packed ${f.element})`, { path: `/${f.key}` });
    const arr = fromLittleEndianBytes(bin, f.element);
    if (arr === undefined) {
      throw new ProtocolError('length', def.name, `${bin.byteLength} bytes is not a whole number of ${f.element} elements`, { path: `/${f.key}` });
    }
    raw[f.key] = arr;
  }
  checkRecord(def, raw);
  return raw;
}
