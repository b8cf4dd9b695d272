// The bias router's metric catalogue (docs/metrics.md mirrors it). Names only: no I/O.
import type { MetricDef } from '@ala/telemetry';

export const ROUTER_METRICS = {
  votes: 'ala_router_votes_total',
  clipped: 'ala_router_bias_clipped_total',
  latency: 'ala_router_added_latency_seconds',
  ttl: 'ala_router_bias_ttl_seconds',
} as const;

export const ROUTER_METRIC_DEFS: readonly MetricDef[] = [
  { name: ROUTER_METRICS.votes, help: 'Votes received, by outcome (routed, expired, rate_limited, publish_error)', kind: 'counter', labels: ['outcome'] },
  { name: ROUTER_METRICS.clipped, help: 'Biases changed by the bound (|b|inf <= B, L2 cap, boost-only)', kind: 'counter' },
  { name: ROUTER_METRICS.latency, help: 'Time from vote receipt to bias published (stored: acknowledged)', kind: 'histogram' },
  { name: ROUTER_METRICS.ttl, help: 'Lifetime of the biases sent', kind: 'histogram', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] },
];
