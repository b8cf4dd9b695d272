// The codec's shape check (shape-check.ts) against TypeBox's compiled check of the same schema:
// the same answer for valid messages of every type and for values with one field replaced,
// removed or added (wrong types, bad ids, extra keys, non-enumerable extras), and the id test
// against the id pattern on arbitrary strings. Fixed seed (arbitraries.ts).
import fc from 'fast-check';
import { isIdString } from '../src/shape-check';
import { ID_PATTERN_SOURCE } from '../src/index';
import { ALL, SEED, arbId } from './arbitraries';

const ID_RE = new RegExp(ID_PATTERN_SOURCE);

/** Strings near and far from ids: id characters mixed with others, lengths around the 64 limit. */
const idLike = fc.oneof(
  arbId,
  fc.string({ maxLength: 70 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '9', '_', '-', '.', ' ', '*', '\n', 'é', '\u{1F600}', '@', '`', '[', '/', ':'), maxLength: 70 }),
  fc.integer({ min: 60, max: 70 }).map((n) => 'a'.repeat(n)),
);

/** One field of a valid message replaced by anything, an id-like string, or removed; or one key added. */
const mutation = fc.record({
  op: fc.constantFrom('replace', 'id', 'remove', 'add', 'hidden'),
  at: fc.nat(),
  value: fc.anything({ maxDepth: 2 }),
  id: idLike,
  extra: fc.oneof(fc.constantFrom('x', 'V', 'agentid', 'constructor', '0'), fc.string({ maxLength: 8 })),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(msg: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const out = { ...msg };
  const keys = Object.keys(out);
  const key = keys[m.at % keys.length]!;
  if (m.op === 'replace') out[key] = m.value;
  else if (m.op === 'id') out[key] = m.id;
  else if (m.op === 'remove') delete out[key];
  else if (m.op === 'add') out[m.extra] = m.value;
  else Object.defineProperty(out, m.extra, { value: m.value, enumerable: false });
  return out;
}

describe('shape check', () => {
  it('isIdString agrees with the id pattern', () => {
    fc.assert(
      fc.property(idLike, (s) => isIdString(s) === ID_RE.test(s)),
      { seed: SEED, numRuns: 5_000 },
    );
    for (const x of [undefined, null, 7, ['a'], { a: 1 }]) expect(isIdString(x)).toBe(false);
  });

  it.each(ALL.map((x) => [x.def.name, x] as const))('%s: the same answer as the TypeBox check on valid and mutated values', (_name, { def, arb }) => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(arb, mutation, (msg, m) => {
        const valid = msg as Record<string, unknown>;
        expect(def.shapeCheck(valid)).toBe(true);
        expect(def.checker.Check(valid)).toBe(true);
        const changed = mutate(valid, m);
        const expected = def.checker.Check(changed);
        expect(def.shapeCheck(changed)).toBe(expected);
        if (expected) accepted++;
        else refused++;
      }),
      { seed: SEED, numRuns: 500 },
    );
    // both outcomes occur, so the comparison is not vacuous
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(50);
  });
});
