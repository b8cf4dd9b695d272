// Prometheus metrics of the actor-runner: one `ala_actor_*` metric per stats field (the catalogue
// doubles as docs/metrics.md), exported from stats() snapshots: counters advance by the difference
// since the last export, gauges are set; ms fields are exported in seconds. Must not: do I/O (the telemetry shell serves /metrics).
import { statsMetricsExporter, type ServiceMetrics, type StatsMetricDef } from '@ala/telemetry';
import type { ActorStats } from './stats';

const C = 'counter' as const;
const G = 'gauge' as const;

export const ACTOR_METRICS: readonly StatsMetricDef<ActorStats>[] = [
  { field: 'envSteps', name: 'ala_actor_env_steps_total', kind: C, help: 'agent-steps taken' },
  { field: 'episodes', name: 'ala_actor_episodes_total', kind: C, help: 'episodes finished' },
  { field: 'meanReturn100', name: 'ala_actor_mean_return', kind: G, help: 'mean undiscounted return of the last 100 episodes' },
  { field: 'policyVersion', name: 'ala_actor_policy_version', kind: G, help: 'policy version acting now' },
  { field: 'policySwaps', name: 'ala_actor_policy_swaps_total', kind: C, help: 'policies swapped in between steps' },
  { field: 'policyLoadErrors', name: 'ala_actor_policy_load_errors_total', kind: C, help: 'announced policies that could not be loaded' },
  { field: 'policyPrepared', name: 'ala_actor_policy_prepared_total', kind: C, help: 'announced policies already prepared from their stored bytes' },
  { field: 'policyWatchErrors', name: 'ala_actor_policy_watch_errors_total', kind: C, help: 'failures of the watch of stored policies or of preparing one' },
  { field: 'advisedSteps', name: 'ala_actor_advised_steps_total', kind: C, help: 'agent-steps that acted with a live bias' },
  {
    field: 'adviceAgeMsSum',
    name: 'ala_actor_advice_age_seconds_total',
    kind: C,
    help: 'advice age summed over advised steps (mean age = this / ala_actor_advised_steps_total)',
    scale: 1e-3,
  },
  { field: 'biasReceived', name: 'ala_actor_bias_received_total', kind: C, help: 'valid Bias messages delivered to the actor' },
  { field: 'biasRejected', name: 'ala_actor_bias_rejected_total', kind: C, help: 'biases refused as invalid (wrong length, unknown agent, non-finite)' },
  { field: 'biasClipped', name: 'ala_actor_bias_clipped_total', kind: C, help: 'biases with a component beyond the actor bound B, clipped to it' },
  { field: 'biasTtlCapped', name: 'ala_actor_bias_ttl_capped_total', kind: C, help: 'biases whose TTL exceeded the actor maximum (or was missing), cut to it' },
  { field: 'biasExpired', name: 'ala_actor_bias_expired_total', kind: C, help: 'biases removed at their deadline or refused as already expired' },
  { field: 'biasExpiredUnused', name: 'ala_actor_bias_expired_unused_total', kind: C, help: 'expired biases that never steered a step' },
  { field: 'biasRestoreErrors', name: 'ala_actor_bias_restore_errors_total', kind: C, help: 'stored biases that could not be read at start' },
  {
    field: 'biasIntakeThread',
    name: 'ala_actor_bias_intake_thread',
    kind: G,
    help: '1 when live biases are received on the intake worker thread, 0 on the main thread',
  },
  { field: 'biasIntakeCrashes', name: 'ala_actor_bias_intake_crashes_total', kind: C, help: 'crashes of the bias intake worker thread (each restarted)' },
  {
    field: 'envStepFailures',
    name: 'ala_actor_env_step_failures_total',
    kind: C,
    help: 'steps of a server-backed env that failed (timeout, disconnect); each ended its episode as truncated',
  },
  { field: 'envResetFailures', name: 'ala_actor_env_reset_failures_total', kind: C, help: 'resets of a server-backed env that failed (retried)' },
  { field: 'loopErrors', name: 'ala_actor_loop_errors_total', kind: C, help: 'step-loop errors (the loop stops after one)' },
  { field: 'snapshotsPublished', name: 'ala_actor_snapshots_published_total', kind: C, help: 'state snapshots published' },
  { field: 'snapshotsThrottled', name: 'ala_actor_snapshots_throttled_total', kind: C, help: 'snapshots skipped by the per-agent snapshotMaxHz limit' },
  { field: 'chunksPublished', name: 'ala_actor_chunks_published_total', kind: C, help: 'trajectory chunks acknowledged by JetStream' },
  { field: 'chunkPublishErrors', name: 'ala_actor_chunk_publish_errors_total', kind: C, help: 'trajectory chunks that could not be stored' },
  { field: 'chunksInflight', name: 'ala_actor_chunks_inflight', kind: G, help: 'chunks sent, not yet acknowledged' },
  { field: 'chunkBackpressureWaits', name: 'ala_actor_chunk_backpressure_waits_total', kind: C, help: 'times the loop waited for chunk acknowledgements' },
];

/** Returns an exporter: call it with a fresh stats() snapshot (e.g. every second). */
export function actorMetricsExporter(metrics: ServiceMetrics): (s: ActorStats) => void {
  return statsMetricsExporter(metrics, ACTOR_METRICS);
}
