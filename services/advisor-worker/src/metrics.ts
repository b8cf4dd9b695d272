// The advisor worker's metric catalogue (docs/metrics.md mirrors it). Names only: no I/O.
import type { MetricDef } from '@ala/telemetry';

export const ADVISOR_METRICS = {
  snapshots: 'ala_advisor_snapshots_total',
  dropped: 'ala_advisor_dropped_total',
  published: 'ala_advisor_advice_published_total',
  latency: 'ala_advisor_latency_seconds',
  inFlight: 'ala_advisor_in_flight',
  paused: 'ala_advisor_paused',
  pauses: 'ala_advisor_pauses_total',
} as const;

export const ADVISOR_METRIC_DEFS: readonly MetricDef[] = [
  { name: ADVISOR_METRICS.snapshots, help: 'State snapshots delivered to this advisor', kind: 'counter', labels: ['advisor'] },
  {
    name: ADVISOR_METRICS.dropped,
    help: 'Snapshots that produced no advice, by reason (expired, busy, unsupported, timeout, unavailable, invalid_answer, truncated, circuit_open, budget, no_signal, aborted)',
    kind: 'counter',
    labels: ['advisor', 'reason'],
  },
  { name: ADVISOR_METRICS.published, help: 'Advice messages published', kind: 'counter', labels: ['advisor'] },
  { name: ADVISOR_METRICS.latency, help: 'Time from snapshot receipt to advice publish', kind: 'histogram', labels: ['advisor'] },
  { name: ADVISOR_METRICS.inFlight, help: 'Snapshots being answered now', kind: 'gauge', labels: ['advisor'] },
  {
    name: ADVISOR_METRICS.paused,
    help: '1 while the advisor is unsubscribed from snapshots because maxInFlight answers are running',
    kind: 'gauge',
    labels: ['advisor'],
  },
  { name: ADVISOR_METRICS.pauses, help: 'Times the advisor unsubscribed from snapshots because it was saturated', kind: 'counter', labels: ['advisor'] },
];
