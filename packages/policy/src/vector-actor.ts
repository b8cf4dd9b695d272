// Acting for a vector of agents, the one acting stack of ALA: the actor-runner service and the
// serial trainer (`ala train`) both drive it, as Sample Factory's serial mode drives the code its
// workers run. A step is one batched ONNX Runtime call, the live bias of each agent applied
// through @ala/rl-core actBatch (μ = softmax(z + βb), optional KL budget), the behaviour fields
// recorded into a ChunkBuilder, the envs stepped, V(final obs) bootstrapped for time-limit
// truncations, and every `chunkSteps` steps a complete chunk with V(s_T).
// Must not: touch the bus, wait for advice, build snapshots (the caller's onForward does), or
// swap the policy mid-step.
import type { VectorStepResult } from '@ala/envs';
import type { TrajectoryChunk } from '@ala/protocol';
import { actBatch, type ActBatchOutput, type Rng } from '@ala/rl-core';
import { ChunkBuilder } from './chunk-builder';
import { OnnxError } from './errors';
import type { OrtPolicy } from './ort-policy';

/**
 * What acting needs of the envs: @ala/envs VectorEnv, AsyncVectorEnv (server-backed envs: `step`
 * returns a promise, awaited only then), or the serial trainer's EnvSlots.
 */
export interface ActingEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly numActions: number;
  /** [numEnvs][numActions], 1 = legal. */
  legalActionMasks(): Uint8Array;
  /**
   * Same-step autoreset: `infos[i]` has `episode` and `finalObs` when agent i's episode ended. A
   * truncated row with `finalObs` is bootstrapped from V(finalObs), with or without `episode`.
   */
  step(actions: ArrayLike<number>): VectorStepResult | Promise<VectorStepResult>;
}

/** The live advice of one step (the actor-runner's BiasTable). */
export interface LiveAdvice {
  /** Bias b, [nAgents][nActions]; rows of inactive agents are ignored. */
  readonly bias: ArrayLike<number>;
  /** 1 where agent i has a live bias, [nAgents]. */
  readonly active: ArrayLike<number>;
  /** Age in ms of each live bias, [nAgents]. */
  readonly ageMs: ArrayLike<number>;
  /** Called once the biases were applied (before the envs step). */
  markApplied(): void;
}

export interface VectorActorOptions {
  /** Written into each chunk. */
  readonly actorId: string;
  /** Bias strength β of μ = softmax(z + βb). */
  readonly beta: number;
  /** KL budget ε per step; 0 or absent = off. */
  readonly klBudget?: number;
  /** Steps per chunk (T). */
  readonly chunkSteps: number;
}

/** The policy's view of the current step, before any bias. */
export interface PolicyForward {
  /** Observations the agents act on, [nAgents][obsDim]. */
  readonly obs: Float32Array;
  /** Legal-action masks, [nAgents][nActions]. */
  readonly legal: Uint8Array;
  /** Logits z, [nAgents][nActions]. */
  readonly logits: Float32Array;
  /** V(s), [nAgents]. */
  readonly value: Float32Array;
  /** Version of the policy that produced them. */
  readonly policyVersion: number;
}

/** An episode that ended at this step. */
export interface EpisodeEnd {
  readonly agent: number;
  readonly return: number;
  readonly length: number;
}

export interface ActingStep {
  /** A complete trajectory chunk, when this step filled one. */
  readonly chunk?: TrajectoryChunk;
  /** Episodes that ended at this step, in agent order. */
  readonly episodes: EpisodeEnd[];
  /** Agents that acted with a live bias. */
  readonly advised: number;
}

export class VectorActor {
  private readonly out: ActBatchOutput;
  private readonly builder: ChunkBuilder;
  /** This actor's warm start of the KL-budget search (rl-core's module-level one is shared by every caller in the thread). */
  private readonly klWarm: Float64Array;

  constructor(
    private readonly env: ActingEnv,
    private policy: OrtPolicy,
    private policyVersion: number,
    private readonly opts: VectorActorOptions,
    private readonly rng: Rng,
    /** Observations after the envs' reset, [nAgents][obsDim]. */
    private obs: Float32Array,
  ) {
    const n = env.numEnvs;
    this.out = { action: new Int32Array(n), logpMu: new Float64Array(n), logpPk: new Float64Array(n), biasTaken: new Float64Array(n) };
    this.builder = new ChunkBuilder(opts.actorId, opts.chunkSteps, n, env.obsDim, env.numActions);
    this.klWarm = new Float64Array(n);
  }

  /** Version acting now. */
  get version(): number {
    return this.policyVersion;
  }

  /** Observations the next step acts on, [nAgents][obsDim]. */
  get observations(): Float32Array {
    return this.obs;
  }

