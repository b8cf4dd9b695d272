// Round trip of every message type through encode/decode: values come back equal (typed arrays
// bit-exact, as fresh aligned arrays that do not alias the input), and packed fields are the
// little-endian bytes the wire contract promises.
import fc from 'fast-check';
import { unpack } from 'msgpackr';
import { Bias, TrajectoryChunk, decode, encode, type MessageDef } from '../src/index';
import { fromLittleEndianBytes, toLittleEndianBytes } from '../src/packed-bytes';
import { ALL, SEED, arbBias, arbTrajectoryChunk } from './arbitraries';

describe('round trip', () => {
  it.each(ALL.map((e) => [e.def.name, e] as const))('%s: decode(encode(m)) equals m', (_name, { def, arb }) => {
    fc.assert(
      fc.property(arb, (m) => {
        const bytes = encode(def as MessageDef<unknown>, m);
        expect(bytes.byteLength).toBeLessThanOrEqual(def.maxBytes);
        expect(decode(def as MessageDef<unknown>, bytes)).toEqual(m);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('keeps exact float32 values, including -0 and subnormals, in fresh aligned arrays', () => {
    const base = fc.sample(
      arbTrajectoryChunk.filter((c) => c.obs.length >= 4),
      { seed: SEED, numRuns: 1 },
    )[0] as TrajectoryChunk;
    const specials = [-0, Math.fround(1e-45), 3.4028234663852886e38, Math.fround(0.1)];
    specials.forEach((x, i) => {
      base.obs[i] = x;
    });
    const bytes = encode(TrajectoryChunk, base);
    const copy = new Uint8Array(bytes.byteLength + 1);
    copy.set(bytes, 1); // decode from an odd offset: typed arrays must still come back aligned
    const out = decode(TrajectoryChunk, copy.subarray(1));
    expect(out.obs).toBeInstanceOf(Float32Array);
    expect(out.obs.byteOffset % 4).toBe(0);
    expect(Object.is(out.obs[0], -0)).toBe(true);
    specials.forEach((x, i) => expect(out.obs[i]).toBe(x));
    expect(Buffer.from(out.obs.buffer).equals(Buffer.from(base.obs.buffer))).toBe(true);
    copy.fill(0); // the decoded value must not alias the receive buffer
    expect(out.obs[3]).toBe(Math.fround(0.1));
    expect(out.actions).toBeInstanceOf(Int32Array);
    expect(out.terminated).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(out.terminated)).toBe(false);
  });

  it('sends packed fields as msgpack bin holding little-endian bytes, from views at any offset', () => {
    const base = fc.sample(arbTrajectoryChunk, { seed: SEED, numRuns: 1 })[0] as TrajectoryChunk;
    const backing = new Float32Array(base.rewards.length + 3);
    backing.set(base.rewards, 3);
    const view = backing.subarray(3); // byteOffset 12: encode must send only the view's bytes
    const bytes = encode(TrajectoryChunk, { ...base, rewards: view });
    const wire = unpack(bytes) as Record<string, unknown>;
    const bin = wire['rewards'] as Uint8Array;
    expect(bin).toBeInstanceOf(Uint8Array);
    expect(bin.byteLength).toBe(base.rewards.length * 4);
    const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    for (let i = 0; i < base.rewards.length; i++) expect(dv.getFloat32(i * 4, true)).toBe(base.rewards[i]);
  });

  it('big-endian host path produces and reads the same wire bytes', () => {
    const f = Float32Array.from([1.5, -2.25, 3e-8, -0]);
    const i = Int32Array.from([1, -2, 2 ** 31 - 1, -(2 ** 31)]);
    const u = Uint32Array.from([0, 1, 2 ** 32 - 1, 12345]);
    // On this (little-endian) host the fast path is a view; the explicit DataView path must agree.
    expect(Array.from(toLittleEndianBytes(f, 'f32', false))).toEqual(Array.from(toLittleEndianBytes(f, 'f32', true)));
    expect(Array.from(toLittleEndianBytes(i, 'i32', false))).toEqual(Array.from(toLittleEndianBytes(i, 'i32', true)));
    expect(Array.from(toLittleEndianBytes(u, 'u32', false))).toEqual(Array.from(toLittleEndianBytes(u, 'u32', true)));
    expect(fromLittleEndianBytes(toLittleEndianBytes(f, 'f32'), 'f32', false)).toEqual(f);
    expect(fromLittleEndianBytes(toLittleEndianBytes(i, 'i32'), 'i32', false)).toEqual(i);
    expect(fromLittleEndianBytes(toLittleEndianBytes(u, 'u32'), 'u32', false)).toEqual(u);
    expect(fromLittleEndianBytes(new Uint8Array(7), 'f32')).toBeUndefined();
  });

  it('earlier encodings stay intact after later ones (no shared output buffer)', () => {
    const msgs = fc.sample(arbBias, { seed: SEED, numRuns: 50 });
    const encoded = msgs.map((m) => encode(Bias, m));
    encoded.forEach((bytes, k) => expect(decode(Bias, bytes)).toEqual(msgs[k]));
  });

  it('a 20-action Bias is small on the wire', () => {
    const m: Bias = {
      v: 1,
      agentId: 'agent-07',
      adviceId: 'adv-123',
      stateSeq: 42,
      bias: Array.from({ length: 20 }, (_, k) => (k - 10) / 7),
      bound: 2,
      ttlMs: 5000,
      createdAt: 1_795_000_000_000,
    };
    expect(encode(Bias, m).byteLength).toBeLessThan(300);
  });
});
