// NumPy-compatible random numbers: SeedSequence (entropy pool and state generation) and the PCG64
// bit generator with numpy's `next_double` and buffered `next_uint32`, so `Pcg64.fromSeed(s)`
// draws exactly what `np.random.default_rng(s)` (and Gymnasium's `np_random`) draws.
// Source of every constant and step: numpy/random/bit_generator.pyx (SeedSequence) and
// numpy/random/src/pcg64/pcg64.h (pcg_setseq_128_xsl_rr_64, pcg64_next32, next_double).
// This module must not use Math.random or any ambient entropy.
import { InvalidOptionError } from './errors';
import type { Rng, RngState } from '@ala/rl-core';

// The generator interface is @ala/rl-core's: Pcg64 is one more implementation of it.
export type { Rng, RngState };

/**
 * PCG64 state as an RngState: algorithm 'pcg64-numpy', s = [state as 4 uint32 words, least
 * significant first; inc as 4 words; hasUint32 (0/1); uinteger] (numpy's `bit_generator.state`).
 */
export type Pcg64State = RngState;
export const PCG64_ALGORITHM = 'pcg64-numpy';

const MASK32 = 0xffffffffn;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULT_128 = 0x2360ed051fc65da44385df649fccf645n;

// SeedSequence constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

/** Checks a seed the way Gymnasium does: a non-negative integer (number or bigint). */
export function toSeedBigInt(seed: unknown): bigint {
  if (typeof seed === 'bigint' && seed >= 0n) return seed;
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return BigInt(seed);
  throw new InvalidOptionError('seed', seed, `seed must be a non-negative integer, got ${String(seed)}`);
}

function intToUint32Words(n: bigint): number[] {
  if (n === 0n) return [0];
  const words: number[] = [];
  for (let v = n; v > 0n; v >>= 32n) words.push(Number(v & MASK32));
  return words;
}

/** SeedSequence(entropy).pool: the 4-word entropy pool. */
export function seedSequencePool(entropy: bigint): Uint32Array {
  const words = intToUint32Words(entropy);
  const pool = new Uint32Array(POOL_SIZE);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> XSHIFT)) >>> 0;
  };
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < words.length ? (words[i] ?? 0) : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst] ?? 0, hashmix(pool[src] ?? 0));
    }
  }
  for (let src = POOL_SIZE; src < words.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst] ?? 0, hashmix(words[src] ?? 0));
  }
  return pool;
}

/** SeedSequence(entropy).generate_state(nWords, uint32). */
export function seedSequenceGenerateState(entropy: bigint, nWords: number): Uint32Array {
  const pool = seedSequencePool(entropy);
  const out = new Uint32Array(nWords);
  let hashConst = INIT_B;
  for (let i = 0; i < nWords; i++) {
    let v = ((pool[i % POOL_SIZE] ?? 0) ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    out[i] = (v ^ (v >>> XSHIFT)) >>> 0;
  }
  return out;
}

/** PCG64 (XSL-RR 128/64) with numpy's seeding and output conventions. */
export class Pcg64 implements Rng {
  private state = 0n;
  private inc = 1n;
  private hasUint32 = false;
  private uinteger = 0;

  private constructor() {}

  /** The generator `np.random.default_rng(seed)` / `PCG64(SeedSequence(seed))` would create. */
  static fromSeed(seed: number | bigint): Pcg64 {
    const words = seedSequenceGenerateState(toSeedBigInt(seed), 8);
    // generate_state(4, uint64): little-endian pairs of uint32 words -> seed = v0:v1, inc = v2:v3.
    const u64 = (i: number): bigint => (BigInt(words[2 * i + 1] ?? 0) << 32n) | BigInt(words[2 * i] ?? 0);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    const rng = new Pcg64();
    rng.inc = ((initSeq << 1n) | 1n) & MASK128;
    rng.step();
    rng.state = (rng.state + initState) & MASK128;
    rng.step();
    return rng;
  }

  /** A generator restored from a `getState()` snapshot. */
  static fromState(state: Pcg64State): Pcg64 {
    const rng = new Pcg64();
    rng.setState(state);
    return rng;
  }

  private step(): void {
    this.state = (this.state * PCG_MULT_128 + this.inc) & MASK128;
  }

  /** pcg64_next64: one 64-bit output as a bigint. */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & MASK64;
    const rot = s >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & MASK64;
  }

  nextFloat(): number {
    return Number(this.nextUint64() >> 11n) * 1.1102230246251565e-16; // 2^-53
  }

  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const next = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = Number(next >> 32n);
    return Number(next & MASK32);
  }

  /** numpy `Generator.uniform(low, high)`: low + (high - low) * next_double. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  /** The 128-bit state and increment (numpy's `bit_generator.state['state']`). */
  state128(): { state: bigint; inc: bigint } {
    return { state: this.state, inc: this.inc };
  }

  getState(): Pcg64State {
    const words = (v: bigint): number[] => [0n, 32n, 64n, 96n].map((k) => Number((v >> k) & MASK32));
    return { algorithm: PCG64_ALGORITHM, s: [...words(this.state), ...words(this.inc), this.hasUint32 ? 1 : 0, this.uinteger] };
  }

  setState(state: Pcg64State): void {
    const s = state?.s;
    if (state?.algorithm !== PCG64_ALGORITHM || !Array.isArray(s) || s.length !== 10) {
      throw new InvalidOptionError('state', state, `expected a ${PCG64_ALGORITHM} state with 10 words`);
    }
    if (!s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || (s[8] !== 0 && s[8] !== 1)) {
      throw new InvalidOptionError('state', state, 'PCG64 state words must be uint32 (hasUint32 0 or 1)');
    }
    const big = (i: number): bigint => [0, 1, 2, 3].reduce((acc, k) => acc | (BigInt(s[i + k] as number) << BigInt(32 * k)), 0n);
    const inc = big(4);
    if ((inc & 1n) !== 1n) throw new InvalidOptionError('state', state, 'PCG64 increment must be odd');
    this.state = big(0);
    this.inc = inc;
    this.hasUint32 = s[8] === 1;
    this.uinteger = s[9] as number;
  }
}

/** Uniform integer in [0, n) from any Rng (n <= 2^32; modulo-free, bias < 2^-20 for small n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng.nextFloat() * n);
}
