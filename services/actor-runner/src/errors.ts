// Named errors of the actor-runner. Must not: log or count (callers do).

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

/** The thread bias intake could not start, reached another server than the actor's bus, or is not possible with these deps. */
export class BiasIntakeError extends Error {
  override readonly name = 'BiasIntakeError';
  constructor(
    readonly reason: 'start' | 'server' | 'unsupported',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A trajectory chunk of this config would exceed the server's max_payload (every publish would fail): nothing starts. */
export class ChunkSizeError extends Error {
  override readonly name = 'ChunkSizeError';
  constructor(
    readonly chunkBytes: number,
    readonly maxPayload: number,
    message: string,
  ) {
    super(message);
  }
}
