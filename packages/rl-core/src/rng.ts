// Seeded pseudo-random numbers for everything random in ALA (sampling, init, shuffles).
// Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021; reference C: https://prng.di.unimi.it/xoshiro128starstar.c),
// 128-bit state, period 2^128-1, 32-bit outputs using only 32-bit integer ops (fast in JS).
// Seeding expands the seed with SplitMix64 (https://prng.di.unimi.it/splitmix64.c), as the
// authors recommend. Must not: read a clock or Math.random, or keep hidden state outside
// getState() (randn draws fresh uniforms every call, so a restored state replays exactly).
import { InvalidValueError } from './errors';

import { hotMath } from './math';

const { cos, imul, log, sqrt } = hotMath;

/** JSON-serialisable generator state. */
export interface RngState {
  readonly algorithm: string;
  readonly s: readonly number[];
}

/** Minimal generator interface; other packages may implement it (e.g. a NumPy-compatible PCG64). */
export interface Rng {
  /** Uniform float in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  getState(): RngState;
  setState(s: RngState): void;
}

export const XOSHIRO128SS = 'xoshiro128**';
const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 output for state x (x already advanced); returns 64 bits as bigint. */
function splitmix64Mix(x: bigint): bigint {
  let z = x & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function toSeed64(argument: string, seed: number | bigint): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) throw new InvalidValueError(argument, seed, 'seed must be a safe integer or a bigint');
    return BigInt.asUintN(64, BigInt(seed));
  }
  return BigInt.asUintN(64, seed);
}

/** xoshiro128** generator. */
class Xoshiro128ss implements Rng {
  // The four state words as int32 in a typed array: as object fields, values beyond the small-
  // integer range would be stored as doubles and converted on every step (~2x slower).
  private readonly s = new Int32Array(4);

  constructor(seed: bigint) {
    // Two SplitMix64 outputs fill the four 32-bit words (low word first).
    let x = seed;
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    const a = splitmix64Mix(x);
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    const b = splitmix64Mix(x);
    this.s[0] = Number(a & 0xffffffffn);
    this.s[1] = Number(a >> 32n);
    this.s[2] = Number(b & 0xffffffffn);
    this.s[3] = Number(b >> 32n);
    // SplitMix64 never yields two zero outputs in a row, so the state is never all zero.
  }

  nextUint32(): number {
    const st = this.s;
    let s0 = st[0] as number;
    const s1 = st[1] as number;
    let s2 = st[2] as number;
    let s3 = st[3] as number;
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    st[1] = s1 ^ s2;
    s0 ^= s3;
    st[0] = s0;
    st[2] = s2 ^ t;
    st[3] = rotl(s3, 11);
    return result;
  }

  nextFloat(): number {
    // 53 random bits from two outputs: (a >> 5) * 2^26 + (b >> 6), scaled by 2^-53.
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * 1.1102230246251565e-16;
  }

  getState(): RngState {
    const st = this.s;
    return { algorithm: XOSHIRO128SS, s: [(st[0] as number) >>> 0, (st[1] as number) >>> 0, (st[2] as number) >>> 0, (st[3] as number) >>> 0] };
  }

  setState(state: RngState): void {
    if (state === null || typeof state !== 'object' || state.algorithm !== XOSHIRO128SS) {
      throw new InvalidValueError('state.algorithm', (state as { algorithm?: unknown } | null)?.algorithm, `must be '${XOSHIRO128SS}'`);
    }
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4) throw new InvalidValueError('state.s', s, 'must be 4 uint32 words');
    for (let i = 0; i < 4; i++) {
      const w = s[i] as unknown;
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw new InvalidValueError('state.s', w, 'must be a uint32', i);
      }
    }
    if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) throw new InvalidValueError('state.s', s, 'all-zero state is invalid');
    for (let i = 0; i < 4; i++) this.s[i] = s[i] as number;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** New xoshiro128** generator; equal seeds give equal streams on every platform. */
export function createRng(seed: number | bigint): Rng {
  return new Xoshiro128ss(toSeed64('seed', seed));
}

/**
 * Seed of an independent sub-stream, e.g. one per agent or env: deriveSeed(runSeed, agentIndex).
 * Mixes (seed, stream) through SplitMix64 twice; result in [0, 2^53) so it fits JSON/number seeds.
 */
export function deriveSeed(seed: number | bigint, stream: number | bigint): number {
  const s = toSeed64('seed', seed);
  const k = toSeed64('stream', stream);
  const h = splitmix64Mix(s + 0x9e3779b97f4a7c15n) ^ splitmix64Mix((k + 0x632be59bd9b4e019n) * 0x9e3779b97f4a7c15n);
  return Number(splitmix64Mix(h) >> 11n);
}

/** Generator of sub-stream `stream` of `seed`: createRng(deriveSeed(seed, stream)). */
export function rngSplit(seed: number | bigint, stream: number | bigint): Rng {
  return createRng(deriveSeed(seed, stream));
}

/** One standard normal sample (Box–Muller, cosine branch; the sine branch is discarded so no state hides outside the Rng). */
export function randn(rng: Rng): number {
  const u1 = 1 - rng.nextFloat(); // (0, 1]: log never sees 0
  const u2 = rng.nextFloat();
  return sqrt(-2 * log(u1)) * cos(2 * Math.PI * u2);
}

/** Fills `out` with N(mean, std^2) samples and returns it. */
export function fillRandn(rng: Rng, out: Float32Array | Float64Array, mean = 0, std = 1): Float32Array | Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = mean + std * randn(rng);
  return out;
}

/** Uniform integer in [0, n), unbiased (rejection of the top partial range). */
export function randInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new InvalidValueError('n', n, 'must be an integer in [1, 2^32]');
  const limit = 0x100000000 - (0x100000000 % n);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

/** Random permutation of 0..n-1 (Fisher–Yates), e.g. minibatch order. */
export function permutation(rng: Rng, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new InvalidValueError('n', n, 'must be a non-negative integer');
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}
