// Named errors of the actor-runner. Must not: log or count (callers do).

/** A configuration value is invalid; nothing was started. */
export class ActorConfigError extends Error {
  override readonly name = 'ActorConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A policy could not be loaded (missing object, digest or shape mismatch, ORT refusal). */
export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
  constructor(
    readonly version: number,
    readonly reason: 'missing' | 'digest' | 'shape' | 'session' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
