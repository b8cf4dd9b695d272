// Serial PPO training in one process, no bus: acting (Actor: ONNX Runtime + actBatch) fills a
// Rollout in the wire TrajectoryChunk layout, the Learner updates on it, the new policy is
// exported to ONNX and swapped into the actor. `ala train` and the benchmarks drive it.
// Must not: write files, print, or install signal handlers (the CLI does that).
import { makeEnv, type Env } from '@ala/envs';
import { rngSplit, type RngState } from '@ala/rl-core';
import { Actor } from './actor';
import { EnvSlots, type EnvSlotState, type EpisodeRecord } from './env-slots';
import { CheckpointError } from './errors';
import { Learner, type LearnerState } from './learner';
import type { UpdateMetrics } from './metrics';
import { OrtPolicy } from './ort-policy';
import { batchSize, type PpoConfig } from './ppo-config';
import { allocRollout, type MutableRollout } from './rollout';

export interface SerialTrainerOptions {
  readonly envId: string;
  readonly seed: number;
  readonly config: PpoConfig;
  /** Env constructor options passed to makeEnv. */
  readonly envOptions?: object;
  /** Env factory (default: @ala/envs makeEnv). */
  readonly makeEnv?: (id: string, options: object) => Env;
}

/** What one iteration (rollout + update) produced. */
export interface IterationResult {
  readonly iteration: number;
  /** Env steps so far (all agents). */
  readonly envSteps: number;
  readonly metrics: UpdateMetrics;
  /** Episodes that finished during this rollout. */
  readonly episodes: readonly EpisodeRecord[];
  /** Mean return of the last 100 finished episodes (NaN before the first). */
  readonly mean100: number;
  /** Milliseconds spent acting (rollout) and learning (update + export + new session). */
  readonly rolloutMs: number;
  readonly learnMs: number;
}

/** Everything a checkpoint needs to continue the run exactly. */
export interface TrainerState {
  readonly iteration: number;
  readonly envSteps: number;
  readonly learner: LearnerState;
  readonly envs: readonly EnvSlotState[];
  readonly actRng: RngState;
  /** Returns of the last (up to) 100 episodes, oldest first. */
  readonly recentReturns: readonly number[];
}

export class SerialTrainer {
  private iter = 0;
  private steps = 0;
  private recent: number[] = [];
  private readonly rollout: MutableRollout;

  private constructor(
    readonly options: SerialTrainerOptions,
    readonly learner: Learner,
    private readonly actor: Actor,
    private readonly slots: EnvSlots,
    private readonly actRng: ReturnType<typeof rngSplit>,
  ) {
    this.rollout = allocRollout(options.config.numSteps, options.config.numEnvs, learner.obsDim, learner.nActions);
  }

  static async create(options: SerialTrainerOptions): Promise<SerialTrainer> {
    const { config, seed } = options;
    const factory = options.makeEnv ?? makeEnv;
    const envs = Array.from({ length: config.numEnvs }, () => factory(options.envId, options.envOptions ?? {}));
    const first = envs[0]!;
    const obsDim = first.observationSpace.shape.reduce((a, b) => a * b, 1);
    const nActions = first.actionSpace.n;
    const learner = await Learner.create({ obsDim, nActions, config, seed });
    const policy = await OrtPolicy.create(learner.exportOnnx(), { obsDim, nActions, policyVersion: learner.policyVersion });
    const actRng = rngSplit(seed, 2);
    const actor = new Actor(policy, config.numEnvs, config.beta, actRng);
    return new SerialTrainer(options, learner, actor, new EnvSlots(envs, seed), actRng);
  }

  get envSteps(): number {
    return this.steps;
  }

  get iteration(): number {
    return this.iter;
  }

  /** Mean return of the last 100 episodes (NaN before any finished). */
  get mean100(): number {
    return this.recent.length === 0 ? Number.NaN : this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
  }

  /** Number of episodes in mean100 (at most 100). */
  get recentCount(): number {
    return this.recent.length;
  }

