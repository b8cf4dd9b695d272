// Prometheus metrics of the ppo-learner: one `ala_learner_*` metric per stats field (the catalogue
// doubles as docs/metrics.md), exported from stats() snapshots: counters advance by the difference
// since the last export, gauges are set; ms fields are exported in seconds. Must not: do I/O (the telemetry shell serves /metrics).
import { statsMetricsExporter, type ServiceMetrics, type StatsMetricDef } from '@ala/telemetry';
import type { LearnerStats } from './stats';

const C = 'counter' as const;
const G = 'gauge' as const;

export const LEARNER_METRICS: readonly StatsMetricDef<LearnerStats>[] = [
  { field: 'policyVersion', name: 'ala_learner_policy_version', kind: G, help: 'policy version published last' },
  { field: 'updates', name: 'ala_learner_updates_total', kind: C, help: 'PPO updates done by this process' },
  { field: 'samplesTrained', name: 'ala_learner_samples_trained_total', kind: C, help: 'samples used in updates (before the per-sample lag filter)' },
  { field: 'chunksIn', name: 'ala_learner_chunks_received_total', kind: C, help: 'trajectory chunks received' },
  { field: 'chunksInvalid', name: 'ala_learner_chunks_invalid_total', kind: C, help: 'chunks refused by the codec or shape checks, or from a future version' },
  { field: 'chunksStale', name: 'ala_learner_chunks_stale_total', kind: C, help: 'chunks dropped because every sample was older than maxPolicyLag' },
  { field: 'samplesStale', name: 'ala_learner_samples_stale_total', kind: C, help: 'samples in those chunks' },
  { field: 'samplesOverflow', name: 'ala_learner_samples_overflow_total', kind: C, help: 'samples dropped by the batch cap (maxBatch), oldest first' },
  { field: 'samplesPending', name: 'ala_learner_samples_pending', kind: G, help: 'samples waiting for the next update' },
  { field: 'announced', name: 'ala_learner_policies_announced_total', kind: C, help: 'policy versions stored and announced' },
  { field: 'checkpoints', name: 'ala_learner_checkpoints_total', kind: C, help: 'checkpoints written' },
  { field: 'checkpointErrors', name: 'ala_learner_checkpoint_errors_total', kind: C, help: 'checkpoints that failed' },
  { field: 'updateErrors', name: 'ala_learner_update_errors_total', kind: C, help: 'updates that threw (batch dropped)' },
  { field: 'pullErrors', name: 'ala_learner_pull_errors_total', kind: C, help: 'failed pulls from the trajectory stream (retried)' },
  { field: 'policyPruneErrors', name: 'ala_learner_policy_prune_errors_total', kind: C, help: 'old policy versions the store could not delete' },
  { field: 'lastLagMean', name: 'ala_learner_policy_lag_mean', kind: G, help: 'mean policy lag of the last batch (versions)' },
  { field: 'lastLagMax', name: 'ala_learner_policy_lag_max', kind: G, help: 'max policy lag of the last batch' },
  { field: 'lastDroppedFrac', name: 'ala_learner_lag_dropped_fraction', kind: G, help: 'fraction of the last batch dropped by the lag filter' },
  { field: 'lastAdvisedFrac', name: 'ala_learner_advised_fraction', kind: G, help: 'fraction of advised samples in the last batch' },
  { field: 'lastApproxKl', name: 'ala_learner_approx_kl', kind: G, help: 'approx KL of the last update' },
  { field: 'lastEntropy', name: 'ala_learner_entropy', kind: G, help: 'policy entropy of the last update' },
  { field: 'lastIsWeightMax', name: 'ala_learner_is_weight_max', kind: G, help: 'largest IS weight pi_prox/mu of the last update' },
  { field: 'lastUpdateMs', name: 'ala_learner_update_seconds', kind: G, help: 'duration of the last update', scale: 1e-3 },
];

/** Returns an exporter: call it with a fresh stats() snapshot (e.g. every second). */
export function learnerMetricsExporter(metrics: ServiceMetrics): (s: LearnerStats) => void {
  return statsMetricsExporter(metrics, LEARNER_METRICS);
}
