// Typed configuration of the bias router, read from environment variables with documented
// defaults (docs/configuration.md lists the same table). Must not connect to anything.
import { MAX_BIAS_BOUND } from '@ala/protocol';
import { envReader, type Env } from '@ala/telemetry';

export interface RouterConfig {
  natsUrl: string;
  prefix: string;
  /** B: |b_i| <= B for every bias sent (also the IS variance budget, ARCHITECTURE §4). */
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
  /** Prometheus /metrics port (0 = no server). */
  metricsPort: number;
}

export function loadConfig(env: Env = process.env): RouterConfig {
  const r = envReader(env);
  return {
    natsUrl: r.string('ALA_NATS_URL', 'nats://127.0.0.1:4222'),
    prefix: r.string('ALA_PREFIX', 'ala'),
    // ALA_BIAS_BOUND is shared with the actor-runner (which enforces it again); ALA_ROUTER_BOUND is its older name
    bound: r.number(env.ALA_BIAS_BOUND ? 'ALA_BIAS_BOUND' : 'ALA_ROUTER_BOUND', 1, { min: Number.MIN_VALUE, max: MAX_BIAS_BOUND }),
    l2Cap: r.number('ALA_ROUTER_L2_CAP', 0, { min: 0 }),
    boostOnly: r.bool('ALA_ROUTER_BOOST_ONLY', false),
    maxTtlMs: r.int(env.ALA_MAX_ADVICE_TTL_MS ? 'ALA_MAX_ADVICE_TTL_MS' : 'ALA_ROUTER_MAX_TTL_MS', 10_000, { min: 1, max: 86_400_000 }),
    ratePerS: r.number('ALA_ROUTER_RATE_PER_S', 100, { min: Number.MIN_VALUE }),
    burst: r.number('ALA_ROUTER_BURST', 200, { min: 1 }),
    maxAdvisors: r.int('ALA_ROUTER_MAX_ADVISORS', 10_000, { min: 1 }),
    store: r.bool('ALA_ROUTER_STORE', true),
    metricsPort: r.int('ALA_METRICS_PORT', 0, { min: 0, max: 65535 }),
  };
}
