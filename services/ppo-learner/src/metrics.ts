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
  {
    field: 'updateSeconds',
    name: 'ala_learner_update_seconds_total',
    kind: C,
    help: 'wall seconds spent in updates (rate = learner utilisation, the fraction of time it is updating)',
  },
  { field: 'chunksIn', name: 'ala_learner_chunks_received_total', kind: C, help: 'trajectory chunks received' },
  { field: 'chunksInvalid', name: 'ala_learner_chunks_invalid_total', kind: C, help: 'chunks refused by the codec or shape checks, or from a future version' },
  { field: 'chunksStale', name: 'ala_learner_chunks_stale_total', kind: C, help: 'chunks dropped because every sample was older than maxPolicyLag' },
  {
    field: 'chunksDuplicate',
    name: 'ala_learner_chunks_duplicate_total',
    kind: C,
    help: 'chunks skipped because their msg id was taken already (never trained twice)',
  },
  { field: 'chunksRedelivered', name: 'ala_learner_chunks_redelivered_total', kind: C, help: 'chunk deliveries flagged as redelivered by the server' },
  { field: 'samplesStale', name: 'ala_learner_samples_stale_total', kind: C, help: 'samples in those chunks' },
  { field: 'samplesOverflow', name: 'ala_learner_samples_overflow_total', kind: C, help: 'samples dropped by the batch cap (maxBatch), oldest first' },
  { field: 'samplesPending', name: 'ala_learner_samples_pending', kind: G, help: 'samples waiting for the next update' },
  { field: 'announced', name: 'ala_learner_policies_announced_total', kind: C, help: 'policy versions stored and announced' },
  { field: 'checkpoints', name: 'ala_learner_checkpoints_total', kind: C, help: 'checkpoints written' },
  { field: 'checkpointErrors', name: 'ala_learner_checkpoint_errors_total', kind: C, help: 'checkpoints that failed' },
  { field: 'updateErrors', name: 'ala_learner_update_errors_total', kind: C, help: 'updates that threw (batch dropped)' },
  { field: 'pullErrors', name: 'ala_learner_pull_errors_total', kind: C, help: 'failed pulls from the trajectory stream (retried)' },
  { field: 'policyPruneErrors', name: 'ala_learner_policy_prune_errors_total', kind: C, help: 'old policy versions the store could not delete' },
  // last update, CleanRL's vocabulary (ppo.py's writer.add_scalar names)
  { field: 'lastPolicyLoss', name: 'ala_learner_policy_loss', kind: G, help: 'clipped surrogate policy loss of the last update (CleanRL policy_loss)' },
  { field: 'lastValueLoss', name: 'ala_learner_value_loss', kind: G, help: 'value loss of the last update (CleanRL value_loss)' },
  { field: 'lastEntropy', name: 'ala_learner_entropy', kind: G, help: 'policy entropy of the last update (CleanRL entropy)' },
  { field: 'lastOldApproxKl', name: 'ala_learner_old_approx_kl', kind: G, help: 'k1 KL estimator mean(-log r) of the last update (CleanRL old_approx_kl)' },
  { field: 'lastApproxKl', name: 'ala_learner_approx_kl', kind: G, help: 'k3 KL estimator mean((r-1) - log r) of the last minibatch (CleanRL approx_kl)' },
  { field: 'lastClipFrac', name: 'ala_learner_clipfrac', kind: G, help: 'fraction of samples with |r - 1| > clip (CleanRL clipfrac)' },
  {
    field: 'lastExplainedVariance',
    name: 'ala_learner_explained_variance',
    kind: G,
    help: '1 - Var(R - V)/Var(R) of the last batch (CleanRL explained_variance)',
  },
  { field: 'lastLearningRate', name: 'ala_learner_learning_rate', kind: G, help: 'learning rate of the last update (CleanRL learning_rate)' },
  // last update, off-policy correction (docs/architecture.md, importance sampling)
  { field: 'lastIsWeightMean', name: 'ala_learner_is_weight_mean', kind: G, help: 'mean IS weight pi_prox/mu of the last update' },
  { field: 'lastIsWeightMax', name: 'ala_learner_is_weight_max', kind: G, help: 'largest IS weight pi_prox/mu of the last update' },
  { field: 'lastIsWeightP99', name: 'ala_learner_is_weight_p99', kind: G, help: '99th percentile IS weight of the last update' },
  { field: 'lastIsTruncatedFrac', name: 'ala_learner_is_truncated_fraction', kind: G, help: 'fraction of IS weights truncated at c-bar in the last update' },
  { field: 'lastEssOverN', name: 'ala_learner_ess_over_n', kind: G, help: 'effective sample size over N, (sum w)^2 / (N sum w^2), of the last update' },
  { field: 'lastKlMuPi', name: 'ala_learner_kl_mu_pi', kind: G, help: 'KL(mu||pi) of the last batch, mean(log mu - log pi) over samples drawn from mu' },
  { field: 'lastAdvisedFrac', name: 'ala_learner_advised_fraction', kind: G, help: 'fraction of advised samples in the last batch' },
  { field: 'lastLagMean', name: 'ala_learner_policy_lag_mean', kind: G, help: 'mean policy lag of the last batch (versions)' },
  { field: 'lastLagMax', name: 'ala_learner_policy_lag_max', kind: G, help: 'max policy lag of the last batch' },
  { field: 'lastDroppedFrac', name: 'ala_learner_lag_dropped_fraction', kind: G, help: 'fraction of the last batch dropped by the lag filter' },
  { field: 'lastUpdateMs', name: 'ala_learner_update_seconds', kind: G, help: 'duration of the last update', scale: 1e-3 },
];

/** Returns an exporter: call it with a fresh stats() snapshot (e.g. every second). */
export function learnerMetricsExporter(metrics: ServiceMetrics): (s: LearnerStats) => void {
  return statsMetricsExporter(metrics, LEARNER_METRICS);
}
