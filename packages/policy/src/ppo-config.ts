// One typed PPO configuration with CleanRL's ppo.py defaults (a doc line per field), the ALA
// extensions for biased sampling, and per-env presets. Must not: read files or the environment;
// the CLI decides where overrides come from.
// Defaults: https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/ppo.py (Args).
import { IS_MODES, type IsMode } from '@ala/rl-core';
import { PolicyConfigError } from './errors';

/** Advantage estimator: GAE (on-policy) or V-trace (when advice is frequent). */
export type AdvantageEstimator = 'gae' | 'vtrace';

export interface PpoConfig {
  /** Adam learning rate (CleanRL 2.5e-4). */
  readonly learningRate: number;
  /** Parallel environments / agents per rollout (CleanRL `num_envs` 4). */
  readonly numEnvs: number;
  /** Steps per agent per rollout (CleanRL `num_steps` 128); batch = numEnvs * numSteps. */
  readonly numSteps: number;
  /** Linearly anneal the learning rate to 0 over the run (CleanRL `anneal_lr` true). */
  readonly annealLr: boolean;
  /** Discount γ (CleanRL 0.99). */
  readonly gamma: number;
  /** GAE λ (CleanRL 0.95). */
  readonly gaeLambda: number;
  /** Minibatches per epoch (CleanRL 4). */
  readonly numMinibatches: number;
  /** Epochs over each batch (CleanRL `update_epochs` 4). */
  readonly updateEpochs: number;
  /** Normalise advantages per minibatch (CleanRL `norm_adv` true). */
  readonly normAdv: boolean;
  /** PPO surrogate clip ε (CleanRL `clip_coef` 0.2). */
  readonly clipCoef: number;
  /** Linearly anneal clipCoef to 0 like the LR (SB3 `clip_range: lin_0.2`; CleanRL false). */
  readonly annealClip: boolean;
  /** Clip the value loss around the old values (CleanRL `clip_vloss` true). */
  readonly clipVloss: boolean;
  /** Entropy bonus coefficient (CleanRL `ent_coef` 0.01). */
  readonly entCoef: number;
  /** Value loss coefficient (CleanRL `vf_coef` 0.5). */
  readonly vfCoef: number;
  /** Global gradient-norm clip (CleanRL `max_grad_norm` 0.5). */
  readonly maxGradNorm: number;
  /** Stop the epochs when approx KL exceeds this; null = never (CleanRL `target_kl` None). */
  readonly targetKl: number | null;
  /** Adam ε (CleanRL 1e-5). */
  readonly adamEps: number;
  /** Hidden widths of each trunk (CleanRL [64, 64]). */
  readonly hidden: readonly number[];
  /** Total env steps of the run (CleanRL `total_timesteps` 500000). */
  readonly totalTimesteps: number;
  /** IS correction for biased samples, rl-core IsMode (ALA default 'decoupled', Hilton et al. 2022). */
  readonly isMode: IsMode;
  /**
   * c̄: truncation of the decoupled IS weight min(c̄, π_prox/μ) (default 10). With |b|∞ <= B the
   * advice alone gives π/μ <= e^{2βB} (7.4 at β = B = 1), so c̄ below that biases the gradient
   * towards the advised policy (docs/is-correction.md); 10 leaves headroom for policy lag.
   * V-trace's own c̄ is vtraceCBar.
   */
  readonly cBar: number;
  /** V-trace ρ̄ and c̄ (IMPALA's 1, 1), used when advantageEstimator is 'vtrace'. */
  readonly vtraceRhoBar: number;
  readonly vtraceCBar: number;
  /** Drop samples with currentVersion - policyVersion above this (default 4). */
  readonly maxPolicyLag: number;
  /** Bias scale β used by actors: μ = softmax(z + β b) (default 1). */
  readonly beta: number;
  /** 'gae' (default) or 'vtrace'. */
  readonly advantageEstimator: AdvantageEstimator;
}

/** CleanRL ppo.py defaults plus ALA's defaults for the biased-sampling fields. */
export const DEFAULT_PPO_CONFIG: PpoConfig = Object.freeze({
  learningRate: 2.5e-4,
  numEnvs: 4,
  numSteps: 128,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  clipCoef: 0.2,
  annealClip: false,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  adamEps: 1e-5,
  hidden: Object.freeze([64, 64]),
  totalTimesteps: 500_000,
  isMode: 'decoupled',
  cBar: 10,
  vtraceRhoBar: 1,
  vtraceCBar: 1,
  maxPolicyLag: 4,
  beta: 1.0,
  advantageEstimator: 'gae',
});

/**
 * Tuned presets per shipped env; `ala train --env <id>` starts from these.
 * CartPole-v1: rl-baselines3-zoo hyperparams/ppo.yml (n_envs 8, n_steps 32, batch 256,
 * gae_lambda 0.8, gamma 0.98, n_epochs 20, ent_coef 0, lr lin_1e-3, clip lin_0.2; SB3 has no
 * value clipping). https://github.com/DLR-RM/rl-baselines3-zoo/blob/master/hyperparams/ppo.yml
 */
