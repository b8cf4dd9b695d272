// Typed configuration of the ppo-learner: one table of settings (variable, default, rule;
// docs/configuration.md lists the same) from which come LEARNER_DEFAULTS, loadConfig(env),
// validateLearnerConfig(config) and CONFIG_ENV. PPO hyper-parameters come from @ala/policy's
// preset for the env, with the overrides below. Must not: connect or start anything; bad values
// throw ConfigError.
import { isValidId } from '@ala/protocol';
import { COMMON_SETTINGS, defineConfig, setting, type CommonConfig, type Env } from '@ala/telemetry';

export interface PpoLearnerConfig extends CommonConfig {
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
  /** Hidden layer widths, comma-separated (e.g. "64,64"); '' = the preset's (ALA_PPO_HIDDEN, default ''). */
  readonly hidden: string;
  /** Directory for checkpoints, '' = none (ALA_CHECKPOINT_DIR, default ''). */
  readonly checkpointDir: string;
  /** Seconds between checkpoints (ALA_CHECKPOINT_EVERY_S, default 30). */
  readonly checkpointEverySec: number;
  /** Durable JetStream consumer name on ALA_TRAJ (ALA_LEARNER_CONSUMER, default ppo-learner). */
  readonly consumer: string;
  /** Replicas of the streams and stores this service creates (ALA_STREAM_REPLICAS, default 1; 3 on a 3-node cluster). */
  readonly streamReplicas: number;
}

const ID = { test: isValidId, rule: 'an id of [A-Za-z0-9_-]{1,64}' };
const DEF = defineConfig<PpoLearnerConfig>(
  {
    ...COMMON_SETTINGS,
    envId: setting.string('ALA_ENV', 'CartPole-v1', ID),
    seed: setting.int('ALA_SEED', 1, { min: 0, max: 2 ** 32 - 1 }),
    minBatch: setting.int('ALA_MIN_BATCH', 0, { min: 0, max: 1_000_000 }),
    maxBatch: setting.int('ALA_MAX_BATCH', 0, { min: 0, max: 4_000_000 }),
    maxPolicyLag: setting.int('ALA_MAX_POLICY_LAG', -1, { min: -1, max: 1_000_000 }),
    totalTimesteps: setting.int('ALA_TOTAL_TIMESTEPS', 0, { min: 0 }),
    hidden: setting.string('ALA_PPO_HIDDEN', '', {
      test: (h) => h === '' || hiddenWidths(h) !== undefined,
      rule: "'' or comma-separated widths 1-4096, e.g. 64,64",
    }),
    checkpointDir: setting.string('ALA_CHECKPOINT_DIR', ''),
    checkpointEverySec: setting.number('ALA_CHECKPOINT_EVERY_S', 30, { above: 0 }),
    consumer: setting.string('ALA_LEARNER_CONSUMER', 'ppo-learner', ID),
    streamReplicas: setting.int('ALA_STREAM_REPLICAS', 1, { min: 1, max: 5 }),
  },
  (c) => [['maxBatch', c.maxBatch === 0 || c.maxBatch >= c.minBatch, 'an integer >= minBatch (0 = 8 x minBatch)']],
);

/** "64,64" -> [64, 64]; undefined unless 1-8 integer widths in 1..4096. */
export function hiddenWidths(h: string): number[] | undefined {
  const w = h.split(',').map((x) => Number(x.trim()));
  return w.length >= 1 && w.length <= 8 && w.every((x) => Number.isSafeInteger(x) && x >= 1 && x <= 4096) ? w : undefined;
}

export const LEARNER_DEFAULTS: PpoLearnerConfig = DEF.defaults;
/** Every environment variable loadConfig reads. */
export const CONFIG_ENV: readonly string[] = DEF.env;
/** Checks a whole config (also one built in code, e.g. by `ala up`); throws ConfigError. */
export const validateLearnerConfig = DEF.validate;
/** Config from the environment; unset variables take `defaults` (LEARNER_DEFAULTS). */
export function loadConfig(env: Env = process.env, defaults: PpoLearnerConfig = LEARNER_DEFAULTS): PpoLearnerConfig {
  return DEF.load(env, defaults);
}