  /** Continue from other observations (envs restored from a checkpoint); only between chunks. */
  restart(obs: Float32Array): void {
    if (this.builder.steps !== 0) throw new RangeError(`restart in the middle of a chunk (${this.builder.steps} steps recorded)`);
    this.obs = obs;
  }

  /** Swap the policy (between steps only); returns the previous one for the caller to release. */
  setPolicy(next: OrtPolicy, version: number): OrtPolicy {
    if (next.obsDim !== this.policy.obsDim || next.nActions !== this.policy.nActions) {
      throw new OnnxError(`new policy is ${next.obsDim}->${next.nActions}, actor needs ${this.policy.obsDim}->${this.policy.nActions}`, 'session');
    }
    const prev = this.policy;
    this.policy = next;
    this.policyVersion = version;
    return prev;
  }

  /** Free the policy in use (on stop; the object must not step afterwards). */
  async release(): Promise<void> {
    await this.policy.release();
  }

  /**
   * One step for all agents: legal masks and one batched policy call, then `onForward` (awaited when it returns a promise; e.g. the
   * actor-runner's snapshots, which read π before any bias), then μ = softmax(z + βb), the chunk
   * row, the env step, the truncation bootstrap and, every chunkSteps steps, the chunk.
   */
  async step(advice?: LiveAdvice, onForward?: (f: PolicyForward) => unknown): Promise<ActingStep> {
    const env = this.env;
    const n = env.numEnvs;
    const policy = this.policy;
    const policyVersion = this.policyVersion;
    const legal = env.legalActionMasks();
    const { logits, value } = await policy.run(this.obs, n);
    const forwarded = onForward?.({ obs: this.obs, legal, logits, value, policyVersion });
    if (forwarded instanceof Promise) await forwarded; // async envs' descriptions; a sync callback costs no await
    const active = advice?.active;
    let advised = 0;
    if (active !== undefined) for (let i = 0; i < n; i++) advised += active[i]!;

    // μ = softmax(z + βb) for advised agents, π otherwise; exact behaviour log-probs recorded
    const klBudget = this.opts.klBudget ?? 0;
    actBatch({
      logits,
      bias: advised > 0 ? advice!.bias : undefined,
      biasActive: active,
      beta: this.opts.beta,
      mask: legal.includes(0) ? legal : undefined, // an all-legal mask changes nothing and costs a load per action
      ...(klBudget > 0 ? { klBudget, klWarmStart: this.klWarm } : {}),
      nAgents: n,
      nActions: env.numActions,
      rng: this.rng,
      out: this.out,
    });
    advice?.markApplied();
    this.builder.beginStep(this.obs, legal);
    const stepped = env.step(this.out.action);
    const r = stepped instanceof Promise ? await stepped : stepped; // no extra await for a synchronous VectorEnv
    const episodes: EpisodeEnd[] = [];
    const truncatedAgents: number[] = [];
    for (let i = 0; i < n; i++) {
      const isAdvised = active !== undefined && active[i] === 1;
      this.builder.record(i, {
        action: this.out.action[i]!,
        reward: r.rewards[i]!,
        terminated: r.terminated[i] === 1,
        truncated: r.truncated[i] === 1,
        value: value[i]!,
        logpMu: this.out.logpMu[i]!,
        logpPk: this.out.logpPk[i]!,
        policyVersion,
        advised: isAdvised,
        biasTaken: isAdvised ? this.out.biasTaken[i]! : 0,
        adviceAgeMs: isAdvised ? advice!.ageMs[i]! : 0,
      });
      const info = r.infos[i];
      const ep = info?.episode;
      if (ep !== undefined) episodes.push({ agent: i, return: ep.return, length: ep.length });
      if (r.truncated[i] === 1 && r.terminated[i] === 0 && info?.finalObs !== undefined) truncatedAgents.push(i);
    }
    // Time-limit truncation: bootstrap from V(final obs), one batched call for all of them
    if (truncatedAgents.length > 0) {
      const fo = new Float32Array(truncatedAgents.length * env.obsDim);
      truncatedAgents.forEach((i, j) => fo.set(r.infos[i]!.finalObs!, j * env.obsDim));
      const v = (await policy.run(fo, truncatedAgents.length)).value;
      truncatedAgents.forEach((i, j) => this.builder.setTruncValue(i, v[j]!));
    }
    this.builder.endStep();
    this.obs = r.obs;
    let chunk: TrajectoryChunk | undefined;
    if (this.builder.full) {
      const nextValue = (await policy.run(this.obs, n)).value;
      chunk = this.builder.finish(this.obs, nextValue);
    }
    return { ...(chunk ? { chunk } : {}), episodes, advised };
  }
}
