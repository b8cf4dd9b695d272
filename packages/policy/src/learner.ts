// The PPO learner: a TF.js actor-critic, its Adam optimizer and the update that reads like
// CleanRL's ppo.py (lag filter -> GAE or V-trace -> minibatch epochs -> clipped losses ->
// grad-norm clip -> target-KL early stop -> LR anneal). It consumes a Rollout in the wire
// TrajectoryChunk layout, so the ppo-learner service and the serial trainer share it.
// Must not: act in environments, touch the bus or files (checkpoint.ts writes state to disk).
import * as tf from '@tensorflow/tfjs';
import { createRng, gae, isCorrection, lagLrScale, permutation, rngSplit, vtrace, type Rng, type RngState, type VtraceResult } from '@ala/rl-core';
import { TorchAdam, type AdamState } from './adam';
import { initTfBackend, type TfBackendName } from './backend';
import { isStats, keptExplainedVariance, lagFilter } from './batch-stats';
import { CheckpointError, PolicyConfigError } from './errors';
import type { UpdateMetrics } from './metrics';
import { exportOnnx } from './onnx-export';
import { makePpoConfig, type PpoConfig } from './ppo-config';
import { LOSS_STATS, maskLogits, ppoLoss } from './ppo-loss';
import { validateRollout, type Column, type Rollout } from './rollout';
import { TfActorCritic } from './tf-model';
import { initActorCriticWeights, type ActorCriticWeights } from './weights';

export interface LearnerOptions {
  /** Observation length of the env. */
  readonly obsDim: number;
  /** Number of discrete actions. */
  readonly nActions: number;
  /** PPO configuration (hidden sizes come from config.hidden). */
  readonly config: PpoConfig;
  /** Run seed: weight init and minibatch order derive from it. */
  readonly seed: number;
  /** TF.js backend preference (default wasm, falls back to cpu with a warning). */
  readonly backend?: TfBackendName;
}

/** Everything needed to continue a run exactly (checkpoint payload, plain data). */
export interface LearnerState {
  readonly policyVersion: number;
  /** Env samples consumed so far (drives LR / clip annealing). */
  readonly samplesSeen: number;
  readonly weights: ActorCriticWeights;
  readonly adam: AdamState;
  /** Minibatch-shuffle generator state. */
  readonly rng: RngState;
}

const f32 = (c: Column): Float32Array => (c instanceof Float32Array ? c : Float32Array.from(c));

/** V-trace's policy-gradient advantages and value targets under the GAE result's names. */
const vtraceAdvantages = (v: VtraceResult): { advantages: ArrayLike<number>; returns: ArrayLike<number> } => ({
  advantages: v.pgAdvantages,
  returns: v.vs,
});

/** The loss fields of an update that kept no sample (in UpdateMetrics order). */
const NO_UPDATE = {
  epochs: 0,
  earlyStopped: 0,
  loss: 0,
  policyLoss: 0,
  valueLoss: 0,
  entropy: 0,
  oldApproxKl: 0,
  approxKl: 0,
  clipFrac: 0,
  gradNorm: 0,
} as const;

export class Learner {
  private version = 0;
  private samplesSeen = 0;

  private constructor(
    readonly config: PpoConfig,
    private readonly model: TfActorCritic,
    private readonly adam: TorchAdam,
    private readonly rng: Rng,
    /** TF.js backend in use. */
    readonly backend: string,
  ) {}

  static async create(opts: LearnerOptions): Promise<Learner> {
    const config = makePpoConfig(opts.config);
    const backend = await initTfBackend(opts.backend ?? 'wasm');
    const spec = { obsDim: opts.obsDim, nActions: opts.nActions, hidden: config.hidden };
    const weights = initActorCriticWeights(spec, rngSplit(opts.seed, 0));
    const model = new TfActorCritic(weights);
    const adam = new TorchAdam(model.variables(), config.learningRate, 0.9, 0.999, config.adamEps);
    return new Learner(config, model, adam, rngSplit(opts.seed, 1), backend);
  }

