// The monotonic clock every deadline is measured on, injected so tests can move time by hand.
// Milliseconds, monotonic, local to this process: never compared across machines (docs/architecture.md, Advice lifetime).
// This module must not read wall-clock time.

export interface Clock {
  /** Monotonic milliseconds (any origin). */
  now(): number;
}

/** `performance.now()`: monotonic, sub-millisecond. */
export const systemClock: Clock = { now: () => performance.now() };

/** A clock that only moves when told to; for tests of expiry without sleeping. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  /** Move forward by `ms` (>= 0). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(${ms}): a monotonic clock only moves forward`);
    this.t += ms;
  }
}
