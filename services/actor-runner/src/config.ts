// Typed configuration of the actor-runner, read from environment variables with documented
// defaults (docs/configuration.md lists the same table). Must not: connect, read files or start
// anything; bad values throw ActorConfigError and nothing starts.
import { isValidId, isValidPrefix, MAX_BIAS_BOUND } from '@ala/protocol';
import { ActorConfigError } from './errors';

export interface ActorRunnerConfig {
  /** NATS server URL (ALA_NATS_URL or NATS_URL, default nats://127.0.0.1:4222). */
  readonly natsUrl: string;
  /** Subject prefix (ALA_PREFIX, default 'ala'). */
  readonly prefix: string;
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
}

export const ACTOR_DEFAULTS: ActorRunnerConfig = {
  natsUrl: 'nats://127.0.0.1:4222',
  prefix: 'ala',
  actorId: 'actor-0',
  envId: 'CartPole-v1',
  agents: 20,
  stepHz: 0,
  chunkSteps: 32,
  snapshotEvery: 4,
  snapshotMaxHz: 100,
  adviceTtlMs: 1000,
  beta: 1,
  biasBound: 1,
  maxAdviceTtlMs: 10_000,
  klBudget: 0,
  seed: 1,
  maxInflightChunks: 8,
};

function num(env: NodeJS.ProcessEnv, key: string, field: keyof ActorRunnerConfig, dflt: number, check: (x: number) => boolean, rule: string): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return dflt;
  const x = Number(raw);
  if (!Number.isFinite(x) || !check(x)) throw new ActorConfigError(field, raw, `${key} must be ${rule}`);
  return x;
}

const int = (lo: number, hi = Number.MAX_SAFE_INTEGER) => (x: number): boolean => Number.isSafeInteger(x) && x >= lo && x <= hi;

/** Checks a whole config (also one built in code, e.g. by `ala up`); throws ActorConfigError. */
export function validateActorConfig(c: ActorRunnerConfig): ActorRunnerConfig {
  if (!isValidPrefix(c.prefix)) throw new ActorConfigError('prefix', c.prefix, 'prefix must be 1-4 dot-separated tokens of [A-Za-z0-9_-]');
  if (!isValidId(c.actorId) || c.actorId.length > 48) throw new ActorConfigError('actorId', c.actorId, 'actorId must match [A-Za-z0-9_-]{1,48}');
  if (!isValidId(c.envId)) throw new ActorConfigError('envId', c.envId, 'envId must match [A-Za-z0-9_-]{1,64}');
  const checks: [keyof ActorRunnerConfig, boolean, string][] = [
    ['agents', int(1, 10_000)(c.agents), 'an integer in [1, 10000]'],
    ['stepHz', Number.isFinite(c.stepHz) && c.stepHz >= 0 && c.stepHz <= 100_000, 'a number in [0, 100000] (0 = unpaced)'],
    ['chunkSteps', int(1, 4096)(c.chunkSteps), 'an integer in [1, 4096]'],
    ['snapshotEvery', int(0)(c.snapshotEvery), 'an integer >= 0'],
    ['snapshotMaxHz', Number.isFinite(c.snapshotMaxHz) && c.snapshotMaxHz >= 0 && c.snapshotMaxHz <= 1_000_000, 'a number in [0, 1000000] per agent (0 = no limit)'],
    ['adviceTtlMs', int(1, 86_400_000)(c.adviceTtlMs), 'an integer in [1, 86400000] ms'],
    ['beta', Number.isFinite(c.beta) && c.beta >= 0, 'a finite number >= 0'],
    ['biasBound', Number.isFinite(c.biasBound) && c.biasBound > 0 && c.biasBound <= MAX_BIAS_BOUND, `a number in (0, ${MAX_BIAS_BOUND}]`],
    ['maxAdviceTtlMs', int(1, 86_400_000)(c.maxAdviceTtlMs), 'an integer in [1, 86400000] ms'],
    ['klBudget', Number.isFinite(c.klBudget) && c.klBudget >= 0, 'a finite number >= 0'],
    ['seed', int(0, 2 ** 32 - 1)(c.seed), 'an integer in [0, 2^32)'],
    ['maxInflightChunks', int(1, 1024)(c.maxInflightChunks), 'an integer in [1, 1024]'],
  ];
  for (const [field, ok, rule] of checks) if (!ok) throw new ActorConfigError(field, c[field], `${field} must be ${rule}`);
  return c;
}

/** Config from the environment (defaults in ACTOR_DEFAULTS). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ActorRunnerConfig {
  const d = ACTOR_DEFAULTS;
  return validateActorConfig({
    natsUrl: env.ALA_NATS_URL || env.NATS_URL || d.natsUrl,
    prefix: env.ALA_PREFIX || d.prefix,
    actorId: env.ALA_ACTOR_ID || d.actorId,
    envId: env.ALA_ENV || d.envId,
    agents: num(env, 'ALA_AGENTS', 'agents', d.agents, int(1, 10_000), 'an integer in [1, 10000]'),
    stepHz: num(env, 'ALA_STEP_HZ', 'stepHz', d.stepHz, (x) => x >= 0, 'a number >= 0'),
    chunkSteps: num(env, 'ALA_CHUNK_STEPS', 'chunkSteps', d.chunkSteps, int(1, 4096), 'an integer in [1, 4096]'),
    snapshotEvery: num(env, 'ALA_SNAPSHOT_EVERY', 'snapshotEvery', d.snapshotEvery, int(0), 'an integer >= 0'),
    snapshotMaxHz: num(env, 'ALA_SNAPSHOT_MAX_HZ', 'snapshotMaxHz', d.snapshotMaxHz, (x) => x >= 0 && x <= 1_000_000, 'a number in [0, 1000000] (0 = no limit)'),
    adviceTtlMs: num(env, 'ALA_ADVICE_TTL_MS', 'adviceTtlMs', d.adviceTtlMs, int(1, 86_400_000), 'an integer in [1, 86400000]'),
    beta: num(env, 'ALA_BETA', 'beta', d.beta, (x) => x >= 0, 'a number >= 0'),
    biasBound: num(env, env.ALA_BIAS_BOUND ? 'ALA_BIAS_BOUND' : 'ALA_ROUTER_BOUND', 'biasBound', d.biasBound, (x) => x > 0 && x <= MAX_BIAS_BOUND, `a number in (0, ${MAX_BIAS_BOUND}]`),
    maxAdviceTtlMs: num(env, env.ALA_MAX_ADVICE_TTL_MS ? 'ALA_MAX_ADVICE_TTL_MS' : 'ALA_ROUTER_MAX_TTL_MS', 'maxAdviceTtlMs', d.maxAdviceTtlMs, int(1, 86_400_000), 'an integer in [1, 86400000]'),
    klBudget: num(env, 'ALA_KL_BUDGET', 'klBudget', d.klBudget, (x) => x >= 0, 'a number >= 0'),
    seed: num(env, 'ALA_SEED', 'seed', d.seed, int(0, 2 ** 32 - 1), 'an integer in [0, 2^32)'),
    maxInflightChunks: num(env, 'ALA_MAX_INFLIGHT_CHUNKS', 'maxInflightChunks', d.maxInflightChunks, int(1, 1024), 'an integer in [1, 1024]'),
  });
}
