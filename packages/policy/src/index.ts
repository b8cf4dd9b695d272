// Public surface of @ala/policy: the actor-critic MLP (plain weights, TF.js model), ONNX export,
// ONNX Runtime inference, the VectorActor (acting and chunk building, shared by the actor-runner
// and the serial trainer) and Learner (PPO update), PpoConfig and presets,
// the Rollout batch type, checkpoints and the serial trainer. Nothing else is public.
export { PolicyConfigError, RolloutShapeError, CheckpointError, OnnxError } from './errors';
export type { MlpSpec, DenseParams, ActorCriticWeights } from './weights';
export { initActorCriticWeights, orthogonal, referenceForward, cloneWeights, validateSpec } from './weights';
export { initTfBackend, activeTfBackend, chooseTfBackend } from './backend';
export type { TfBackendName } from './backend';
export { TfActorCritic } from './tf-model';
export { exportOnnx, ONNX_IO, ONNX_OPSET } from './onnx-export';
export type { OnnxExportMeta } from './onnx-export';
export { OrtPolicy } from './ort-policy';
export type { PolicyOutput } from './ort-policy';
export { VectorActor } from './vector-actor';
export type { ActingEnv, LiveAdvice, VectorActorOptions, PolicyForward, EpisodeEnd, ActingStep } from './vector-actor';
export { ChunkBuilder, chunkWireBytes, maxChunkSteps } from './chunk-builder';
export type { StepRecord } from './chunk-builder';
export { DEFAULT_PPO_CONFIG, PPO_PRESETS, presetFor, makePpoConfig, batchSize, minibatchSize } from './ppo-config';
export type { PpoConfig, AdvantageEstimator } from './ppo-config';
export { allocRollout, validateRollout, concatRollouts } from './rollout';
export type { Rollout, MutableRollout, Column } from './rollout';
export { ppoLoss, clippedSurrogateTf, LOSS_STATS, maskLogits } from './ppo-loss';
export type { LossBatch, LossCoefs } from './ppo-loss';
export { isStats, lagFilter } from './batch-stats';
export type { UpdateMetrics } from './metrics';
export { TorchAdam } from './adam';
export type { AdamState } from './adam';
export { Learner } from './learner';
export type { LearnerOptions, LearnerState, LearnerBackend } from './learner';
export { SerialTrainer } from './serial-trainer';
export type { SerialTrainerOptions, IterationResult, TrainerState } from './serial-trainer';
export type { EpisodeRecord, EnvSlotState } from './env-slots';
export { encodeCheckpoint, decodeCheckpoint, writeCheckpointFile, readCheckpointFile, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint';
export { saveTrainCheckpoint, loadTrainCheckpoint, parseTrainCheckpoint } from './trainer-checkpoint';
export type { TrainCheckpoint } from './trainer-checkpoint';
