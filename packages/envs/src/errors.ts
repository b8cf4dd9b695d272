// Named errors of @ala/envs. Every bad input (unknown env id, invalid action, stepping a finished
// episode, a bad seed or option) throws one of these before any state changes, so a caller can
// catch by class and the env stays usable. This module must not import anything env-specific.

/** Base class: every error thrown on purpose by @ala/envs. */
export class EnvError extends Error {
  override readonly name: string = 'EnvError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `makeEnv`, `getExpert` or `registerEnv` got an id that is unknown (or already taken). */
export class EnvRegistryError extends EnvError {
  override readonly name = 'EnvRegistryError';
  constructor(
    readonly envId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `step` got an action outside the action space or not legal in the current state. */
export class InvalidActionError extends EnvError {
  override readonly name = 'InvalidActionError';
  constructor(
    readonly envId: string,
    readonly action: unknown,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `step` was called before the first `reset`, or after the episode terminated or was truncated. */
export class ResetNeededError extends EnvError {
  override readonly name = 'ResetNeededError';
  constructor(
    readonly envId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A constructor option, reset option, seed or state value is invalid. */
export class InvalidOptionError extends EnvError {
  override readonly name = 'InvalidOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why exported env-state bytes were refused by `importState`/`fromState`. */
export type EnvStateErrorReason = 'format' | 'version' | 'length' | 'range' | 'mismatch';

/** Exported env-state bytes are malformed, of another format version, or from an env with other options. Nothing changed. */
export class EnvStateError extends EnvError {
  override readonly name = 'EnvStateError';
  constructor(
    readonly envId: string,
    readonly reason: EnvStateErrorReason,
    /** The offending part of the state, e.g. 'tiles' or 'inventory'. */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A remote env did not answer, answered garbage, or the transport failed. The remote state is unknown. */
export class EnvBridgeError extends EnvError {
  override readonly name = 'EnvBridgeError';
  constructor(
    readonly subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
