// NumPy-compatible PCG64: expected values below were printed by the real NumPy 2.3.5
// (np.random.default_rng(7).bit_generator.random_raw(3), .integers(0, 2**32, 5, dtype=uint32),
// .random(3); default_rng(2**100 + 5).bit_generator.state).
import fc from 'fast-check';
import { InvalidOptionError, Pcg64, randInt, seedSequenceGenerateState } from '../src/index';

describe('Pcg64 (numpy default_rng)', () => {
  it('matches random_raw, buffered uint32 and random() of numpy', () => {
    const a = Pcg64.fromSeed(7);
    expect([a.nextUint64(), a.nextUint64(), a.nextUint64()]).toEqual([11530976094092348043n, 16550673365885938325n, 14308875409591826786n]);
    const b = Pcg64.fromSeed(7);
    expect([0, 1, 2, 3, 4].map(() => b.nextUint32())).toEqual([4058335883, 2684764585, 2938530453, 3853503932, 2483747170]);
    const c = Pcg64.fromSeed(7);
    expect([c.nextFloat(), c.nextFloat(), c.nextFloat()]).toEqual([0.625095466604667, 0.8972138009695755, 0.7756856902451935]);
  });

  it('seeds multi-word entropy like SeedSequence', () => {
    const s = Pcg64.fromSeed(2n ** 100n + 5n).state128();
    expect(s.state).toBe(0x323ac980cbf48a29fb1a9e1a743c04c8n);
    expect(s.inc).toBe(0xb6c95f64ae134e213fb5b1a84cfb616dn);
    expect(seedSequenceGenerateState(0n, 2)).toHaveLength(2);
  });

  it('getState/setState round-trips mid-stream, including the buffered uint32', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 7 }), (seed, k) => {
        const a = Pcg64.fromSeed(seed);
        for (let i = 0; i < k; i++) a.nextUint32();
        const b = Pcg64.fromState(JSON.parse(JSON.stringify(a.getState())) as ReturnType<Pcg64['getState']>);
        expect([a.nextUint32(), a.nextFloat()]).toEqual([b.nextUint32(), b.nextFloat()]);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects bad seeds and states without changing the generator', () => {
    for (const bad of [-1, 1.5, NaN, '3', -2n]) expect(() => Pcg64.fromSeed(bad as number)).toThrow(InvalidOptionError);
    const r = Pcg64.fromSeed(1);
    const before = r.getState();
    expect(() => r.setState({ ...before, s: before.s.map((w, i) => (i === 4 ? 2 : w)) })).toThrow(InvalidOptionError); // even inc
    expect(() => r.setState({ ...before, s: before.s.slice(1) })).toThrow(InvalidOptionError);
    expect(() => r.setState({ ...before, algorithm: 'xoshiro128**' })).toThrow(InvalidOptionError);
    expect(() => r.setState({ ...before, s: before.s.map((w, i) => (i === 0 ? -1 : w)) })).toThrow(InvalidOptionError);
    expect(r.getState()).toEqual(before);
  });

  it('randInt stays in range', () => {
    const r = Pcg64.fromSeed(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randInt(r, 5));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
