// Typed configuration of the ppo-learner, read from environment variables with documented
// defaults (docs/configuration.md lists the same table). PPO hyper-parameters come from
// @ala/policy's preset for the env, with the overrides below. Must not: connect or start anything;
// bad values throw LearnerConfigError.
import { isValidId, isValidPrefix } from '@ala/protocol';
import { LearnerConfigError } from './errors';

export interface PpoLearnerConfig {
  /** NATS server URL (ALA_NATS_URL or NATS_URL, default nats://127.0.0.1:4222). */
  readonly natsUrl: string;
  /** Subject prefix (ALA_PREFIX, default 'ala'). */
  readonly prefix: string;
  /** Env id the policy is for: fixes obsDim, nActions and the PPO preset (ALA_ENV, default CartPole-v1). */
  readonly envId: string;
  /** Seed of weight init and minibatch order (ALA_SEED, default 1). */
  readonly seed: number;
  /** Samples (steps x agents) per update; 0 = the preset's numEnvs x numSteps (ALA_MIN_BATCH, default 0). */
  readonly minBatch: number;
  /** Most samples per update: older chunks beyond it are dropped (ALA_MAX_BATCH, default 8 x minBatch). */
  readonly maxBatch: number;
  /** Drop samples more than this many versions old; -1 = the preset's maxPolicyLag (ALA_MAX_POLICY_LAG, default -1). */
  readonly maxPolicyLag: number;
  /** Env samples over which LR and clip are annealed; 0 = the preset's (ALA_TOTAL_TIMESTEPS, default 0). */
  readonly totalTimesteps: number;
  /** Directory for checkpoints, '' = none (ALA_CHECKPOINT_DIR, default ''). */
  readonly checkpointDir: string;
  /** Seconds between checkpoints (ALA_CHECKPOINT_EVERY_S, default 30). */
  readonly checkpointEverySec: number;
  /** Durable JetStream consumer name on ALA_TRAJ (ALA_LEARNER_CONSUMER, default ppo-learner). */
  readonly consumer: string;
}

export const LEARNER_DEFAULTS: PpoLearnerConfig = {
  natsUrl: 'nats://127.0.0.1:4222',
  prefix: 'ala',
  envId: 'CartPole-v1',
  seed: 1,
  minBatch: 0,
  maxBatch: 0,
  maxPolicyLag: -1,
  totalTimesteps: 0,
  checkpointDir: '',
  checkpointEverySec: 30,
  consumer: 'ppo-learner',
};

const int = (lo: number, hi = Number.MAX_SAFE_INTEGER) => (x: number): boolean => Number.isSafeInteger(x) && x >= lo && x <= hi;

/** Checks a whole config (also one built in code, e.g. by `ala up`); throws LearnerConfigError. */
export function validateLearnerConfig(c: PpoLearnerConfig): PpoLearnerConfig {
  if (!isValidPrefix(c.prefix)) throw new LearnerConfigError('prefix', c.prefix, 'prefix must be 1-4 dot-separated tokens of [A-Za-z0-9_-]');
  if (!isValidId(c.envId)) throw new LearnerConfigError('envId', c.envId, 'envId must match [A-Za-z0-9_-]{1,64}');
  if (!isValidId(c.consumer)) throw new LearnerConfigError('consumer', c.consumer, 'consumer must match [A-Za-z0-9_-]{1,64}');
  const checks: [keyof PpoLearnerConfig, boolean, string][] = [
    ['seed', int(0, 2 ** 32 - 1)(c.seed), 'an integer in [0, 2^32)'],
    ['minBatch', int(0, 1_000_000)(c.minBatch), 'an integer in [0, 1000000]'],
    ['maxBatch', int(0, 4_000_000)(c.maxBatch) && (c.maxBatch === 0 || c.maxBatch >= c.minBatch), 'an integer >= minBatch (0 = 8 x minBatch)'],
    ['maxPolicyLag', int(-1, 1_000_000)(c.maxPolicyLag), 'an integer >= -1'],
    ['totalTimesteps', int(0)(c.totalTimesteps), 'an integer >= 0'],
    ['checkpointEverySec', Number.isFinite(c.checkpointEverySec) && c.checkpointEverySec > 0, 'a number > 0'],
  ];
  for (const [field, ok, rule] of checks) if (!ok) throw new LearnerConfigError(field, c[field], `${field} must be ${rule}`);
  return c;
}

function num(env: NodeJS.ProcessEnv, key: string, field: keyof PpoLearnerConfig, dflt: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return dflt;
  const x = Number(raw);
  if (!Number.isFinite(x)) throw new LearnerConfigError(field, raw, `${key} must be a number`);
  return x;
}

/** Config from the environment (defaults in LEARNER_DEFAULTS). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PpoLearnerConfig {
  const d = LEARNER_DEFAULTS;
  return validateLearnerConfig({
    natsUrl: env.ALA_NATS_URL || env.NATS_URL || d.natsUrl,
    prefix: env.ALA_PREFIX || d.prefix,
    envId: env.ALA_ENV || d.envId,
    seed: num(env, 'ALA_SEED', 'seed', d.seed),
    minBatch: num(env, 'ALA_MIN_BATCH', 'minBatch', d.minBatch),
    maxBatch: num(env, 'ALA_MAX_BATCH', 'maxBatch', d.maxBatch),
    maxPolicyLag: num(env, 'ALA_MAX_POLICY_LAG', 'maxPolicyLag', d.maxPolicyLag),
    totalTimesteps: num(env, 'ALA_TOTAL_TIMESTEPS', 'totalTimesteps', d.totalTimesteps),
    checkpointDir: env.ALA_CHECKPOINT_DIR ?? d.checkpointDir,
    checkpointEverySec: num(env, 'ALA_CHECKPOINT_EVERY_S', 'checkpointEverySec', d.checkpointEverySec),
    consumer: env.ALA_LEARNER_CONSUMER || d.consumer,
  });
}
