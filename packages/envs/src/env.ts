// The environment interface every ALA env implements, with Gymnasium's names and semantics
// (reset -> {obs, info}; step -> {obs, reward, terminated, truncated, info}), plus what advisors
// need: action names, a legal-action mask and a text description; optionally a portable state.
// This module holds types and one type guard only: it must not import any concrete env.
import type { BoxSpace, DiscreteSpace } from './spaces';

/** Free-form per-step information (Gymnasium's `info` dict). */
export type EnvInfo = Record<string, unknown>;

export interface ResetArgs {
  /** Non-negative integer; reseeds the env's generator (NumPy SeedSequence semantics). Omit to continue the stream. */
  readonly seed?: number | bigint;
  /** Env-specific reset options (e.g. CartPole's `{ low, high }`). */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface ResetResult {
  readonly obs: Float32Array;
  readonly info: EnvInfo;
}

export interface StepResult {
  readonly obs: Float32Array;
  readonly reward: number;
  /** The MDP reached a terminal state (V(terminal) = 0). */
  readonly terminated: boolean;
  /** The episode was cut by a time limit (bootstrap from V(obs)). */
  readonly truncated: boolean;
  readonly info: EnvInfo;
}

/**
 * A single environment. All methods are synchronous; remote envs (see the bridge) implement
 * `AsyncEnv` instead. Bad input throws a named `EnvError` and leaves the env unchanged.
 */
export interface Env {
  /** Registry id, e.g. `CartPole-v1`. */
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  /** Starts an episode. The returned obs is a fresh array the caller may keep. */
  reset(args?: ResetArgs): ResetResult;
  /** Advances one step; throws `ResetNeededError` after the episode ended, `InvalidActionError` on a bad action. */
  step(action: number): StepResult;
  /** Legal-action mask for the current state, length `actionSpace.n`, 1 = legal. */
  legalActions(): Uint8Array;
  /** A short English description of the current situation, for an LLM advisor. */
  describe(): string;
  /** Releases resources; the env must not be used afterwards. */
  close(): void;
}

/**
 * An env whose full state can leave the process as bytes and come back (e.g. in a StateSnapshot's
 * `envState`, for an advisor that plans on a copy). The bytes are env-defined, versioned and
 * self-checking: `importState` throws `EnvStateError` on anything else and changes nothing.
 */
export interface PortableStateEnv {
  /** The full current state (an episode must have started). */
  exportState(): Uint8Array;
  /** Restores bytes from `exportState()` of an env of the same kind and options. */
  importState(bytes: Uint8Array): void;
}

/** True when `env` implements PortableStateEnv. */
export function hasPortableState<E extends Env>(env: E): env is E & PortableStateEnv {
  const e = env as Partial<PortableStateEnv>;
  return typeof e.exportState === 'function' && typeof e.importState === 'function';
}

/** The same contract with asynchronous methods, for envs served over the network. */
export interface AsyncEnv {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  reset(args?: ResetArgs): Promise<ResetResult>;
  step(action: number): Promise<StepResult>;
  legalActions(): Promise<Uint8Array>;
  describe(): Promise<string>;
  close(): Promise<void>;
}
