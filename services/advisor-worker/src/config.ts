// Typed configuration of the advisor worker: one table of settings (variable, default, rule;
// docs/configuration.md lists the same) from which come ADVISOR_DEFAULTS, loadConfig(env),
// validateAdvisorConfig(config) and CONFIG_ENV. Must not connect to anything; bad values throw
// ConfigError.
import { isValidId } from '@ala/protocol';
import { COMMON_SETTINGS, defineConfig, setting, type CommonConfig, type Env } from '@ala/telemetry';

export const BACKENDS = ['scripted', 'openai-compatible'] as const;
/** `auto`: JSON-schema first, `json_object` for good once the server refuses the schema. */
export const RESPONSE_FORMATS = ['auto', 'json_schema', 'json_object'] as const;
export type ResponseFormatMode = (typeof RESPONSE_FORMATS)[number];
export type BackendKind = (typeof BACKENDS)[number];

export interface LlmConfig {
  /** Base URL of the OpenAI-compatible server (the client appends /v1/chat/completions). */
  endpointUrl: string;
  /** Model name sent in the request. */
  model: string;
  /** Bearer token, if the server wants one. */
  apiKey: string | undefined;
  /** Hard timeout of one request, ms (also capped by the snapshot's remaining TTL). */
  timeoutMs: number;
  maxTokens: number;
  temperature: number;
  /** Consecutive failures that open the circuit breaker. */
  breakerFailures: number;
  /** Time the breaker stays open before one trial request (half-open), ms. */
  breakerCooldownMs: number;
  /** Entries of the response cache keyed by state text (0 = off). */
  cacheSize: number;
  /** Total tokens this worker may spend (0 = unlimited). */
  tokenBudget: number;
  /**
   * Requests the server runs at once (llama-server `-np`, vLLM `--max-num-seqs`): the advisor
   * never has more in flight (more would queue on the server and expire).
   */
  slots: number;
  /** How the answer format is asked for (`auto` falls back to `json_object` when the schema is refused). */
  responseFormat: ResponseFormatMode;
  /** Longest rationale asked for, characters (capped further so the answer fits maxTokens). */
  rationaleMaxChars: number;
}

export interface AdvisorConfig extends CommonConfig {
  /** Advisor id ([A-Za-z0-9_-]{1,64}); queue group `advisor-<id>` shares snapshots among replicas. */
  advisorId: string;
  /** Vote weight of this advisor. */
  priority: number;
  backend: BackendKind;
  /** Snapshots answered at once; beyond it snapshots are dropped and counted (never queued). */
  maxInFlight: number;
  /**
   * Unsubscribe from snapshots while maxInFlight answers are running, and subscribe again once
   * half of them are done: a saturated replica then leaves snapshots to the other replicas of its
   * queue group, and a stalled LLM costs nothing per snapshot (the server drops what no one wants).
   */
  pauseWhenBusy: boolean;
  /** Largest |b_i| of the advice bias (the router bounds it again). */
  biasScale: number;
  /** Snapshots arriving with less remaining lifetime than this are dropped, ms. */
  minRemainingMs: number;
  /**
   * Scripted backend knobs. Thinking time: `latencyMs`, or, when `latencyMaxMs` > 0, uniform in
   * [latencyMs, latencyMaxMs] per snapshot, drawn from a generator seeded by `seed`.
   */
  scripted: { latencyMs: number; latencyMaxMs: number; accuracy: number; adversarial: number; seed: number; confidence: number };
  llm: LlmConfig;
}

const DEF = defineConfig<AdvisorConfig>(
  {
    ...COMMON_SETTINGS,
    advisorId: setting.string('ALA_ADVISOR_ID', 'scripted-0', { test: isValidId, rule: 'an id of [A-Za-z0-9_-]{1,64}' }),
    priority: setting.number('ALA_ADVISOR_PRIORITY', 1, { min: 0 }),
    backend: setting.oneOf('ALA_ADVISOR_BACKEND', 'scripted', BACKENDS),
    maxInFlight: setting.int('ALA_ADVISOR_MAX_IN_FLIGHT', 8, { min: 1, max: 10_000 }),
    pauseWhenBusy: setting.bool('ALA_ADVISOR_PAUSE_WHEN_BUSY', true),
    biasScale: setting.number('ALA_ADVISOR_BIAS_SCALE', 1, { min: 0, max: 100 }),
    minRemainingMs: setting.number('ALA_ADVISOR_MIN_REMAINING_MS', 1, { min: 0 }),
    scripted: {
      latencyMs: setting.number('ALA_SCRIPTED_LATENCY_MS', 0, { min: 0, max: 600_000 }),
      latencyMaxMs: setting.number('ALA_SCRIPTED_LATENCY_MAX_MS', 0, { min: 0, max: 600_000 }),
      accuracy: setting.number('ALA_SCRIPTED_ACCURACY', 1, { min: 0, max: 1 }),
      adversarial: setting.number('ALA_SCRIPTED_ADVERSARIAL', 0, { min: 0, max: 1 }),
      seed: setting.int('ALA_SCRIPTED_SEED', 0, { min: 0 }),
      confidence: setting.number('ALA_SCRIPTED_CONFIDENCE', 0.9, { min: 0, max: 1 }),
    },
    llm: {
      endpointUrl: setting.string('ALA_LLM_ENDPOINT', 'http://127.0.0.1:8000'),
      model: setting.string('ALA_LLM_MODEL', 'gpt-oss-20b'),
      apiKey: setting.optional('ALA_LLM_API_KEY'),
      timeoutMs: setting.int('ALA_LLM_TIMEOUT_MS', 10_000, { min: 1 }),
      maxTokens: setting.int('ALA_LLM_MAX_TOKENS', 512, { min: 1 }),
      temperature: setting.number('ALA_LLM_TEMPERATURE', 0.2, { min: 0, max: 2 }),
      breakerFailures: setting.int('ALA_LLM_BREAKER_FAILURES', 3, { min: 1 }),
      breakerCooldownMs: setting.int('ALA_LLM_BREAKER_COOLDOWN_MS', 10_000, { min: 0 }),
      cacheSize: setting.int('ALA_LLM_CACHE_SIZE', 256, { min: 0 }),
      tokenBudget: setting.int('ALA_LLM_TOKEN_BUDGET', 0, { min: 0 }),
      slots: setting.int('ALA_LLM_SLOTS', 2, { min: 1, max: 1024 }),
      responseFormat: setting.oneOf('ALA_LLM_RESPONSE_FORMAT', 'auto', RESPONSE_FORMATS),
      rationaleMaxChars: setting.int('ALA_LLM_RATIONALE_MAX_CHARS', 120, { min: 0, max: 2048 }),
    },
  },
  (c) => [
    [
      'scripted.latencyMaxMs',
      c.scripted.latencyMaxMs === 0 || c.scripted.latencyMaxMs >= c.scripted.latencyMs,
      '0 (fixed latency) or >= ALA_SCRIPTED_LATENCY_MS',
    ],
  ],
);

export const ADVISOR_DEFAULTS: AdvisorConfig = DEF.defaults;
/** Every environment variable loadConfig reads. */
export const CONFIG_ENV: readonly string[] = DEF.env;
/** Checks a config built in code (e.g. by `ala up`); throws ConfigError. */
export const validateAdvisorConfig = DEF.validate;
/** Config from the environment; unset variables take `defaults` (ADVISOR_DEFAULTS). */
export function loadConfig(env: Env = process.env, defaults: AdvisorConfig = ADVISOR_DEFAULTS): AdvisorConfig {
  return DEF.load(env, defaults);
}
