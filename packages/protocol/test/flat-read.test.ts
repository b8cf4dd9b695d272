// The codec's short decoding path (flat-read.ts) against msgpackr: for valid messages of every
// type and for hostile bytes (random, truncated, bit-flipped, re-typed values), it returns exactly
// msgpackr's value (same keys in the same order, same values) or undefined, and never a value
// where msgpackr refuses the bytes. Fixed seed (arbitraries.ts).
import fc from 'fast-check';
import { Unpackr } from 'msgpackr/index-no-eval';
import { flatKeys, readFlatMap } from '../src/flat-read';
import { Advice, Bias, Vote, encode } from '../src/index';
import { ALL, SEED, arbAdvice, arbBias, arbVote, rawEncode } from './arbitraries';

// the codec's msgpackr settings (codec.ts)
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: false, int64AsType: 'number' });

/** msgpackr's value for `bytes`, or 'refused'. */
function msgpackr(bytes: Uint8Array): unknown {
  try {
    return unpackr.unpack(bytes);
  } catch {
    return 'refused';
  }
}

/** readFlatMap is undefined or exactly msgpackr's value; returns whether it read the bytes. */
function agrees(bytes: Uint8Array, keys = Bias.flatKeys): boolean {
  const flat = readFlatMap(bytes, keys);
  if (flat === undefined) return false;
  const expected = msgpackr(bytes);
  expect(expected).not.toBe('refused');
  expect(Object.keys(flat)).toEqual(Object.keys(expected as object));
  expect(flat).toStrictEqual(expected);
  return true;
}

describe('flat read', () => {
  it.each([
    ['Bias', Bias, arbBias],
    ['Vote', Vote, arbVote],
    ['Advice', Advice, arbAdvice],
  ] as const)('%s: valid messages are read without msgpackr, to the same value', (_name, def, arb) => {
    let read = 0;
    fc.assert(
      fc.property(arb as fc.Arbitrary<unknown>, (msg) => {
        if (agrees(encode(def as never, msg as never), def.flatKeys)) read++;
      }),
      { seed: SEED, numRuns: 300 },
    );
    // ASCII ids and text: the common message takes the short path (non-ASCII text goes to msgpackr)
    expect(read).toBeGreaterThan(100);
  });

  it.each(ALL.map((x) => [x.def.name, x] as const))('%s: valid, truncated and bit-flipped encodings agree with msgpackr', (_name, { def, arb }) => {
    fc.assert(
      fc.property(arb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (msg, cut, at, bit) => {
        const bytes = encode(def, msg as never);
        agrees(bytes, def.flatKeys);
        agrees(bytes.subarray(0, cut % bytes.length), def.flatKeys);
        const flipped = bytes.slice();
        flipped[at % flipped.length]! ^= 1 << bit;
        agrees(flipped, def.flatKeys);
        const longer = new Uint8Array(bytes.length + 1);
        longer.set(bytes);
        expect(readFlatMap(longer, def.flatKeys)).toBeUndefined(); // trailing bytes: msgpackr refuses
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('random bytes and re-typed fields agree with msgpackr', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void agrees(bytes)),
      { seed: SEED, numRuns: 3_000 },
    );
    const keys = Object.keys(Bias.schema.properties);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything({ maxDepth: 2 }), (key, value) => void agrees(rawEncode({ v: 1, [key]: value }))),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('reads every scalar form msgpackr writes; leaves 64-bit integers, bin, ext, nested maps and arrays, array32 and other keys to msgpackr', () => {
    const ints = [0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31)];
    const values = [...ints, 0.5, -1e300, 2 ** 53 - 1, 1_795_000_000_123, Number.MAX_VALUE, 'a'.repeat(31), 'b'.repeat(32), 'c'.repeat(300), true, false, null];
    for (const value of values) expect(agrees(rawEncode({ v: 1, bound: value }))).toBe(true);
    expect(agrees(rawEncode({ v: 1, bias: ints }))).toBe(true);
    expect(agrees(rawEncode({ bias: Array.from({ length: 1_000 }, () => 1.5) }))).toBe(true);
    const float32 = Uint8Array.from([0x81, 0xa5, ...Buffer.from('bound'), 0xca, 0x3f, 0xc0, 0, 0]);
    expect(readFlatMap(float32, Bias.flatKeys)).toEqual({ bound: 1.5 });
    const others = [
      Uint8Array.from([0x81, 0xa1, 0x76, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0]), // uint64
      Uint8Array.from([0x81, 0xa1, 0x76, 0xd3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), // int64
      rawEncode({ v: Uint8Array.from([1, 2]) }),
      rawEncode({ v: undefined }),
      rawEncode({ v: new Date(0) }),
      rawEncode({ v: { a: 1 } }),
      rawEncode({ v: [[1]] }),
      rawEncode({ bias: Array.from({ length: 70_000 }, () => 1) }), // array32
      rawEncode({ x: 1 }),
      Uint8Array.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0x01]),
      rawEncode({ agentId: 'é' }),
      rawEncode([1, 2]),
      rawEncode('v'),
    ];
    for (const bytes of others) expect(readFlatMap(bytes, Bias.flatKeys)).toBeUndefined();
  });

  it('key tables leave out keys that are not printable ASCII', () => {
    expect(flatKeys(['v', 'é', 'a\n']).names).toEqual(['v']);
  });
});
