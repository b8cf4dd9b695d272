// The ppo-learner's counters and last update metrics, as one flat record of numbers (what the
// `status` endpoint and `ala up` report; docs/metrics.md has one line per field). Must not: do I/O.

export interface LearnerStats {
  /** Policy version published last. */
  policyVersion: number;
  /** PPO updates done by this process. */
  updates: number;
  /** Samples (steps x agents) used in updates, before the per-sample lag filter. */
  samplesTrained: number;
  /** Chunks received / refused by the codec or shape checks / dropped as too old. */
  chunksIn: number;
  chunksInvalid: number;
  chunksStale: number;
  /** Samples dropped: whole stale chunks, and the batch cap. */
  samplesStale: number;
  samplesOverflow: number;
  /** Samples waiting for the next update. */
  samplesPending: number;
  /** Policy versions announced. */
  announced: number;
  /** Checkpoints written / failed. */
  checkpoints: number;
  checkpointErrors: number;
  /** Updates that threw (counted; the batch is dropped). */
  updateErrors: number;
  /** Pulls from the trajectory stream that failed (retried after 500 ms). */
  pullErrors: number;
  /** Old policy versions the store could not delete (counted; storage grows until a later prune). */
  policyPruneErrors: number;
  /** 1 when this process resumed from a checkpoint. */
  resumed: number;
  /** Last update: policy lag mean/max, fraction dropped by lag, advised fraction, approx KL, entropy, ms. */
  lastLagMean: number;
  lastLagMax: number;
  lastDroppedFrac: number;
  lastAdvisedFrac: number;
  lastApproxKl: number;
  lastEntropy: number;
  lastIsWeightMax: number;
  lastUpdateMs: number;
}

export function emptyLearnerStats(): LearnerStats {
  return {
    policyVersion: 0, updates: 0, samplesTrained: 0, chunksIn: 0, chunksInvalid: 0, chunksStale: 0, samplesStale: 0, samplesOverflow: 0,
    samplesPending: 0, announced: 0, checkpoints: 0, checkpointErrors: 0, updateErrors: 0, pullErrors: 0, policyPruneErrors: 0, resumed: 0, lastLagMean: 0, lastLagMax: 0,
    lastDroppedFrac: 0, lastAdvisedFrac: 0, lastApproxKl: 0, lastEntropy: 0, lastIsWeightMax: 0, lastUpdateMs: 0,
  };
}