  /** Version of the current weights: 0 at init, +1 per update that learned something. */
  get policyVersion(): number {
    return this.version;
  }

  get obsDim(): number {
    return this.model.spec.obsDim;
  }

  get nActions(): number {
    return this.model.spec.nActions;
  }

  /** One PPO update on a rollout. Bad input throws RolloutShapeError and changes nothing. */
  update(batch: Rollout): UpdateMetrics {
    const t0 = performance.now();
    const c = this.config;
    const { obsDim, nActions } = this.model.spec;
    validateRollout(batch, obsDim, nActions);
    const n = batch.T * batch.nAgents;

    // Lag filter: drop samples acted by a policy more than maxPolicyLag versions old
    const lag = lagFilter(batch.policyVersion, batch.advised, this.version, c.maxPolicyLag);
    const keep = lag.keep;

    // Annealing (CleanRL: frac = 1 − (iteration − 1) / num_iterations), LR scaled by kept fraction
    const frac = Math.max(0, 1 - this.samplesSeen / c.totalTimesteps);
    const learningRate = (c.annealLr ? c.learningRate * frac : c.learningRate) * lagLrScale(lag.keptFraction);
    const clipCoef = c.annealClip ? c.clipCoef * frac : c.clipCoef;

    // π_prox: the current (pre-update) policy's log-prob of the taken actions
    const obsAll = f32(batch.obs);
    const actionsAll = Int32Array.from(batch.actions);
    // Legal-action mask, skipped when absent or all-legal (saves the masking ops)
    const allLegal = batch.legal === undefined || Array.prototype.every.call(batch.legal, (x: number) => x === 1);
    const legalAll = allLegal ? undefined : Float32Array.from(batch.legal!);
    const logpProx = tf.tidy(() => {
      const legal = legalAll && tf.tensor2d(legalAll, [n, nActions]);
      const lp = tf.logSoftmax(maskLogits(this.model.logits(tf.tensor2d(obsAll, [n, obsDim])), legal));
      return tf.sum(tf.mul(lp, tf.oneHot(tf.tensor1d(actionsAll, 'int32'), nActions)), 1).dataSync() as Float32Array;
    });

    // log ρ = log(π_prox/μ): V-trace's ρ and the decoupled IS weight before truncation
    const logRho = new Float64Array(n);
    for (let i = 0; i < n; i++) logRho[i] = logpProx[i]! - batch.logpMu[i]!;

    // Advantages: GAE, or V-trace with ρ truncated at ρ̄ and c̄
    const traj = {
      rewards: batch.rewards,
      values: batch.values,
      terminated: batch.terminated,
      truncated: batch.truncated,
      truncValues: batch.truncValue,
      nextValue: batch.nextValue,
      T: batch.T,
      N: batch.nAgents,
      gamma: c.gamma,
    };
    const { advantages, returns } =
      c.advantageEstimator === 'gae'
        ? gae({ ...traj, lambda: c.gaeLambda })
        : vtraceAdvantages(vtrace({ ...traj, logRhos: logRho, rhoBar: c.vtraceRhoBar, cBar: c.vtraceCBar, lambda: c.gaeLambda }));

    // IS correction of the mode: the log-prob each ratio is taken against and the detached weight
    const correction = isCorrection(
      {
        mode: c.isMode,
        oldLogp: batch.logpPk,
        biasTaken: batch.biasTaken,
        logpMu: batch.logpMu,
        proxLogp: logpProx,
        cBar: c.cBar,
      },
      n,
    );
    this.samplesSeen += n; // after everything that can throw on bad input
    const base = {
      samples: n,
      droppedFrac: 1 - lag.keptFraction,
      learningRate,
      clipCoef,
      explainedVariance: keptExplainedVariance(keep, batch.values, returns),
      ...isStats(keep, logRho, batch.logpMu, batch.logpPk, c.cBar),
      advisedFrac: lag.advisedFrac,
      policyLagMin: lag.policyLagMin,
      policyLagMean: lag.policyLagMean,
      policyLagMax: lag.policyLagMax,
    };
    const k = keep.length;
    if (k === 0) return { ...base, policyVersion: this.version, ...NO_UPDATE, updateMs: performance.now() - t0 };

    // Kept samples, compacted (CleanRL's b_obs, b_actions, b_advantages, b_returns, b_values) plus
    // the IS columns
    const bObs = new Float32Array(k * obsDim);
    const bActions = new Int32Array(k);
    const bLegal = legalAll && new Float32Array(k * nActions);
    const bAdvantages = new Float32Array(k);
    const bReturns = new Float32Array(k);
    const bValues = new Float32Array(k);
    const bLogpRef = new Float32Array(k);
    const bIsWeights = new Float32Array(k);
    for (let j = 0; j < k; j++) {
      const i = keep[j]!;
      bObs.set(obsAll.subarray(i * obsDim, (i + 1) * obsDim), j * obsDim);
      bActions[j] = actionsAll[i]!;
      bLegal?.set(legalAll!.subarray(i * nActions, (i + 1) * nActions), j * nActions);
      bAdvantages[j] = advantages[i]!;
      bReturns[j] = returns[i]!;
      bValues[j] = batch.values[i]!;
      bLogpRef[j] = correction.logpRef[i]!;
      bIsWeights[j] = correction.weight[i]!;
    }
    const b = {
      obs: tf.tensor2d(bObs, [k, obsDim]),
      actionsOneHot: tf.tidy(() => tf.oneHot(tf.tensor1d(bActions, 'int32'), nActions).toFloat() as tf.Tensor2D),
      legal: bLegal && tf.tensor2d(bLegal, [k, nActions]),
      advantages: tf.tensor1d(bAdvantages),
      returns: tf.tensor1d(bReturns),
      values: tf.tensor1d(bValues),
      logpRef: tf.tensor1d(bLogpRef),
      isWeight: tf.tensor1d(bIsWeights),
    };
    this.adam.learningRate = learningRate;
    const minibatchSize = Math.ceil(k / c.numMinibatches);
    const sums = new Float64Array(LOSS_STATS.length + 1);
    let mbCount = 0;
    let lastApproxKl = 0;
    let epochs = 0;
    let earlyStopped = 0;
    const vars = this.model.variables();
    try {
      for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
        epochs++;
        const bInds = permutation(this.rng, k);
        for (let start = 0; start < k; start += minibatchSize) {
          const mbInds = bInds.subarray(start, Math.min(k, start + minibatchSize));
          const stats = tf.tidy(() => {
            const idx = tf.tensor1d(mbInds, 'int32');
            let mbAdvantages = tf.gather(b.advantages, idx);
            if (c.normAdv && mbInds.length > 1) {
              // torch .std() is the unbiased estimator
              const mean = tf.mean(mbAdvantages);
              const std = tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(mbAdvantages, mean))), mbInds.length - 1));
              mbAdvantages = tf.div(tf.sub(mbAdvantages, mean), tf.add(std, 1e-8));
            }
            const mb = {
              obs: tf.gather(b.obs, idx),
              actionsOneHot: tf.gather(b.actionsOneHot, idx) as tf.Tensor2D,
              advantages: mbAdvantages,
              returns: tf.gather(b.returns, idx),
              values: tf.gather(b.values, idx),
              logpRef: tf.gather(b.logpRef, idx),
              isWeight: tf.gather(b.isWeight, idx),
              legal: b.legal && (tf.gather(b.legal, idx) as tf.Tensor2D),
            };
            let statsT: tf.Tensor1D | undefined;
            const { grads } = tf.variableGrads(() => {
              const out = ppoLoss(this.model, mb, { clipCoef, clipVloss: c.clipVloss, entCoef: c.entCoef, vfCoef: c.vfCoef });
              statsT = tf.keep(out.stats);
              return out.loss;
            }, vars);
            // Global grad-norm clip (torch clip_grad_norm_: coef = max_norm / (norm + 1e-6), at most 1)
            const gl = vars.map((v) => grads[v.name]!);
            const gradNorm = tf.sqrt(tf.addN(gl.map((g) => tf.sum(tf.square(g)))));
            const scale = tf.minimum(1, tf.div(c.maxGradNorm, tf.add(gradNorm, 1e-6)));
            this.adam.apply(gl.map((g) => tf.mul(g, scale)));
            const s = tf.concat([statsT!, tf.reshape(gradNorm, [1])]).dataSync();
            statsT!.dispose();
            return s;
          });
          for (let j = 0; j < sums.length; j++) sums[j]! += stats[j]!;
          lastApproxKl = stats[LOSS_STATS.indexOf('approxKl')]!;
          mbCount++;
        }
        // Target-KL early stop (CleanRL checks after each epoch)
        if (c.targetKl !== null && lastApproxKl > c.targetKl) {
          earlyStopped = 1;
          break;
        }
      }
    } finally {
      tf.dispose(Object.values(b).filter((x) => x !== undefined) as tf.Tensor[]);
    }
    this.version += 1;
    const mean = (name: (typeof LOSS_STATS)[number]): number => sums[LOSS_STATS.indexOf(name)]! / mbCount;
    return {
      ...base,
      policyVersion: this.version,
      epochs,
      earlyStopped,
      loss: mean('loss'),
      policyLoss: mean('policyLoss'),
      valueLoss: mean('valueLoss'),
      entropy: mean('entropy'),
      oldApproxKl: mean('oldApproxKl'),
      approxKl: lastApproxKl,
      clipFrac: mean('clipFrac'),
      gradNorm: sums[LOSS_STATS.length]! / mbCount,
      updateMs: performance.now() - t0,
    };
  }

  /** Current weights as plain arrays (copies). */
  weights(): ActorCriticWeights {
    return this.model.readWeights();
  }

  /** Current policy as ONNX bytes (outputs logits and value), tagged with the policy version. */
  exportOnnx(): Uint8Array {
    return exportOnnx(this.model.readWeights(), { policyVersion: this.version });
  }

  /** Snapshot for checkpoints. */
  getState(): LearnerState {
    return {
      policyVersion: this.version,
      samplesSeen: this.samplesSeen,
      weights: this.model.readWeights(),
      adam: this.adam.getState(),
      rng: this.rng.getState(),
    };
  }

  /** Restore a snapshot; checks everything first, so a bad state changes nothing. */
  setState(s: LearnerState, source = 'learner state'): void {
    if (!Number.isInteger(s.policyVersion) || s.policyVersion < 0 || !Number.isFinite(s.samplesSeen) || s.samplesSeen < 0) {
      throw new CheckpointError(`bad counters: policyVersion ${s.policyVersion}, samplesSeen ${s.samplesSeen}`, source);
    }
    const spec = this.model.spec;
    const ws = s.weights.spec;
    if (ws.obsDim !== spec.obsDim || ws.nActions !== spec.nActions || ws.hidden.join(',') !== spec.hidden.join(',')) {
      const shape = (x: typeof spec): string => `${x.obsDim}->[${x.hidden.join(',')}]->${x.nActions}`;
      throw new CheckpointError(`weights are ${shape(ws)}, model is ${shape(spec)}`, source);
    }
    const probe = createRng(1);
    try {
      probe.setState(s.rng);
      const check = new TfActorCritic(s.weights);
      check.dispose();
    } catch (err) {
      throw new CheckpointError(`invalid state: ${(err as Error).message}`, source, { cause: err });
    }
    const adamBefore = this.adam.getState();
    this.adam.setState(s.adam, source); // validates sizes before assigning
    try {
      this.model.assignWeights(s.weights);
    } catch (err) {
      this.adam.setState(adamBefore, source);
      throw new PolicyConfigError(`cannot restore weights: ${(err as Error).message}`, 'weights', { cause: err });
    }
    this.rng.setState(s.rng);
    this.version = s.policyVersion;
    this.samplesSeen = s.samplesSeen;
  }

  dispose(): void {
    this.adam.dispose();
    this.model.dispose();
  }
}
