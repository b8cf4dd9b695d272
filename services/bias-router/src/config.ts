// Typed configuration of the bias router: one table of settings (variable, default, rule;
// docs/configuration.md lists the same) from which come ROUTER_DEFAULTS, loadConfig(env),
// validateRouterConfig(config) and CONFIG_ENV. Must not connect to anything; bad values throw
// ConfigError.
import { MAX_BIAS_BOUND } from '@ala/protocol';
import { COMMON_SETTINGS, defineConfig, setting, type CommonConfig, type Env } from '@ala/telemetry';

export interface RouterConfig extends CommonConfig {
  /** B: |b_i| <= B for every bias sent (also the IS variance budget, docs/architecture.md, Acting with a bias). */
  bound: number;
  /** Optional cap on ||b||_2 (0 = none). */
  l2Cap: number;
  /** Only promote actions (negative components become 0). */
  boostOnly: boolean;
  /** Ceiling on the lifetime of a bias, ms. */
  maxTtlMs: number;
  /** Per-advisor rate limit: tokens per second and burst. */
  ratePerS: number;
  burst: number;
  /** Advisors tracked by the rate limiter at once. */
  maxAdvisors: number;
  /** Store each bias in stream ALA_BIAS with Nats-TTL (needs JetStream); else core publish only. */
  store: boolean;
  /** Replicas of ALA_BIAS (ALA_STREAM_REPLICAS, default 1; 3 on a 3-node cluster). */
  streamReplicas: number;
}

const DEF = defineConfig<RouterConfig>({
  ...COMMON_SETTINGS,
  // ALA_BIAS_BOUND is shared with the actor-runner (which enforces it again); ALA_ROUTER_BOUND is its older name
  bound: setting.number(['ALA_BIAS_BOUND', 'ALA_ROUTER_BOUND'], 1, { above: 0, max: MAX_BIAS_BOUND }),
  l2Cap: setting.number('ALA_ROUTER_L2_CAP', 0, { min: 0 }),
  boostOnly: setting.bool('ALA_ROUTER_BOOST_ONLY', false),
  maxTtlMs: setting.int(['ALA_MAX_ADVICE_TTL_MS', 'ALA_ROUTER_MAX_TTL_MS'], 10_000, { min: 1, max: 86_400_000 }),
  ratePerS: setting.number('ALA_ROUTER_RATE_PER_S', 100, { above: 0 }),
  burst: setting.number('ALA_ROUTER_BURST', 200, { min: 1 }),
  maxAdvisors: setting.int('ALA_ROUTER_MAX_ADVISORS', 10_000, { min: 1 }),
  store: setting.bool('ALA_ROUTER_STORE', true),
  streamReplicas: setting.int('ALA_STREAM_REPLICAS', 1, { min: 1, max: 5 }),
});

export const ROUTER_DEFAULTS: RouterConfig = DEF.defaults;
/** Every environment variable loadConfig reads. */
export const CONFIG_ENV: readonly string[] = DEF.env;
/** Checks a config built in code (e.g. by `ala up`); throws ConfigError. */
export const validateRouterConfig = DEF.validate;
/** Config from the environment; unset variables take `defaults` (ROUTER_DEFAULTS). */
export function loadConfig(env: Env = process.env, defaults: RouterConfig = ROUTER_DEFAULTS): RouterConfig {
  return DEF.load(env, defaults);
}
