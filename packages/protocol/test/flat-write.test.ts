// The codec's short encoding path (flat-write.ts) against msgpackr: for valid messages of every
// type and for edge and odd values, it writes exactly msgpackr's bytes or returns undefined
// (msgpackr then packs); bytes handed out are never overwritten by later messages. Fixed seed.
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { writeFlatMap } from '../src/flat-write';
import { Bias, decode, encode } from '../src/index';
import { ALL, SEED, arbBias } from './arbitraries';

// the codec's msgpackr settings (codec.ts)
const packr = new Packr({ useRecords: false, moreTypes: false });

/** writeFlatMap is undefined or msgpackr's bytes; returns whether it wrote them. */
function agrees(msg: Record<string, unknown>): boolean {
  const flat = writeFlatMap(msg);
  if (flat === undefined) return false;
  expect(Buffer.from(flat).toString('hex')).toBe(Buffer.from(packr.pack(msg)).toString('hex'));
  return true;
}

describe('flat write', () => {
  it.each(ALL.map((x) => [x.def.name, x] as const))('%s: valid messages are written as msgpackr writes them', (_name, { def, arb }) => {
    let written = 0;
    fc.assert(
      fc.property(arb, (msg) => {
        if (agrees(msg as Record<string, unknown>)) written++;
      }),
      { seed: SEED, numRuns: 200 },
    );
    // messages with typed arrays (packed fields) or nested maps always go to msgpackr
    if (def.packedFields.length === 0 && def.name !== 'ServiceStatus') expect(written).toBeGreaterThan(50);
  });

  it('numbers, strings, arrays and other values at every size boundary', () => {
    const numbers = [
      0,
      -0,
      1,
      31,
      32,
      127,
      128,
      255,
      256,
      65_535,
      65_536,
      2 ** 32 - 1,
      2 ** 32,
      -1,
      -32,
      -33,
      -128,
      -129,
      -32_768,
      -32_769,
      -(2 ** 31),
      -(2 ** 31) - 1,
    ];
    const more = [0.1, -2.5, 1e300, 2 ** 53 - 1, 1_795_000_000_123, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity];
    for (const x of [...numbers, ...more]) expect(agrees({ v: 1, x })).toBe(true);
    for (const n of [0, 1, 31, 32, 255]) expect(agrees({ s: 'a'.repeat(n) })).toBe(true);
    for (const n of [0, 15, 16, 500]) expect(agrees({ b: Array.from({ length: n }, (_, i) => numbers[i % numbers.length]! + 0.5) })).toBe(true);
    expect(agrees({ b: ['x', true, false, null, 3] })).toBe(true);
    expect(agrees({})).toBe(true);
    const others = [{ s: 'a'.repeat(256) }, { s: 'é' }, { u: undefined }, { o: {} }, { a: [[1]] }, { a: new Float32Array(2) }, { d: new Date(0) }, { b: 1n }];
    for (const msg of others) expect(writeFlatMap(msg as Record<string, unknown>)).toBeUndefined();
    expect(writeFlatMap({ a: Array.from({ length: 1000 }, () => 0.5) })).toBeUndefined(); // over 8 KiB at worst: msgpackr
    expect(agrees({ k: 'after refusals', n: 1 })).toBe(true);
  });

  it('bytes handed out stay intact while later messages are written (across slabs)', () => {
    const msgs = fc.sample(arbBias, { seed: SEED, numRuns: 1_500 });
    const kept = msgs.map((m) => ({ m, bytes: encode(Bias, m) }));
    for (const { m, bytes } of kept) expect(decode(Bias, bytes)).toEqual(m);
  });
});
