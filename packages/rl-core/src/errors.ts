// Named errors of @ala/rl-core. Every check in this package throws one of these before it
// changes any output, so bad input never leaves half-written buffers or advanced generators.
// Must not: carry I/O details or depend on anything outside this package.

/** Base class: every error thrown on purpose by @ala/rl-core is an instance of it. */
export class RlCoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An array has the wrong length for the shape arguments given with it. */
export class ShapeError extends RlCoreError {
  readonly argument: string;
  readonly expected: number;
  readonly actual: number;
  constructor(argument: string, expected: number, actual: number, options?: { cause?: unknown }) {
    super(`${argument}: expected length ${expected}, got ${actual}`, options);
    this.argument = argument;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A number is outside its domain (NaN, infinite where a finite value is needed, out of range). */
export class InvalidValueError extends RlCoreError {
  readonly argument: string;
  readonly value: unknown;
  readonly index: number | undefined;
  constructor(argument: string, value: unknown, reason: string, index?: number, options?: { cause?: unknown }) {
    super(`${argument}${index === undefined ? '' : `[${index}]`} = ${String(value)}: ${reason}`, options);
    this.argument = argument;
    this.value = value;
    this.index = index;
  }
}

/** Every action of a row is masked (mask 0 or logit -Infinity): no distribution exists. */
export class NoLegalActionError extends RlCoreError {
  readonly row: number;
  constructor(row: number, options?: { cause?: unknown }) {
    super(`row ${row}: every action is masked`, options);
    this.row = row;
  }
}
