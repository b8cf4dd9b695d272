// The vote aggregator's metric catalogue (docs/metrics.md mirrors it). Names only: no I/O.
import type { MetricDef } from '@ala/telemetry';

export const AGGREGATOR_METRICS = {
  advice: 'ala_aggregator_advice_total',
  votes: 'ala_aggregator_votes_total',
  votesDropped: 'ala_aggregator_votes_dropped_total',
  openWindows: 'ala_aggregator_open_windows',
  inputs: 'ala_aggregator_vote_inputs',
} as const;

export const AGGREGATOR_METRIC_DEFS: readonly MetricDef[] = [
  {
    name: AGGREGATOR_METRICS.advice,
    help: 'Advice received, by outcome (accepted, expired, stale, late, duplicate, mismatch, full, overflow)',
    kind: 'counter',
    labels: ['outcome'],
  },
  { name: AGGREGATOR_METRICS.votes, help: 'Votes published, by method', kind: 'counter', labels: ['method'] },
  {
    name: AGGREGATOR_METRICS.votesDropped,
    help: 'Closed windows that produced no vote, by reason (expired, no_weight, stale)',
    kind: 'counter',
    labels: ['reason'],
  },
  { name: AGGREGATOR_METRICS.openWindows, help: 'Collection windows open now', kind: 'gauge' },
  { name: AGGREGATOR_METRICS.inputs, help: 'Advice contributing to one vote', kind: 'histogram', buckets: [1, 2, 3, 4, 6, 8, 16, 32, 64] },
];
