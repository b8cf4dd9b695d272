// The shape check the codec runs on every message: the same answer as the TypeBox check of the
// message schema, with less work per message. Two parts of the compiled TypeBox check dominate a
// small message received cold (inside a bus hop): the id pattern (a regular expression per id
// field) and `additionalProperties: false` (TypeBox allocates an array of the allowed keys for
// every key of the value). Here the top-level id fields are checked by a character loop and the
// keys against a set built once; everything else is TypeBox's compiled check of the same schema
// without those two rules. Measured in bench/transport (hop-segments.ts, run.ts).
// It must not change what is accepted: the tests compare it with TypeBox's check on valid and
// hostile values of every message. Failures are still explained by TypeBox (codec.ts, classify).
import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ID_PATTERN_SOURCE, MAX_ID_LENGTH } from './ids';

/** True when the value has the shape of the schema (plain-object and version checks are the caller's). */
export type ShapeCheck = (value: Record<string, unknown>) => boolean;

const A = 65;
const Z = 90;
const a = 97;
const z = 122;
const D0 = 48;
const D9 = 57;
const UNDERSCORE = 95;
const DASH = 45;

/** True when `s` matches ID_PATTERN_SOURCE (`^[A-Za-z0-9_-]{1,64}$`), without a regular expression. */
export function isIdString(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const n = s.length;
  if (n < 1 || n > MAX_ID_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= a && c <= z) || (c >= A && c <= Z) || (c >= D0 && c <= D9) || c === UNDERSCORE || c === DASH)) return false;
  }
  return true;
}

/** An id property: a string schema whose only rule beyond its type and length is the id pattern. */
function isIdSchema(prop: TSchema): boolean {
  const p = prop as TSchema & { type?: unknown; pattern?: unknown; maxLength?: unknown; minLength?: unknown; format?: unknown };
  return p.type === 'string' && p.pattern === ID_PATTERN_SOURCE && p.format === undefined && (p.maxLength === undefined || p.maxLength === MAX_ID_LENGTH);
}

/**
 * Compiles the shape check of an object schema that sets `additionalProperties: false`: TypeBox's
 * check of the schema with the top-level id patterns and the extra-key rule taken out, then those
 * two rules by hand. The compiled check is built once per message definition.
 */
export function compileShapeCheck(schema: TObject): ShapeCheck {
  const required = new Set(schema.required ?? []);
  const properties: Record<string, TSchema> = {};
  const ids: string[] = [];
  const optionalIds: string[] = [];
  for (const [key, prop] of Object.entries(schema.properties)) {
    if (!isIdSchema(prop)) {
      properties[key] = prop;
      continue;
    }
    const { pattern: _pattern, ...rest } = prop as TSchema & { pattern: string };
    properties[key] = rest as TSchema;
    (required.has(key) ? ids : optionalIds).push(key);
  }
  const { $id: _id, additionalProperties: _additional, ...open } = schema;
  const openCheck = TypeCompiler.Compile({ ...open, properties } as TObject);
  const allowed = new Set(Object.keys(schema.properties));
  const check = (value: unknown): boolean => openCheck.Check(value);
  return (value) => {
    if (!check(value)) return false;
    for (let i = 0; i < ids.length; i++) if (!isIdString(value[ids[i]!])) return false;
    for (let i = 0; i < optionalIds.length; i++) {
      const s = value[optionalIds[i]!];
      if (s !== undefined && !isIdString(s)) return false;
    }
    // as TypeBox's additionalProperties: false (own property names, enumerable or not)
    const names = Object.getOwnPropertyNames(value);
    for (let i = 0; i < names.length; i++) if (!allowed.has(names[i]!)) return false;
    return true;
  };
}
