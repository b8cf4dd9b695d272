// Observation and action spaces, with Gymnasium's names (Discrete, Box). Spaces describe shapes
// and bounds only; they must not hold env state or sample (sampling needs a seeded Rng, which
// the caller owns).

import { InvalidOptionError } from './errors';

/** A discrete action space {0, ..., n-1}; every action has a human-readable name for advisors. */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
  readonly actionNames: readonly string[];
}

/** A float32 box, flattened: `shape` is kept for documentation, data is always a flat Float32Array. */
export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly number[];
  /** Lower bounds per element (may be -Infinity), length = product(shape). */
  readonly low: Float32Array;
  /** Upper bounds per element (may be +Infinity), length = product(shape). */
  readonly high: Float32Array;
  readonly dtype: 'float32';
}

/** Builds a discrete space; `actionNames.length` defines `n`. */
export function discreteSpace(actionNames: readonly string[]): DiscreteSpace {
  return Object.freeze({ kind: 'discrete', n: actionNames.length, actionNames: Object.freeze([...actionNames]) });
}

/** Builds a float32 box from per-element bounds (numbers broadcast to every element). */
export function boxSpace(shape: readonly number[], low: number | ArrayLike<number>, high: number | ArrayLike<number>): BoxSpace {
  const size = shape.reduce((a, b) => a * b, 1);
  const fill = (v: number | ArrayLike<number>): Float32Array => {
    if (typeof v === 'number') return new Float32Array(size).fill(v);
    if (v.length !== size) throw new RangeError(`box bounds have ${v.length} elements, shape needs ${size}`);
    return Float32Array.from(v);
  };
  return Object.freeze({ kind: 'box', shape: Object.freeze([...shape]), low: fill(low), high: fill(high), dtype: 'float32' });
}

/** Number of elements of a flat observation of this box. */
export function flatSize(space: BoxSpace): number {
  return space.low.length;
}

/** True when `action` is an integer in [0, n). */
export function containsAction(space: DiscreteSpace, action: unknown): action is number {
  return typeof action === 'number' && Number.isInteger(action) && action >= 0 && action < space.n;
}

/** The spaces a batch of envs shares; throws when any env's spaces differ from the first's. */
export interface SharedSpaces {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly obsDim: number;
  readonly numActions: number;
}

/** Checks that `envs` is non-empty and that all have the first env's spaces (for vector envs). */
export function sharedSpaces(
  envs: readonly { readonly id?: string; readonly observationSpace: BoxSpace; readonly actionSpace: DiscreteSpace }[],
  owner: string,
): SharedSpaces {
  const first = envs[0];
  if (!first) throw new InvalidOptionError('envs', envs, `${owner} needs at least one env`);
  const obsDim = flatSize(first.observationSpace);
  const numActions = first.actionSpace.n;
  for (const e of envs) {
    if (flatSize(e.observationSpace) !== obsDim || e.actionSpace.n !== numActions) {
      throw new InvalidOptionError('envs', e.id, `all envs of ${article(owner)} ${owner} must have the same spaces`);
    }
  }
  return { observationSpace: first.observationSpace, actionSpace: first.actionSpace, obsDim, numActions };
}

const article = (word: string): string => (/^[AEIOU]/.test(word) ? 'an' : 'a');
