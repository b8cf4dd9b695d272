// Typed configuration of the actor-runner: one table of settings (variable, default, rule;
// docs/configuration.md lists the same) from which come ACTOR_DEFAULTS, loadConfig(env),
// validateActorConfig(config) and CONFIG_ENV. Must not: connect, read files or start anything;
// bad values throw ConfigError and nothing starts.
import { isValidId, MAX_BIAS_BOUND } from '@ala/protocol';
import { COMMON_SETTINGS, defineConfig, setting, type CommonConfig, type Env } from '@ala/telemetry';

export interface ActorRunnerConfig extends CommonConfig {
  /** Id of this actor process; also the trajectory subject token (ALA_ACTOR_ID, default 'actor-0'). */
  readonly actorId: string;
  /** Registered env id (ALA_ENV, default CartPole-v1). */
  readonly envId: string;
  /** Agents (env copies) stepped together by this process (ALA_AGENTS, default 20). */
  readonly agents: number;
  /** Steps per second of the whole vector env; 0 = unpaced (ALA_STEP_HZ, default 0). */
  readonly stepHz: number;
  /** Steps per trajectory chunk (ALA_CHUNK_STEPS, default 32). */
  readonly chunkSteps: number;
  /** Publish a state snapshot for an agent every this many of its steps; 0 = never (ALA_SNAPSHOT_EVERY, default 4). */
  readonly snapshotEvery: number;
  /**
   * Most state snapshots per second per agent; 0 = no limit (ALA_SNAPSHOT_MAX_HZ, default 100).
   * Applied after snapshotEvery (burst of SNAPSHOT_BURST = 16, acting.ts), so an unpaced actor
   * cannot flood the advisors; 100 is far above
   * what an LLM answers (one answer per 2-5 s) and twice `ala up`'s 50 steps/s with a snapshot
   * every step, so that default is not cut.
   */
  readonly snapshotMaxHz: number;
  /** Lifetime of a state snapshot and so of the advice answering it, ms (ALA_ADVICE_TTL_MS, default 1000). */
  readonly adviceTtlMs: number;
  /** Bias strength β in μ = softmax(z + βb) (ALA_BETA, default 1). */
  readonly beta: number;
  /**
   * The actor's own bias bound B: every bias component is clipped to [-B, B] whatever the message
   * says, so |log μ/π| <= 2βB (ALA_BIAS_BOUND, else ALA_ROUTER_BOUND, default 1; the router reads the same).
   */
  readonly biasBound: number;
  /** Longest lifetime of a bias from its receipt, ms; longer (or missing) TTLs are cut to it (ALA_MAX_ADVICE_TTL_MS, else ALA_ROUTER_MAX_TTL_MS, default 10000). */
  readonly maxAdviceTtlMs: number;
  /** KL budget ε on KL(μ||π) per step; 0 = off (ALA_KL_BUDGET, default 0). */
  readonly klBudget: number;
  /** Seed of env resets and action sampling (ALA_SEED, default 1). */
  readonly seed: number;
  /** Most trajectory chunks in flight to JetStream before the loop waits (ALA_MAX_INFLIGHT_CHUNKS, default 8). */
  readonly maxInflightChunks: number;
  /** Replicas of the streams and stores this service creates (ALA_STREAM_REPLICAS, default 1; 3 on a 3-node cluster). */
  readonly streamReplicas: number;
  /**
   * Where live biases are received and decoded (ALA_BIAS_INTAKE, default auto): 'thread' = a worker
   * thread with its own NATS connection (ALA_NATS_URL and the identity/TLS files of this config)
   * keeps the latest bias per agent in shared memory, so a burst of biases never stalls the step
   * loop; 'main' = on the step loop's thread, through the service's bus; 'auto' = thread when the
   * bus is NATS (and the worker reaches the bus's server or cluster), else main.
   */
  readonly biasIntake: BiasIntakeMode;
}

export const BIAS_INTAKE_MODES = ['auto', 'thread', 'main'] as const;
export type BiasIntakeMode = (typeof BIAS_INTAKE_MODES)[number];

const DEF = defineConfig<ActorRunnerConfig>({
  ...COMMON_SETTINGS,
  actorId: setting.string('ALA_ACTOR_ID', 'actor-0', { test: (s) => isValidId(s) && s.length <= 48, rule: 'an id of [A-Za-z0-9_-]{1,48}' }),
  envId: setting.string('ALA_ENV', 'CartPole-v1', { test: isValidId, rule: 'an id of [A-Za-z0-9_-]{1,64}' }),
  agents: setting.int('ALA_AGENTS', 20, { min: 1, max: 10_000 }),
  stepHz: setting.number('ALA_STEP_HZ', 0, { min: 0, max: 100_000 }),
  chunkSteps: setting.int('ALA_CHUNK_STEPS', 32, { min: 1, max: 4096 }),
  snapshotEvery: setting.int('ALA_SNAPSHOT_EVERY', 4, { min: 0 }),
  snapshotMaxHz: setting.number('ALA_SNAPSHOT_MAX_HZ', 100, { min: 0, max: 1_000_000 }),
  adviceTtlMs: setting.int('ALA_ADVICE_TTL_MS', 1000, { min: 1, max: 86_400_000 }),
  beta: setting.number('ALA_BETA', 1, { min: 0 }),
  biasBound: setting.number(['ALA_BIAS_BOUND', 'ALA_ROUTER_BOUND'], 1, { above: 0, max: MAX_BIAS_BOUND }),
  maxAdviceTtlMs: setting.int(['ALA_MAX_ADVICE_TTL_MS', 'ALA_ROUTER_MAX_TTL_MS'], 10_000, { min: 1, max: 86_400_000 }),
  klBudget: setting.number('ALA_KL_BUDGET', 0, { min: 0 }),
  seed: setting.int('ALA_SEED', 1, { min: 0, max: 2 ** 32 - 1 }),
  maxInflightChunks: setting.int('ALA_MAX_INFLIGHT_CHUNKS', 8, { min: 1, max: 1024 }),
  streamReplicas: setting.int('ALA_STREAM_REPLICAS', 1, { min: 1, max: 5 }),
  biasIntake: setting.oneOf('ALA_BIAS_INTAKE', 'auto', BIAS_INTAKE_MODES),
});

export const ACTOR_DEFAULTS: ActorRunnerConfig = DEF.defaults;
/** Every environment variable loadConfig reads. */
export const CONFIG_ENV: readonly string[] = DEF.env;
/** Checks a whole config (also one built in code, e.g. by `ala up`); throws ConfigError. */
export const validateActorConfig = DEF.validate;
/** Config from the environment; unset variables take `defaults` (ACTOR_DEFAULTS). */
export function loadConfig(env: Env = process.env, defaults: ActorRunnerConfig = ACTOR_DEFAULTS): ActorRunnerConfig {
  return DEF.load(env, defaults);
}
