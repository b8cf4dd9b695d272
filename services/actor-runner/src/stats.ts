// The actor-runner's counters, as one flat record of numbers (what the `status` endpoint and
// `ala up` report; docs/metrics.md has one line per field). Must not: do I/O.

/** Why a received bias was not put in the table. */
export type BiasReject = 'unknownAgent' | 'length' | 'nonFinite' | 'expired';
export const BIAS_REJECT: Record<BiasReject, number> = { unknownAgent: 0, length: 0, nonFinite: 0, expired: 0 };

export interface ActorStats {
  /** Agent-steps taken (one per agent per vector step). */
  envSteps: number;
  /** Vector steps (one batched policy call each). */
  vectorSteps: number;
  /** Episodes finished. */
  episodes: number;
  /** Mean undiscounted return of the last 100 finished episodes (0 before the first). */
  meanReturn100: number;
  /** Policy version acting now (0 before the first policy arrived). */
  policyVersion: number;
  /** Policies swapped in between steps. */
  policySwaps: number;
  /** Announced policies that could not be loaded (counted, the old one keeps acting). */
  policyLoadErrors: number;
  /** Announced policies already prepared from their stored bytes when the announce arrived (no fetch on the announce). */
  policyPrepared: number;
  /** Failures of the watch of stored policies (policies then load when announced). */
  policyWatchErrors: number;
  /** Agent-steps that had a live bias applied. */
  advisedSteps: number;
  /** Sum of advice ages (ms) over advised steps: mean age = adviceAgeMsSum / advisedSteps. */
  adviceAgeMsSum: number;
  /** Valid Bias messages delivered to this actor. */
  biasReceived: number;
  /** Biases accepted into the live table. */
  biasAccepted: number;
  /** Biases refused after decoding as invalid (wrong length, unknown agent, non-finite); already-expired ones count in biasExpired. */
  biasRejected: number;
  /** Accepted biases with a component beyond the actor's B (ALA_BIAS_BOUND), clipped to ±B. */
  biasClipped: number;
  /** Accepted biases whose TTL exceeded the actor's maximum (ALA_MAX_ADVICE_TTL_MS) or was missing, cut to it. */
  biasTtlCapped: number;
  /** Live biases removed at their deadline (plus those refused as already expired). */
  biasExpired: number;
  /** Of the expired ones, those that never steered a single step. */
  biasExpiredUnused: number;
  /** Biases restored from the ALA_BIAS stream at start. */
  biasRestored: number;
  /** Stored biases that could not be read at start (counted; the agent starts unadvised). */
  biasRestoreErrors: number;
  /** State snapshots published. */
  snapshotsPublished: number;
  /** Snapshots due by snapshotEvery but skipped by the per-agent snapshotMaxHz limit. */
  snapshotsThrottled: number;
  /** Trajectory chunks acknowledged by JetStream. */
  chunksPublished: number;
  /** Trajectory chunks that could not be stored (counted and dropped). */
  chunkPublishErrors: number;
  /** Chunks sent but not yet acknowledged. */
  chunksInflight: number;
  /** Times the loop waited because maxInflightChunks were unacknowledged. */
  chunkBackpressureWaits: number;
  /** Steps of a server-backed env that failed (timeout, disconnect): each ended its agent's episode as truncated. */
  envStepFailures: number;
  /** Resets of a server-backed env that failed (the agent's rows stay truncated until a retry succeeds). */
  envResetFailures: number;
  /** Step-loop errors (env or policy threw); the loop stops after one. */
  loopErrors: number;
  /** 1 when live biases are received by the intake worker thread (ALA_BIAS_INTAKE), 0 on the main thread. */
  biasIntakeThread: number;
  /** Crashes of the intake worker thread (each logged; the worker is restarted, /readyz not ready meanwhile). */
  biasIntakeCrashes: number;
}

export function emptyActorStats(): ActorStats {
  return {
    envSteps: 0,
    vectorSteps: 0,
    episodes: 0,
    meanReturn100: 0,
    policyVersion: 0,
    policySwaps: 0,
    policyLoadErrors: 0,
    policyPrepared: 0,
    policyWatchErrors: 0,
    advisedSteps: 0,
    adviceAgeMsSum: 0,
    biasReceived: 0,
    biasAccepted: 0,
    biasRejected: 0,
    biasClipped: 0,
    biasTtlCapped: 0,
    biasExpired: 0,
    biasExpiredUnused: 0,
    biasRestored: 0,
    biasRestoreErrors: 0,
    snapshotsPublished: 0,
    snapshotsThrottled: 0,
    chunksPublished: 0,
    chunkPublishErrors: 0,
    chunksInflight: 0,
    chunkBackpressureWaits: 0,
    envStepFailures: 0,
    envResetFailures: 0,
    loopErrors: 0,
    biasIntakeThread: 0,
    biasIntakeCrashes: 0,
  };
}
