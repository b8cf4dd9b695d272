// Typed configuration of the vote aggregator, read from environment variables with documented
// defaults (docs/configuration.md lists the same table). Must not connect to anything.
import { envReader, type Env } from '@ala/telemetry';
import type { VoteMethod } from './vote-builder';

export interface AggregatorConfig {
  natsUrl: string;
  prefix: string;
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
  /** Prometheus /metrics port (0 = no server). */
  metricsPort: number;
}

export function loadConfig(env: Env = process.env): AggregatorConfig {
  const r = envReader(env);
  return {
    natsUrl: r.string('ALA_NATS_URL', 'nats://127.0.0.1:4222'),
    prefix: r.string('ALA_PREFIX', 'ala'),
    method: r.oneOf<VoteMethod>('ALA_AGG_METHOD', 'select', ['select', 'blend']),
    windowMs: r.number('ALA_AGG_WINDOW_MS', 100, { min: 0, max: 600_000 }),
    maxStateLag: r.int('ALA_AGG_MAX_STATE_LAG', 4, { min: 0 }),
    quorum: r.int('ALA_AGG_QUORUM', 0, { min: 0, max: 64 }),
    halfLifeMs: r.number('ALA_AGG_HALF_LIFE_MS', 0, { min: 0 }),
    maxTtlMs: r.int('ALA_AGG_MAX_TTL_MS', 60_000, { min: 1, max: 86_400_000 }),
    maxAgents: r.int('ALA_AGG_MAX_AGENTS', 10_000, { min: 1 }),
    metricsPort: r.int('ALA_METRICS_PORT', 0, { min: 0, max: 65535 }),
  };
}
