// Named errors of the ppo-learner. Must not: log or count (callers do).

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
