// Decode fuzzing (fast-check, fixed seed): random bytes, truncated and bit-flipped valid
// encodings, oversized payloads, NaN/Infinity in every numeric field, wrong types, wrong or
// missing versions, bad ids and wrong lengths. The property everywhere: decode either returns a
// value that passes validation (checked again independently) or throws ProtocolError; it never
// throws anything else and never crashes. At least 10,000 inputs in total (asserted at the end).
import fc from 'fast-check';
import { ProtocolError, decode, encode, isValidId, validate, type MessageDef, type ProtocolErrorReason } from '../src/index';
import { ALL, SEED, rawEncode } from './arbitraries';

const REASONS: readonly ProtocolErrorReason[] = ['too-large', 'malformed', 'version', 'schema', 'non-finite', 'length', 'range', 'invalid-id'];
const ID_KEYS = new Set(['agentId', 'actorId', 'envId', 'adviceId', 'advisorId', 'service', 'instanceId']);
let inputs = 0;

/** Independent of the codec's validator: every number finite, every id well formed. */
function independentlyValid(value: unknown, key = ''): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return !ID_KEYS.has(key) || isValidId(value);
  if (value instanceof Float32Array) return value.every((x) => Number.isFinite(x));
  if (ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.every((x) => independentlyValid(x, key === 'adviceIds' || key === 'advisorIds' ? 'adviceId' : ''));
  if (typeof value === 'object' && value !== null) return Object.entries(value).every(([k, x]) => independentlyValid(x, k));
  return typeof value === 'boolean' || value === undefined;
}

/** Decode `bytes`; assert the outcome is a valid value or a ProtocolError. Returns the reason or 'ok'. */
function outcome(def: MessageDef<unknown>, bytes: Uint8Array): ProtocolErrorReason | 'ok' {
  inputs++;
  let value: unknown;
  try {
    value = decode(def, bytes);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`${def.name}: decode threw a non-ProtocolError`, { cause: e });
    expect(REASONS).toContain(e.reason);
    expect(e.message_).toBe(def.name);
    return e.reason;
  }
  expect(() => validate(def, value)).not.toThrow();
  expect(independentlyValid(value)).toBe(true);
  expect(decode(def, encode(def, value))).toEqual(value);
  return 'ok';
}

/** Paths to every numeric leaf of a message (plain numbers, number arrays, float32 arrays, stats). */
function numericPaths(m: Record<string, unknown>): { key: string; index?: string | number }[] {
  const out: { key: string; index?: string | number }[] = [];
  for (const [key, val] of Object.entries(m)) {
    if (key === 'v') continue;
    if (typeof val === 'number') out.push({ key });
    else if (Array.isArray(val) && val.every((x) => typeof x === 'number')) val.forEach((_x, i) => out.push({ key, index: i }));
    else if (val instanceof Float32Array) val.forEach((_x, i) => out.push({ key, index: i }));
    else if (typeof val === 'object' && val !== null && !ArrayBuffer.isView(val) && !Array.isArray(val))
      Object.keys(val).forEach((k) => out.push({ key, index: k }));
  }
  return out;
}
function withValue(m: Record<string, unknown>, p: { key: string; index?: string | number }, x: unknown): Record<string, unknown> {
  const copy = { ...m };
  const target = copy[p.key];
  if (p.index === undefined) copy[p.key] = x;
  else if (target instanceof Float32Array) {
    const a = target.slice();
    a[p.index as number] = x as number;
    copy[p.key] = a;
  } else if (Array.isArray(target)) {
    const a = target.slice();
    a[p.index as number] = x;
    copy[p.key] = a;
  } else copy[p.key] = { ...(target as object), [p.index]: x };
  return copy;
}

const badId = fc.oneof(
  fc.constantFrom('a.b', '*', '>', 'a b', ' ', '', 'x'.repeat(65), 'ala.bias.>', 'tab\t', 'ünï'),
  fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !isValidId(s)),
);
/** Vectors whose length is fixed by other fields of the same message. */
const LINKED_VECTORS: Record<string, readonly string[]> = {
  Vote: ['advisorIds'],
  StateSnapshot: ['legal', 'probs'],
  TrajectoryChunk: [
    'obs',
    'actions',
    'rewards',
    'terminated',
    'truncated',
    'values',
    'logpMu',
    'logpPk',
    'policyVersion',
    'advised',
    'biasTaken',
    'adviceAgeMs',
    'truncValue',
    'nextObs',
    'nextValue',
    'nextDone',
    'legal',
  ],
};
const opts = (numRuns: number) => ({ seed: SEED, numRuns });

