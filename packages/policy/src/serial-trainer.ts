// Serial PPO training in one process, no bus: VectorActor (the acting and chunk-building code the
// actor-runner service runs) fills one TrajectoryChunk of numSteps x numEnvs, the Learner updates
// on it, the new policy is exported to ONNX and swapped into the actor. `ala train` and the
// benchmarks drive it.
// Must not: write files, print, or install signal handlers (the CLI does that).
import { makeEnv, type Env } from '@ala/envs';
import type { TrajectoryChunk } from '@ala/protocol';
import { rngSplit, type RngState } from '@ala/rl-core';
import { EnvSlots, type EnvSlotState, type EpisodeRecord } from './env-slots';
import { CheckpointError } from './errors';
import { Learner, type LearnerState } from './learner';
import type { UpdateMetrics } from './metrics';
import { OrtPolicy } from './ort-policy';
import { batchSize, type PpoConfig } from './ppo-config';
import { VectorActor } from './vector-actor';

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

  private constructor(
    readonly options: SerialTrainerOptions,
    readonly learner: Learner,
    private readonly actor: VectorActor,
    private readonly slots: EnvSlots,
    private readonly actRng: ReturnType<typeof rngSplit>,
  ) {}

  static async create(options: SerialTrainerOptions): Promise<SerialTrainer> {
    const { config, seed } = options;
    const factory = options.makeEnv ?? makeEnv;
    const slots = new EnvSlots(
      Array.from({ length: config.numEnvs }, () => factory(options.envId, options.envOptions ?? {})),
      seed,
    );
    const { obsDim, numActions: nActions } = slots;
    const learner = await Learner.create({ obsDim, nActions, config, seed });
    const policy = await OrtPolicy.create(learner.exportOnnx(), { obsDim, nActions, policyVersion: learner.policyVersion });
    const actRng = rngSplit(seed, 2);
    const actor = new VectorActor(
      slots,
      policy,
      learner.policyVersion,
      { actorId: 'serial', beta: config.beta, chunkSteps: config.numSteps },
      actRng,
      slots.observations(),
    );
    return new SerialTrainer(options, learner, actor, slots, actRng);
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
    const episodes: EpisodeRecord[] = [];
    let chunk: TrajectoryChunk | undefined;
    while (chunk === undefined) {
      const stepsBefore = this.steps;
      const r = await this.actor.step();
      this.steps += this.slots.numEnvs;
      for (const e of r.episodes) episodes.push({ ...e, envStep: stepsBefore + e.agent + 1 });
      chunk = r.chunk;
    }
    const t1 = performance.now();

    const metrics = this.learner.update(chunk);
    await this.swapPolicy();
    this.iter += 1;
    for (const e of episodes) this.recent.push(e.return);
    if (this.recent.length > 100) this.recent = this.recent.slice(-100);
    return { iteration: this.iter, envSteps: this.steps, metrics, episodes, mean100: this.mean100, rolloutMs: t1 - t0, learnMs: performance.now() - t1 };
  }

  private async swapPolicy(): Promise<void> {
    const { obsDim, nActions } = this.learner;
    const next = await OrtPolicy.create(this.learner.exportOnnx(), { obsDim, nActions, policyVersion: this.learner.policyVersion });
    await this.actor.setPolicy(next, this.learner.policyVersion).release();
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
    this.actor.restart(this.slots.observations());
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
