// Public surface of @ala/envs: the Env interface and spaces, the registry, the shipped envs and
// their experts, the vector env, and NumPy-compatible seeding. Nothing else is public.
export type { Env, AsyncEnv, EnvInfo, PortableStateEnv, ResetArgs, ResetResult, StepResult } from './env';
export { hasPortableState } from './env';
export type { BoxSpace, DiscreteSpace } from './spaces';
export { boxSpace, discreteSpace, flatSize, containsAction } from './spaces';
export { EnvError, EnvRegistryError, InvalidActionError, ResetNeededError, InvalidOptionError, EnvStateError } from './errors';
export type { EnvStateErrorReason } from './errors';
export type { EnvSpec, EnvListing, AsyncEnvSlot } from './registry';
export { makeEnv, makeAsyncEnvs, isAsyncEnv, envSpec, resolveEnvId, registerEnv, unregisterEnv, listEnvs, getExpert } from './registry';
export type { OptionalEnv } from './builtins';
export { MINECRAFT_ID, OPTIONAL_ENVS } from './builtins';
export type { Expert, ExpertKnobs, Advice, ScoreFn } from './expert';
export { createExpert, argBest } from './expert';
export type { Rng, RngState, Pcg64State } from './numpy-random';
export { Pcg64, PCG64_ALGORITHM, randInt, seedSequenceGenerateState } from './numpy-random';
export type { CartPoleOptions } from './cartpole';
export { CartPoleEnv, CARTPOLE_ID, CARTPOLE_X_THRESHOLD, CARTPOLE_THETA_THRESHOLD } from './cartpole';
export { cartPoleExpert, cartPoleControl, CARTPOLE_EXPERT_GAINS } from './cartpole-expert';
export type { EpisodeStats, VectorStepInfo, VectorResetResult, VectorStepResult } from './vector-env';
export { VectorEnv } from './vector-env';
export type { CraftWorldOptions, CraftWorldState } from './craft-world';
export { CraftWorldEnv, CRAFTWORLD_ID } from './craft-world';
export type { CraftWorldConfig } from './craft-world-state';
export { CRAFTWORLD_STATE_FORMAT, craftWorldStateBytes } from './craft-world-state';
export { CRAFTWORLD_VARIANTS } from './builtins';
export type { Difficulty, MapParams } from './craft-world-map';
export { difficultyParams, generateMap } from './craft-world-map';
export type { Milestone, Recipe } from './craft-world-rules';
export {
  Tile,
  Item,
  Action as CraftAction,
  ACTION_NAMES as CRAFT_ACTION_NAMES,
  ITEM_NAMES,
  TILE_NAMES,
  MILESTONES,
  RECIPES,
  recipesText,
} from './craft-world-rules';
export type { PlanStep } from './craft-world-expert';
export { craftWorldExpert, craftWorldScores, nextPlanStep } from './craft-world-expert';
export { EnvBridgeError } from './errors';
export type { BridgeClientTransport, BridgeServerTransport, BridgeServing, NatsLikeConnection } from './bridge-transport';
export { natsBridgeTransport, busBridgeTransport } from './bridge-transport';
export type { ServeEnvOptions, EnvServerHandle } from './env-server';
export { serveEnv, handleEnvRequest } from './env-server';
export type { RemoteEnvOptions } from './remote-env';
export { RemoteEnv } from './remote-env';
export type { AsyncVectorEnvOptions, EnvFailureCounts } from './async-vector-env';
export { AsyncVectorEnv } from './async-vector-env';
