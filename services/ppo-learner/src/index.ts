// Public surface of @ala/ppo-learner: start(deps), its config, ports (trajectory source, policy
// sink) with JetStream implementations, the batcher, checkpoints, stats and errors.
export { start } from './service';
export type { PpoLearner, PpoLearnerDeps } from './service';
export { loadConfig, validateLearnerConfig, LEARNER_DEFAULTS, CONFIG_ENV } from './config';
export type { PpoLearnerConfig } from './config';
export type { TrajectorySource, PolicySink } from './ports';
export { jetStreamLearnerPorts, jetStreamTrajectorySource, jetStreamPolicySink, KV_FAST_PATH_MAX_BYTES } from './nats-io';
export { Batcher } from './batcher';
export type { AddResult, BatcherCounts } from './batcher';
export { loadLearnerCheckpoint, saveLearnerCheckpoint, checkpointPath, CHECKPOINT_FILE } from './checkpoint';
export type { LearnerCheckpoint } from './checkpoint';
export { emptyLearnerStats } from './stats';
export type { LearnerStats } from './stats';
export { LearnerCheckpointError } from './errors';
export { LEARNER_METRICS, learnerMetricsExporter } from './metrics';
export { main } from './main';
