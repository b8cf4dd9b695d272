// Shared array types and argument checks for @ala/rl-core (internal; not exported by index.ts).
// Must not: allocate on the success path or mutate anything; checks only throw typed errors.
import { InvalidValueError, ShapeError } from './errors';

import { hotMath } from './math';

const { INF } = hotMath;

/** Read-only numeric vector: number[], Float32Array or Float64Array. */
export type Vec = ArrayLike<number>;
/** Writable numeric output buffer. */
export type OutVec = Float32Array | Float64Array;
/** Per-element flags (1/true = set). Used for masks (1 = legal) and done flags. */
export type Flags = ArrayLike<number | boolean>;

export function checkLength(argument: string, v: { length: number }, expected: number): void {
  if (v.length !== expected) throw new ShapeError(argument, expected, v.length);
}

export function checkDim(argument: string, n: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new InvalidValueError(argument, n, 'must be a positive integer');
}

export function checkFinite(argument: string, x: number): void {
  if (!isFiniteNum(x)) throw new InvalidValueError(argument, x, 'must be finite');
}

export function checkRange(argument: string, x: number, lo: number, hi: number): void {
  if (!(x >= lo && x <= hi)) throw new InvalidValueError(argument, x, `must be in [${lo}, ${hi}]`);
}

export function checkPositive(argument: string, x: number): void {
  if (!(x > 0) || !isFiniteNum(x)) throw new InvalidValueError(argument, x, 'must be finite and > 0');
}

export function checkNonNegative(argument: string, x: number): void {
  if (!(x >= 0) || !isFiniteNum(x)) throw new InvalidValueError(argument, x, 'must be finite and >= 0');
}

/** Finite number test without a global lookup (x − x is NaN exactly for NaN and ±Infinity). */
export function isFiniteNum(x: number): boolean {
  return x - x === 0;
}

/** Every element finite. */
export function checkAllFinite(argument: string, v: Vec): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!isFiniteNum(x)) throw new InvalidValueError(argument, x, 'must be finite', i);
  }
}

/** Logits: finite or -Infinity (an already-masked action); never NaN or +Infinity. */
export function checkLogits(argument: string, v: Vec): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (x !== x || x === INF) throw new InvalidValueError(argument, x, 'logits must be finite or -Infinity', i);
  }
}

/** Allocates (when absent) or checks an output buffer. */
export function outBuffer(argument: string, out: OutVec | undefined, n: number): OutVec {
  if (out === undefined) return new Float64Array(n);
  checkLength(argument, out, n);
  return out;
}
