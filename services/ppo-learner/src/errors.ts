// Named errors of the ppo-learner. Must not: log or count (callers do).

/** A configuration value is invalid; nothing was started. */
export class LearnerConfigError extends Error {
  override readonly name = 'LearnerConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A learner checkpoint cannot be used (other env or shape, malformed); nothing was restored. */
export class LearnerCheckpointError extends Error {
  override readonly name = 'LearnerCheckpointError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