export const PPO_PRESETS: Readonly<Record<string, Partial<PpoConfig>>> = Object.freeze({
  'CartPole-v1': {
    numEnvs: 8,
    numSteps: 32,
    numMinibatches: 1,
    gaeLambda: 0.8,
    gamma: 0.98,
    updateEpochs: 20,
    entCoef: 0,
    learningRate: 1e-3,
    annealLr: true,
    clipCoef: 0.2,
    annealClip: true,
    clipVloss: false,
    totalTimesteps: 100_000,
  },
  'CraftWorld-v0': {
    numEnvs: 8,
    numSteps: 128,
    numMinibatches: 4,
    updateEpochs: 4,
    gamma: 0.99,
    gaeLambda: 0.95,
    entCoef: 0.01,
    learningRate: 5e-4,
    hidden: [128, 128],
    totalTimesteps: 1_000_000,
  },
});

/** Preset for an env id merged over the defaults (unknown ids get the CleanRL defaults). */
export function presetFor(envId: string): PpoConfig {
  return makePpoConfig(PPO_PRESETS[envId] ?? {});
}

/** Defaults overlaid with `overrides`, validated. Throws PolicyConfigError naming the bad field. */
export function makePpoConfig(overrides: Partial<PpoConfig> = {}, base: PpoConfig = DEFAULT_PPO_CONFIG): PpoConfig {
  const c: PpoConfig = { ...base, ...overrides };
  const pos = (f: keyof PpoConfig, v: number): void => {
    if (!(Number.isFinite(v) && v > 0)) throw new PolicyConfigError(`${f} must be a finite number > 0, got ${v}`, f);
  };
  const int = (f: keyof PpoConfig, v: number): void => {
    if (!(Number.isInteger(v) && v > 0)) throw new PolicyConfigError(`${f} must be a positive integer, got ${v}`, f);
  };
  const unit = (f: keyof PpoConfig, v: number): void => {
    if (!(v >= 0 && v <= 1)) throw new PolicyConfigError(`${f} must be in [0, 1], got ${v}`, f);
  };
  const nonNeg = (f: keyof PpoConfig, v: number): void => {
    if (!(Number.isFinite(v) && v >= 0)) throw new PolicyConfigError(`${f} must be finite and >= 0, got ${v}`, f);
  };
  pos('learningRate', c.learningRate);
  int('numEnvs', c.numEnvs);
  int('numSteps', c.numSteps);
  unit('gamma', c.gamma);
  unit('gaeLambda', c.gaeLambda);
  int('numMinibatches', c.numMinibatches);
  int('updateEpochs', c.updateEpochs);
  pos('clipCoef', c.clipCoef);
  nonNeg('entCoef', c.entCoef);
  nonNeg('vfCoef', c.vfCoef);
  pos('maxGradNorm', c.maxGradNorm);
  if (c.targetKl !== null) pos('targetKl', c.targetKl);
  pos('adamEps', c.adamEps);
  int('totalTimesteps', c.totalTimesteps);
  pos('cBar', c.cBar);
  pos('vtraceRhoBar', c.vtraceRhoBar);
  pos('vtraceCBar', c.vtraceCBar);
  if (!(Number.isInteger(c.maxPolicyLag) && c.maxPolicyLag >= 0))
    throw new PolicyConfigError(`maxPolicyLag must be an integer >= 0, got ${c.maxPolicyLag}`, 'maxPolicyLag');
  nonNeg('beta', c.beta);
  if (!IS_MODES.includes(c.isMode)) throw new PolicyConfigError(`isMode must be ${IS_MODES.join('|')}, got ${String(c.isMode)}`, 'isMode');
  if (!['gae', 'vtrace'].includes(c.advantageEstimator))
    throw new PolicyConfigError(`advantageEstimator must be gae|vtrace, got ${String(c.advantageEstimator)}`, 'advantageEstimator');
  if (!Array.isArray(c.hidden) || c.hidden.length === 0 || !c.hidden.every((h) => Number.isInteger(h) && h > 0 && h <= 4096)) {
    throw new PolicyConfigError(`hidden must be a non-empty list of integers in [1, 4096], got ${JSON.stringify(c.hidden)}`, 'hidden');
  }
  if ((c.numEnvs * c.numSteps) % c.numMinibatches !== 0) {
    throw new PolicyConfigError(`numEnvs*numSteps (${c.numEnvs * c.numSteps}) must be divisible by numMinibatches (${c.numMinibatches})`, 'numMinibatches');
  }
  return { ...c, hidden: [...c.hidden] };
}

/** Batch size of one rollout (CleanRL `batch_size`). */
export function batchSize(c: PpoConfig): number {
  return c.numEnvs * c.numSteps;
}

/** Minibatch size (CleanRL `minibatch_size`). */
export function minibatchSize(c: PpoConfig): number {
  return batchSize(c) / c.numMinibatches;
}
