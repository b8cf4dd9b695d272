// Typed configuration of the vote aggregator: one table of settings (variable, default, rule;
// docs/configuration.md lists the same) from which come AGGREGATOR_DEFAULTS, loadConfig(env),
// validateAggregatorConfig(config) and CONFIG_ENV. Must not connect to anything; bad values throw
// ConfigError.
import { COMMON_SETTINGS, defineConfig, setting, type CommonConfig, type Env } from '@ala/telemetry';
import type { VoteMethod } from './vote-builder';

export interface AggregatorConfig extends CommonConfig {
  /** select: the highest-weight advice wins; blend: weighted mean bias. */
  method: VoteMethod;
  /** Collection window per (agent, state seq), ms. */
  windowMs: number;
  /** Advice for a state older than the newest seen by more than this many seqs is dropped. */
  maxStateLag: number;
  /** Close a window as soon as this many advisors answered (0 = wait windowMs). */
  quorum: number;
  /** Age half-life of a vote weight inside the window, ms (0 = none). */
  halfLifeMs: number;
  /** Ceiling on a vote's lifetime (also used for advice that arrived without one), ms. */
  maxTtlMs: number;
  /** Agents tracked at once. */
  maxAgents: number;
  /** Create the advice log (stream ALA_ADVICE_LOG: every advice and vote, for audit and `ala replay`); needs JetStream. */
  adviceLog: boolean;
  /** Age limit of a logged advice or vote, ms. */
  adviceLogMaxAgeMs: number;
  /** Size limit of the advice log, bytes (the oldest entries go first). */
  adviceLogMaxBytes: number;
  /** Replicas of the advice log (ALA_STREAM_REPLICAS, default 1; 3 on a 3-node cluster). */
  streamReplicas: number;
}

const DEF = defineConfig<AggregatorConfig>({
  ...COMMON_SETTINGS,
  method: setting.oneOf<VoteMethod>('ALA_AGG_METHOD', 'select', ['select', 'blend']),
  windowMs: setting.number('ALA_AGG_WINDOW_MS', 100, { min: 0, max: 600_000 }),
  maxStateLag: setting.int('ALA_AGG_MAX_STATE_LAG', 4, { min: 0 }),
  quorum: setting.int('ALA_AGG_QUORUM', 0, { min: 0, max: 64 }),
  halfLifeMs: setting.number('ALA_AGG_HALF_LIFE_MS', 0, { min: 0 }),
  maxTtlMs: setting.int('ALA_AGG_MAX_TTL_MS', 60_000, { min: 1, max: 86_400_000 }),
  maxAgents: setting.int('ALA_AGG_MAX_AGENTS', 10_000, { min: 1 }),
  adviceLog: setting.bool('ALA_ADVICE_LOG', true),
  adviceLogMaxAgeMs: setting.int('ALA_ADVICE_LOG_MAX_AGE_MS', 86_400_000, { min: 1_000, max: 31_536_000_000 }),
  adviceLogMaxBytes: setting.int('ALA_ADVICE_LOG_MAX_BYTES', 1024 ** 3, { min: 65_536 }),
  streamReplicas: setting.int('ALA_STREAM_REPLICAS', 1, { min: 1, max: 5 }),
});

export const AGGREGATOR_DEFAULTS: AggregatorConfig = DEF.defaults;
/** Every environment variable loadConfig reads. */
export const CONFIG_ENV: readonly string[] = DEF.env;
/** Checks a config built in code (e.g. by `ala up`); throws ConfigError. */
export const validateAggregatorConfig = DEF.validate;
/** Config from the environment; unset variables take `defaults` (AGGREGATOR_DEFAULTS). */
export function loadConfig(env: Env = process.env, defaults: AggregatorConfig = AGGREGATOR_DEFAULTS): AggregatorConfig {
  return DEF.load(env, defaults);
}
