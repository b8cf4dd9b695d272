// Named errors of @ala/policy. Each carries typed fields saying what was wrong and a `cause`.
// Must not: hold recovery logic or log; callers decide what to do with the error.

/** A configuration or model shape that cannot be used (bad hidden sizes, bad PpoConfig field). */
export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
  constructor(
    message: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A rollout / batch whose shapes or values do not fit the model (lengths, NaN, action range). */
export class RolloutShapeError extends Error {
  override readonly name = 'RolloutShapeError';
  constructor(
    message: string,
    readonly field: string,
    readonly expected: number | string,
    readonly actual: number | string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A checkpoint that cannot be read or does not match (missing file, bad JSON, wrong shapes). */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** ONNX export or ONNX Runtime session failure (bad model bytes, wrong input shape). */
export class OnnxError extends Error {
  override readonly name = 'OnnxError';
  constructor(
    message: string,
    readonly stage: 'export' | 'session' | 'run',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
