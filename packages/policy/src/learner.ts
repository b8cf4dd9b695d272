// The PPO learner: the actor-critic, its Adam optimizer and the update that reads like CleanRL's
// ppo.py (lag filter -> GAE or V-trace -> minibatch epochs -> clipped losses -> grad-norm clip ->
// target-KL early stop -> LR anneal). The maths of a minibatch step runs in an engine: the
// WebAssembly kernel (default) or TF.js (learner-engine.ts). It consumes a Rollout in the wire
// TrajectoryChunk layout, so the ppo-learner service and the serial trainer share it.
// Must not: act in environments, touch the bus or files (checkpoint.ts writes state to disk).
import { createRng, gae, isCorrection, lagLrScale, permutation, rngSplit, vtrace, type Rng, type RngState, type VtraceResult } from '@ala/rl-core';
import type { AdamState } from './adam';
import { initTfBackend, type TfBackendName } from './backend';
import { isStats, keptExplainedVariance, lagFilter } from './batch-stats';
import { CheckpointError } from './errors';
import { KernelEngine } from './kernel-engine';
import type { LearnerEngine } from './learner-engine';
import type { UpdateMetrics } from './metrics';
import { exportOnnx } from './onnx-export';
import { makePpoConfig, type PpoConfig } from './ppo-config';
import { LOSS_STATS } from './ppo-loss';
import { validateRollout, type Column, type Rollout } from './rollout';
import { TfEngine } from './tf-engine';
import { initActorCriticWeights, trunkDims, validateSpec, type ActorCriticWeights } from './weights';

/** 'kernel': the WebAssembly MLP kernel (default); 'wasm' / 'cpu': TF.js on that backend. */
export type LearnerBackend = 'kernel' | TfBackendName;

