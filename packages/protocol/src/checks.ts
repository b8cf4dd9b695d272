// Small helpers for the semantic checks of message definitions (cross-field lengths and ranges).
// They return a Violation instead of throwing so a definition can chain them; the codec turns the
// first one into a ProtocolError. Pure functions, no codec or I/O.
import type { Violation } from './codec';

type NumericArray = ArrayLike<number>;

/** Violation when `actual !== expected` (a vector whose length disagrees with its dimensions). */
export function lengthIs(path: string, actual: number, expected: number, what: string): Violation | undefined {
  return actual === expected ? undefined : { reason: 'length', path, detail: `length ${actual}, expected ${expected} (${what})` };
}

/** Violation at the first element that is not 0 or 1. */
export function allBinary(path: string, arr: NumericArray): Violation | undefined {
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (x !== 0 && x !== 1) return { reason: 'range', path: `${path}/${i}`, detail: `${x} is not 0 or 1` };
  }
  return undefined;
}

/** Violation at the first element outside [lo, hi] (inclusive). */
export function allInRange(path: string, arr: NumericArray, lo: number, hi: number): Violation | undefined {
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i] as number;
    if (!(x >= lo && x <= hi)) return { reason: 'range', path: `${path}/${i}`, detail: `${x} is outside [${lo}, ${hi}]` };
  }
  return undefined;
}

/** Violation at the first element whose absolute value exceeds `bound`. */
export function allWithinBound(path: string, arr: NumericArray, bound: number): Violation | undefined {
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i] as number;
    if (Math.abs(x) > bound) return { reason: 'range', path: `${path}/${i}`, detail: `|${x}| exceeds the bound ${bound}` };
  }
  return undefined;
}

/** Violation when an optional action index is not below `nActions`. */
export function actionIndexBelow(path: string, index: number | undefined, nActions: number): Violation | undefined {
  if (index === undefined || index < nActions) return undefined;
  return { reason: 'range', path, detail: `action ${index} >= number of actions ${nActions}` };
}

/** The first defined violation, evaluating lazily in order. */
export function firstViolation(...checks: (() => Violation | undefined)[]): Violation | undefined {
  for (const check of checks) {
    const v = check();
    if (v !== undefined) return v;
  }
  return undefined;
}