  /** Collect one rollout of numSteps x numEnvs, update, and swap in the new policy. */
  async iterate(): Promise<IterationResult> {
    const t0 = performance.now();
    const { numSteps: T, numEnvs: N } = this.options.config;
    const r = this.rollout;
    const obsDim = this.learner.obsDim;
    const nActions = this.learner.nActions;
    const obsBatch = new Float32Array(N * obsDim);
    const mask = new Uint8Array(N * nActions);
    const episodes: EpisodeRecord[] = [];
    r.truncValue.fill(0);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < N; i++) {
        obsBatch.set(this.slots.obs(i), i * obsDim);
        mask.set(this.slots.legal(i), i * nActions);
      }
      r.obs.set(obsBatch, t * N * obsDim);
      r.legal.set(mask, t * N * nActions);
      const act = await this.actor.act(obsBatch, undefined, mask);
      const finals: { k: number; obs: Float32Array }[] = [];
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        this.steps += 1;
        const s = this.slots.step(i, act.actions[i]!, this.steps, episodes);
        r.actions[k] = act.actions[i]!;
        r.rewards[k] = s.reward;
        r.terminated[k] = s.terminated ? 1 : 0;
        r.truncated[k] = s.truncated ? 1 : 0;
        r.values[k] = act.values[i]!;
        r.logpMu[k] = act.logpMu[i]!;
        r.logpPk[k] = act.logpPk[i]!;
        r.biasTaken[k] = act.biasTaken[i]!;
        r.advised[k] = 0;
        r.policyVersion[k] = act.policyVersion;
        if (s.truncated && !s.terminated && s.finalObs) finals.push({ k, obs: s.finalObs });
      }
      // Time-limit truncation: bootstrap from V(final obs) (one batched call for all of them)
      if (finals.length > 0) {
        const fo = new Float32Array(finals.length * obsDim);
        finals.forEach((f, j) => fo.set(f.obs, j * obsDim));
        const v = await this.actor.values(fo, finals.length);
        finals.forEach((f, j) => (r.truncValue[f.k] = v[j]!));
      }
    }
    for (let i = 0; i < N; i++) {
      r.nextObs.set(this.slots.obs(i), i * obsDim);
      const last = (T - 1) * N + i;
      r.nextDone[i] = r.terminated[last] || r.truncated[last] ? 1 : 0;
    }
    r.nextValue.set(await this.actor.values(r.nextObs, N));
    const t1 = performance.now();

    const metrics = this.learner.update(r);
    await this.swapPolicy();
    this.iter += 1;
    for (const e of episodes) this.recent.push(e.return);
    if (this.recent.length > 100) this.recent = this.recent.slice(-100);
    return { iteration: this.iter, envSteps: this.steps, metrics, episodes, mean100: this.mean100, rolloutMs: t1 - t0, learnMs: performance.now() - t1 };
  }

  private async swapPolicy(): Promise<void> {
    const { obsDim, nActions } = this.learner;
    const next = await OrtPolicy.create(this.learner.exportOnnx(), { obsDim, nActions, policyVersion: this.learner.policyVersion });
    await this.actor.setPolicy(next).release();
  }

  /** Current policy as ONNX bytes. */
  exportOnnx(): Uint8Array {
    return this.learner.exportOnnx();
  }

  /** Snapshot for a checkpoint (taken between iterations). */
  getState(): TrainerState {
    return {
      iteration: this.iter,
      envSteps: this.steps,
      learner: this.learner.getState(),
      envs: this.slots.getState(),
      actRng: this.actRng.getState(),
      recentReturns: [...this.recent],
    };
  }

  /** Continue from a snapshot; validates first (CheckpointError), then restores every part. */
  async setState(s: TrainerState, source = 'trainer state'): Promise<void> {
    if (!Number.isInteger(s.iteration) || s.iteration < 0 || !Number.isInteger(s.envSteps) || s.envSteps < 0 || !Array.isArray(s.recentReturns)) {
      throw new CheckpointError('bad trainer counters', source);
    }
    if (s.envs.length !== this.slots.size) throw new CheckpointError(`checkpoint has ${s.envs.length} envs, config has ${this.slots.size}`, source);
    if (!s.envs.every((e) => Number.isInteger(e?.episode) && Array.isArray(e.actions) && e.actions.every((a) => Number.isInteger(a)))) {
      throw new CheckpointError('env replay state must be {episode, actions: integer[]} per env', source);
    }
    this.learner.setState(s.learner, source);
    this.slots.setState(s.envs, source);
    try {
      this.actRng.setState(s.actRng);
    } catch (err) {
      throw new CheckpointError(`bad acting rng state: ${(err as Error).message}`, source, { cause: err });
    }
    this.iter = s.iteration;
    this.steps = s.envSteps;
    this.recent = s.recentReturns.slice(-100);
    await this.swapPolicy();
  }

  /** Total env steps this config runs for. */
  get totalSteps(): number {
    return this.options.config.totalTimesteps;
  }

  /** Env steps per iteration. */
  get stepsPerIteration(): number {
    return batchSize(this.options.config);
  }

  dispose(): void {
    this.learner.dispose();
  }
}
