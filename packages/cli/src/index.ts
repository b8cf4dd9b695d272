// Public surface of @ala/cli: the program factory (for tests and embedding) and the train
// command's pieces that other tools reuse (output files, learning-curve SVG).
export { createProgram, COMMANDS } from './program';
export type { CommandModule } from './program';
export { runTrain } from './commands/train';
export type { TrainArgs, TrainOutcome } from './commands/train';
export { learningCurveSvg } from './train/learning-curve-svg';
export type { CurvePoint } from './train/learning-curve-svg';
export { RUN_FILES } from './train/run-dir';
export { CliUsageError } from './errors';
