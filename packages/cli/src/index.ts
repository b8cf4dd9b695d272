// Public surface of @ala/cli: the program factory (for tests and embedding), the functions behind
// `ala train`, `ala up` and `ala status`, and the pieces other tools reuse.
export { createProgram, COMMANDS } from './program';
export type { CommandModule } from './program';
export { runTrain } from './commands/train';
export type { TrainArgs, TrainOutcome } from './commands/train';
export { annealHorizon, runUp, UP_DEFAULTS } from './commands/up';
export type { UpArgs, UpOutcome } from './commands/up';
export { LearnerThreadError, liveLearnerThreads, startLearnerThread } from './learner-thread';
export type { LearnerThread } from './learner-thread';
export { startStack } from './commands/up-stack';
export type { Stack, StackOptions, StackStats, AdvisorKind, LearnerThreadChoice, TransportChoice } from './commands/up-stack';
export { collectStatus } from './commands/status';
export type { InstanceStatus } from './commands/status';
export { SERVICES } from './commands/service';
export { learningCurveSvg } from './experiment/charts';
export { trainCurvePoints, type CurvePoint } from './train/curve-points';
export { RUN_FILES } from './train/run-dir';
export { CliUsageError } from './errors';
