// Typed configuration of the advisor worker, read from environment variables with documented
// defaults (docs/configuration.md lists the same table). Must not connect to anything.
import { envReader, type Env } from '@ala/telemetry';

export const BACKENDS = ['scripted', 'openai-compatible'] as const;
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
}

export interface AdvisorConfig {
  natsUrl: string;
  prefix: string;
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
  /** Prometheus /metrics port (0 = no server). */
  metricsPort: number;
  scripted: { latencyMs: number; accuracy: number; adversarial: number; seed: number; confidence: number };
  llm: LlmConfig;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function loadConfig(env: Env = process.env): AdvisorConfig {
  const r = envReader(env);
  return {
    natsUrl: r.string('ALA_NATS_URL', 'nats://127.0.0.1:4222'),
    prefix: r.string('ALA_PREFIX', 'ala'),
    advisorId: r.string('ALA_ADVISOR_ID', 'scripted-0', { pattern: ID }),
    priority: r.number('ALA_ADVISOR_PRIORITY', 1, { min: 0 }),
    backend: r.oneOf('ALA_ADVISOR_BACKEND', 'scripted', BACKENDS),
    maxInFlight: r.int('ALA_ADVISOR_MAX_IN_FLIGHT', 8, { min: 1, max: 10_000 }),
    pauseWhenBusy: r.bool('ALA_ADVISOR_PAUSE_WHEN_BUSY', true),
    biasScale: r.number('ALA_ADVISOR_BIAS_SCALE', 1, { min: 0, max: 100 }),
    minRemainingMs: r.number('ALA_ADVISOR_MIN_REMAINING_MS', 1, { min: 0 }),
    metricsPort: r.int('ALA_METRICS_PORT', 0, { min: 0, max: 65535 }),
    scripted: {
      latencyMs: r.number('ALA_SCRIPTED_LATENCY_MS', 0, { min: 0, max: 600_000 }),
      accuracy: r.number('ALA_SCRIPTED_ACCURACY', 1, { min: 0, max: 1 }),
      adversarial: r.number('ALA_SCRIPTED_ADVERSARIAL', 0, { min: 0, max: 1 }),
      seed: r.int('ALA_SCRIPTED_SEED', 0, { min: 0 }),
      confidence: r.number('ALA_SCRIPTED_CONFIDENCE', 0.9, { min: 0, max: 1 }),
    },
    llm: {
      endpointUrl: r.string('ALA_LLM_ENDPOINT', 'http://127.0.0.1:8000'),
      model: r.string('ALA_LLM_MODEL', 'gpt-oss-20b'),
      apiKey: r.optional('ALA_LLM_API_KEY'),
      timeoutMs: r.int('ALA_LLM_TIMEOUT_MS', 10_000, { min: 1 }),
      maxTokens: r.int('ALA_LLM_MAX_TOKENS', 512, { min: 1 }),
      temperature: r.number('ALA_LLM_TEMPERATURE', 0.2, { min: 0, max: 2 }),
      breakerFailures: r.int('ALA_LLM_BREAKER_FAILURES', 3, { min: 1 }),
      breakerCooldownMs: r.int('ALA_LLM_BREAKER_COOLDOWN_MS', 10_000, { min: 0 }),
      cacheSize: r.int('ALA_LLM_CACHE_SIZE', 256, { min: 0 }),
      tokenBudget: r.int('ALA_LLM_TOKEN_BUDGET', 0, { min: 0 }),
    },
  };
}
