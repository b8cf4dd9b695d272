// The ppo-learner's counters and last update metrics, as one flat record of numbers (what the
// `status` endpoint and `ala up` report; docs/metrics.md has one line per field). Must not: do I/O.
import type { UpdateMetrics } from '@ala/policy';

export interface LearnerStats {
  /** Policy version published last. */
  policyVersion: number;
  /** PPO updates done by this process. */
  updates: number;
  /** Samples (steps x agents) used in updates, before the per-sample lag filter. */
  samplesTrained: number;
  /** Wall seconds spent in updates (learner utilisation = its rate over wall time). */
  updateSeconds: number;
  /** Chunks received / refused by the codec or shape checks / dropped as too old. */
  chunksIn: number;
  chunksInvalid: number;
  chunksStale: number;
  /** Chunks skipped because their msg id was taken already (never trained twice) / deliveries the server flagged as redelivered. */
  chunksDuplicate: number;
  chunksRedelivered: number;
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
  /**
   * Last update (UpdateMetrics of @ala/policy, CleanRL's names in docs/metrics.md): policy lag
   * mean/max, fraction dropped by lag, advised fraction, losses, entropy, KL estimators, clip
   * fraction, explained variance, learning rate, IS weight statistics, KL(mu||pi), duration.
   */
  lastLagMean: number;
  lastLagMax: number;
  lastDroppedFrac: number;
  lastAdvisedFrac: number;
  lastPolicyLoss: number;
  lastValueLoss: number;
  lastEntropy: number;
  lastOldApproxKl: number;
  lastApproxKl: number;
  lastClipFrac: number;
  lastExplainedVariance: number;
  lastLearningRate: number;
  lastIsWeightMean: number;
  lastIsWeightMax: number;
  lastIsWeightP99: number;
  lastIsTruncatedFrac: number;
  lastEssOverN: number;
  lastKlMuPi: number;
  lastUpdateMs: number;
}

type LastUpdate = Pick<LearnerStats, Extract<keyof LearnerStats, `last${string}`>>;

/** The `last*` fields from one update's metrics. */
export function lastUpdateStats(m: UpdateMetrics): LastUpdate {
  return {
    lastLagMean: m.policyLagMean,
    lastLagMax: m.policyLagMax,
    lastDroppedFrac: m.droppedFrac,
    lastAdvisedFrac: m.advisedFrac,
    lastPolicyLoss: m.policyLoss,
    lastValueLoss: m.valueLoss,
    lastEntropy: m.entropy,
    lastOldApproxKl: m.oldApproxKl,
    lastApproxKl: m.approxKl,
    lastClipFrac: m.clipFrac,
    lastExplainedVariance: m.explainedVariance,
    lastLearningRate: m.learningRate,
    lastIsWeightMean: m.isWeightMean,
    lastIsWeightMax: m.isWeightMax,
    lastIsWeightP99: m.isWeightP99,
    lastIsTruncatedFrac: m.isTruncatedFrac,
    lastEssOverN: m.essOverN,
    lastKlMuPi: m.klMuPi,
    lastUpdateMs: m.updateMs,
  };
}

export function emptyLearnerStats(): LearnerStats {
  return {
    policyVersion: 0,
    updates: 0,
    samplesTrained: 0,
    updateSeconds: 0,
    chunksIn: 0,
    chunksInvalid: 0,
    chunksStale: 0,
    chunksDuplicate: 0,
    chunksRedelivered: 0,
    samplesStale: 0,
    samplesOverflow: 0,
    samplesPending: 0,
    announced: 0,
    checkpoints: 0,
    checkpointErrors: 0,
    updateErrors: 0,
    pullErrors: 0,
    policyPruneErrors: 0,
    resumed: 0,
    lastLagMean: 0,
    lastLagMax: 0,
    lastDroppedFrac: 0,
    lastAdvisedFrac: 0,
    lastPolicyLoss: 0,
    lastValueLoss: 0,
    lastEntropy: 0,
    lastOldApproxKl: 0,
    lastApproxKl: 0,
    lastClipFrac: 0,
    lastExplainedVariance: 0,
    lastLearningRate: 0,
    lastIsWeightMean: 0,
    lastIsWeightMax: 0,
    lastIsWeightP99: 0,
    lastIsTruncatedFrac: 0,
    lastEssOverN: 0,
    lastKlMuPi: 0,
    lastUpdateMs: 0,
  };
}
