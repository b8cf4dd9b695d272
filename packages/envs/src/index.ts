// Public surface of @ala/envs: the Env interface and spaces, the registry, the shipped envs and
// their experts, the vector env, and NumPy-compatible seeding. Nothing else is public.
export type { Env, AsyncEnv, EnvInfo, ResetArgs, ResetResult, StepResult } from './env';
export type { BoxSpace, DiscreteSpace } from './spaces';
export { boxSpace, discreteSpace, flatSize, containsAction } from './spaces';
export { EnvError, EnvRegistryError, InvalidActionError, ResetNeededError, InvalidOptionError } from './errors';
export type { EnvSpec } from './registry';
export { makeEnv, registerEnv, unregisterEnv, listEnvs, getExpert } from './registry';
export type { Expert, ExpertKnobs, Advice, ScoreFn } from './expert';
export { createExpert, argBest } from './expert';
export type { Rng, Pcg64State } from './numpy-random';
export { Pcg64, randInt, seedSequenceGenerateState } from './numpy-random';
export type { CartPoleOptions } from './cartpole';
export { CartPoleEnv, CARTPOLE_ID, CARTPOLE_X_THRESHOLD, CARTPOLE_THETA_THRESHOLD } from './cartpole';
export { cartPoleExpert, cartPoleControl, CARTPOLE_EXPERT_GAINS } from './cartpole-expert';
export type { EpisodeStats, VectorStepInfo, VectorResetResult, VectorStepResult } from './vector-env';
export { VectorEnv } from './vector-env';