export interface LearnerOptions {
  /** Observation length of the env. */
  readonly obsDim: number;
  /** Number of discrete actions. */
  readonly nActions: number;
  /** PPO configuration (hidden sizes come from config.hidden). */
  readonly config: PpoConfig;
  /** Run seed: weight init and minibatch order derive from it. */
  readonly seed: number;
  /** Engine: 'kernel' (default), or TF.js 'wasm' (falls back to cpu with a warning) / 'cpu'. */
  readonly backend?: LearnerBackend;
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
    private readonly engine: LearnerEngine,
    private readonly rng: Rng,
  ) {}

  static async create(opts: LearnerOptions): Promise<Learner> {
    const config = makePpoConfig(opts.config);
    const spec = { obsDim: opts.obsDim, nActions: opts.nActions, hidden: config.hidden };
    const weights = initActorCriticWeights(spec, rngSplit(opts.seed, 0));
    const want = opts.backend ?? 'kernel';
    let engine: LearnerEngine | undefined;
    if (want === 'kernel') {
      try {
        engine = new KernelEngine(weights, config.adamEps);
      } catch (err) {
        // e.g. a JavaScript engine without WebAssembly SIMD: TF.js computes the same update, slower
        console.warn(`@ala/policy: WebAssembly learner kernel unavailable (${(err as Error).message}); using TF.js`);
      }
    }
    engine ??= new TfEngine(weights, config.adamEps, await initTfBackend(want === 'kernel' ? 'wasm' : want));
    return new Learner(config, engine, rngSplit(opts.seed, 1));
  }

  /** Engine in use: 'kernel', or the TF.js backend ('wasm' / 'cpu'). */
  get backend(): string {
    return this.engine.name;
  }

  /** Version of the current weights: 0 at init, +1 per update that learned something. */
  get policyVersion(): number {
    return this.version;
  }

  get obsDim(): number {
    return this.engine.spec.obsDim;
  }

  get nActions(): number {
    return this.engine.spec.nActions;
  }

  /** One PPO update on a rollout. Bad input throws RolloutShapeError and changes nothing. */
  update(batch: Rollout): UpdateMetrics {
    const t0 = performance.now();
    const c = this.config;
    const { obsDim, nActions } = this.engine.spec;
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
    const legalAll = allLegal ? undefined : Uint8Array.from(batch.legal!);
    const logpProx = this.engine.logProbs(obsAll, actionsAll, legalAll, n);

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
    const bLegal = legalAll && new Uint8Array(k * nActions);
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
    const minibatchSize = Math.ceil(k / c.numMinibatches);
    const sums = new Float64Array(LOSS_STATS.length + 1);
    const coefs = { clipCoef, clipVloss: c.clipVloss, entCoef: c.entCoef, vfCoef: c.vfCoef, normAdv: c.normAdv, maxGradNorm: c.maxGradNorm, learningRate };
    let mbCount = 0;
    let lastApproxKl = 0;
    let epochs = 0;
    let earlyStopped = 0;
    this.engine.beginUpdate({
      k,
      obs: bObs,
      actions: bActions,
      ...(bLegal ? { legal: bLegal } : {}),
      advantages: bAdvantages,
      returns: bReturns,
      values: bValues,
      logpRef: bLogpRef,
      isWeight: bIsWeights,
    });
    try {
      for (let epoch = 0; epoch < c.updateEpochs; epoch++) {
        epochs++;
        const bInds = permutation(this.rng, k);
        for (let start = 0; start < k; start += minibatchSize) {
          // Loss, gradients, grad-norm clip and Adam step on one minibatch (Â normalised per minibatch)
          const stats = this.engine.step(bInds.subarray(start, Math.min(k, start + minibatchSize)), coefs);
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
      this.engine.endUpdate();
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
    return this.engine.readWeights();
  }

  /** Current policy as ONNX bytes (outputs logits and value), tagged with the policy version. */
  exportOnnx(): Uint8Array {
    return exportOnnx(this.engine.readWeights(), { policyVersion: this.version });
  }

  /** Snapshot for checkpoints. */
  getState(): LearnerState {
    return {
      policyVersion: this.version,
      samplesSeen: this.samplesSeen,
      weights: this.engine.readWeights(),
      adam: this.engine.getAdamState(),
      rng: this.rng.getState(),
    };
  }

  /** Restore a snapshot; checks everything first, so a bad state changes nothing. */
  setState(s: LearnerState, source = 'learner state'): void {
    if (!Number.isInteger(s.policyVersion) || s.policyVersion < 0 || !Number.isFinite(s.samplesSeen) || s.samplesSeen < 0) {
      throw new CheckpointError(`bad counters: policyVersion ${s.policyVersion}, samplesSeen ${s.samplesSeen}`, source);
    }
    const spec = this.engine.spec;
    const ws = s.weights.spec;
    if (ws.obsDim !== spec.obsDim || ws.nActions !== spec.nActions || ws.hidden.join(',') !== spec.hidden.join(',')) {
      const shape = (x: typeof spec): string => `${x.obsDim}->[${x.hidden.join(',')}]->${x.nActions}`;
      throw new CheckpointError(`weights are ${shape(ws)}, model is ${shape(spec)}`, source);
    }
    const probe = createRng(1);
    try {
      probe.setState(s.rng);
      validateSpec(s.weights.spec);
      for (const head of ['actor', 'critic'] as const) {
        const dims = trunkDims(s.weights.spec, head);
        const layers = s.weights[head];
        if (layers.length !== dims.length - 1) throw new Error(`${head} has ${layers.length} layers, spec needs ${dims.length - 1}`);
        layers.forEach((l, i) => {
          if (l.inDim !== dims[i] || l.outDim !== dims[i + 1] || l.w.length !== l.inDim * l.outDim || l.b.length !== l.outDim) {
            throw new Error(`${head} layer ${i} is ${l.inDim}x${l.outDim}, spec needs ${dims[i]}x${dims[i + 1]}`);
          }
        });
      }
    } catch (err) {
      throw new CheckpointError(`invalid state: ${(err as Error).message}`, source, { cause: err });
    }
    const adamBefore = this.engine.getAdamState();
    this.engine.setAdamState(s.adam, source); // validates sizes before assigning
    try {
      this.engine.assignWeights(s.weights);
    } catch (err) {
      this.engine.setAdamState(adamBefore, source);
      throw err;
    }
    this.rng.setState(s.rng);
    this.version = s.policyVersion;
    this.samplesSeen = s.samplesSeen;
  }

  dispose(): void {
    this.engine.dispose();
  }
}
