// Public surface of @ala/rl-core: pure RL maths (no I/O, no frameworks, no hidden randomness).
// Every exported function is documented with shapes in packages/rl-core/README.md.
export { RlCoreError, ShapeError, InvalidValueError, NoLegalActionError } from './errors';
export type { Vec, OutVec, Flags } from './check';
export { createRng, deriveSeed, rngSplit, randn, fillRandn, randInt, permutation, XOSHIRO128SS } from './rng';
export type { Rng, RngState } from './rng';
export { logsumexp, logSoftmax, softmax, biasedLogits, entropy } from './softmax';
export { sampleCategorical, sampleLogits } from './sample';
export { gae } from './gae';
export type { TrajectoryArrays, GaeInput, GaeResult } from './gae';
export { vtrace } from './vtrace';
export type { VtraceInput, VtraceResult } from './vtrace';
export { clipBias, scaleBiasToKl, behaviourRecord } from './bias';
export type { ClipBiasOptions, ScaleBiasToKlInput, BehaviourRecord } from './bias';
export { actBatch, actBatchJs } from './act-batch';
export { actKernelAvailable } from './act-kernel';
export type { ActBatchInput, ActBatchOutput } from './act-batch';
export { isCorrection, isWeights, isWeightStats, IS_MODES } from './is-weights';
export type { IsMode, IsCorrection, IsCorrectionInput, IsWeightsInput, IsWeightsResult, WeightStats } from './is-weights';
export { clippedSurrogate, clippedSurrogateGrad, ppoPolicyLoss, valueLoss, approxKl, clipFraction, explainedVariance, normalizeAdvantages } from './ppo';
export type { SurrogateResult } from './ppo';
export { filterByPolicyLag, lagLrScale } from './policy-lag';
export type { PolicyLagResult } from './policy-lag';
export { voteSelect, voteBlend, voteWeight, agreementRate, preferredAction } from './vote';
export type { AdviceCandidate, VoteOptions, VoteSelection, VoteBlend } from './vote';
