// The learner's metric vocabulary (docs/architecture.md, Learning with biased samples): one named
// field per logged quantity, under these names in the JSONL logs (`metrics.jsonl`); the
// ppo-learner exports them as `ala_learner_*` gauges named as CleanRL names them where it has a
// name (`clipfrac`, `old_approx_kl`, ...), docs/metrics.md lists each.
// Must not: compute anything; see learner.ts and batch-stats.ts.

/** Metrics of one Learner.update (means over the minibatches that ran unless noted). */
export interface UpdateMetrics {
  /** Policy version after the update (unchanged when nothing was kept). */
  readonly policyVersion: number;
  /** Samples in the batch before the lag filter. */
  readonly samples: number;
  /** Fraction dropped by the lag filter (currentVersion − policyVersion > maxPolicyLag). */
  readonly droppedFrac: number;
  /** Learning rate used (annealed and scaled by the kept fraction). */
  readonly learningRate: number;
  /** Clip ε used (annealed when annealClip). */
  readonly clipCoef: number;
  /** Epochs run (fewer than updateEpochs when target-KL stopped early). */
  readonly epochs: number;
  /** 1 when target-KL stopped the epochs early. */
  readonly earlyStopped: number;
  /** Total loss = policyLoss − entCoef·entropy + vfCoef·valueLoss. */
  readonly loss: number;
  readonly policyLoss: number;
  readonly valueLoss: number;
  /** Mean entropy of π_θ over the minibatch. */
  readonly entropy: number;
  /** k1 estimator mean(−log r) (CleanRL old_approx_kl). */
  readonly oldApproxKl: number;
  /** k3 estimator mean((r − 1) − log r) (CleanRL approx_kl), of the last minibatch. */
  readonly approxKl: number;
  /** Fraction of samples with |r − 1| > ε. */
  readonly clipFrac: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** 1 − Var(R − V)/Var(R) of the acting-time critic on the kept samples. */
  readonly explainedVariance: number;
  /** IS weights w = π_prox/μ on kept samples: mean, max, 99th percentile. */
  readonly isWeightMean: number;
  readonly isWeightMax: number;
  readonly isWeightP99: number;
  /** Fraction of kept samples whose weight was truncated at c̄. */
  readonly isTruncatedFrac: number;
  /** Effective sample size over N: (Σw)² / (N Σw²). */
  readonly essOverN: number;
  /** KL(μ‖π_k) estimated as mean(logpMu − logpPk) (samples drawn from μ). */
  readonly klMuPi: number;
  /** Fraction of samples acted with a live bias. */
  readonly advisedFrac: number;
  /** currentVersion − policyVersion over the batch: min, mean, max. */
  readonly policyLagMin: number;
  readonly policyLagMean: number;
  readonly policyLagMax: number;
  /** Wall time of the update in milliseconds. */
  readonly updateMs: number;
}