describe.each(ALL.map((e) => [e.def.name, e] as const))('decode fuzz: %s', (_name, { def, arb }) => {
  const msg = arb as fc.Arbitrary<Record<string, unknown>>;

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        outcome(def, bytes);
      }),
      opts(700),
    );
  });

  it('random bytes behind a valid map header and version', () => {
    // 0x8f = map of 15 entries, then "v": 1: the parser gets past the prefix and into the fields.
    const prefix = Uint8Array.from([0x8f, 0xa1, 0x76, 0x01]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        outcome(def, Uint8Array.from([...prefix, ...tail]));
      }),
      opts(200),
    );
  });

  it('truncated valid encodings are refused', () => {
    fc.assert(
      fc.property(msg, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (m, f) => {
        const bytes = encode(def, m);
        const cut = bytes.subarray(0, Math.floor(f * bytes.length));
        expect(outcome(def, cut)).not.toBe('ok');
      }),
      opts(200),
    );
  });

  it('bit-flipped valid encodings', () => {
    fc.assert(
      fc.property(msg, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (m, flips) => {
        const bytes = Uint8Array.from(encode(def, m));
        for (const [at, x] of flips) bytes[at % bytes.length]! ^= x;
        outcome(def, bytes);
      }),
      opts(300),
    );
  });

  it('oversized payloads are refused as too-large', () => {
    const runs = def.maxBytes > 1e6 ? 3 : 30;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.nat({ max: 255 }), (extra, fill) => {
        expect(outcome(def, new Uint8Array(def.maxBytes + extra).fill(fill))).toBe('too-large');
      }),
      opts(runs),
    );
  });

  it('NaN or Infinity in each numeric field is refused as non-finite', () => {
    fc.assert(
      fc.property(msg, fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (m, pick, bad) => {
        const paths = numericPaths(m);
        fc.pre(paths.length > 0);
        const p = paths[pick % paths.length]!;
        expect(outcome(def, rawEncode(withValue(m, p, bad)))).toBe('non-finite');
      }),
      opts(400),
    );
  });

  it('NaN in every numeric field of one message, exhaustively', () => {
    const [m] = fc.sample(msg, { seed: SEED, numRuns: 1 }) as [Record<string, unknown>];
    for (const p of numericPaths(m)) expect(outcome(def, rawEncode(withValue(m, p, NaN)))).toBe('non-finite');
  });

  it('wrong types in any field', () => {
    fc.assert(
      fc.property(msg, fc.nat(), fc.anything({ withTypedArray: true, withNullPrototype: false }), (m, pick, junk) => {
        const keys = Object.keys(m).filter((k) => k !== 'v');
        const copy = { ...m, [keys[pick % keys.length]!]: junk };
        let bytes: Uint8Array;
        try {
          bytes = rawEncode(copy);
        } catch {
          return;
        } // msgpackr cannot pack every JS value
        outcome(def, bytes);
      }),
      opts(400),
    );
  });

  it('wrong or missing version is refused as version', () => {
    fc.assert(
      fc.property(
        msg,
        fc.oneof(
          fc.integer().filter((x) => x !== def.version),
          fc.string(),
          fc.constant(null),
          fc.constant(undefined),
          fc.double(),
        ),
        (m, v) => {
          const copy: Record<string, unknown> = { ...m, v };
          if (v === undefined) delete copy['v'];
          expect(outcome(def, rawEncode(copy))).toBe('version');
        },
      ),
      opts(150),
    );
  });

  const idKeys = Object.keys(def.schema.properties).filter((k) => ID_KEYS.has(k));
  if (idKeys.length > 0) {
    it('bad ids are refused as invalid-id', () => {
      fc.assert(
        fc.property(msg, fc.constantFrom(...idKeys), badId, (m, key, bad) => {
          expect(outcome(def, rawEncode({ ...m, [key]: bad }))).toBe('invalid-id');
        }),
        opts(150),
      );
    });
  }

  const linked = LINKED_VECTORS[def.name] ?? [];
  if (linked.length > 0) {
    it('vectors whose length disagrees with the message dimensions are refused', () => {
      fc.assert(
        fc.property(msg, fc.constantFrom(...linked), fc.integer({ min: 1, max: 5 }), fc.boolean(), (m, key, delta, grow) => {
          const x = m[key] as unknown[] | Float32Array | undefined;
          fc.pre(x !== undefined && x.length > 0);
          const n = grow ? x.length + delta : Math.max(0, x.length - delta);
          const resized = Array.isArray(x)
            ? Array.from({ length: n }, (_v, i) => x[i % x.length])
            : (() => {
                const out = new (x.constructor as Float32ArrayConstructor)(n);
                for (let i = 0; i < n; i++) out[i] = x[i % x.length] as number;
                return out;
              })();
          expect(outcome(def, rawEncode({ ...m, [key]: resized }))).toBe('length');
        }),
        opts(200),
      );
    });
  }

  const bounded = Object.entries(def.schema.properties).filter(
    ([, s]) => (s as { type?: string }).type === 'array' && (s as { maxItems?: number }).maxItems !== undefined,
  );
  if (bounded.length > 0) {
    it('arrays longer than their bound (or shorter than their minimum) are refused as length', () => {
      fc.assert(
        fc.property(msg, fc.constantFrom(...bounded), fc.boolean(), (m, [key, s], tooLong) => {
          const { minItems = 0, maxItems = 0 } = s as { minItems?: number; maxItems?: number };
          fc.pre(tooLong || minItems > 0);
          const x = m[key] as unknown[] | undefined;
          fc.pre(x !== undefined && x.length > 0);
          const n = tooLong ? maxItems + 1 : minItems - 1;
          expect(outcome(def, rawEncode({ ...m, [key]: Array.from({ length: n }, (_v, i) => x[i % x.length]) }))).toBe('length');
        }),
        opts(100),
      );
    });
  }
});

afterAll(() => {
  expect(inputs).toBeGreaterThanOrEqual(10_000);
});
