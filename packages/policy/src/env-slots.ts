// The serial trainer's environments, stepped by VectorActor like the actor-runner's VectorEnv:
// one Env per agent, each episode reset with its own derived seed, and the actions since that
// reset remembered so a checkpoint can restore any env exactly by replaying them (works for every
// env that is deterministic given its reset seed).
// Must not: choose actions or know about policies; it only steps, resets and counts returns.
import type { Env, VectorStepInfo, VectorStepResult } from '@ala/envs';
import { deriveSeed } from '@ala/rl-core';
import { CheckpointError } from './errors';
import type { ActingEnv } from './vector-actor';

/** A finished episode. */
export interface EpisodeRecord {
  readonly agent: number;
  readonly return: number;
  readonly length: number;
  /** Total env steps (all agents) when it finished. */
  readonly envStep: number;
}

/** Per-env state in a checkpoint. */
export interface EnvSlotState {
  readonly episode: number;
  /** Actions taken since the episode's reset. */
  readonly actions: number[];
}

export class EnvSlots implements ActingEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly numActions: number;
  private readonly obsRows: Float32Array[];
  private readonly episode: number[];
  private readonly actions: number[][];
  private readonly ret: number[];

  constructor(
    readonly envs: readonly Env[],
    /** Run seed; episode e of env i is reset with deriveSeed(deriveSeed(seed, 1000 + i), e). */
    readonly seed: number,
  ) {
    const first = envs[0]!;
    this.numEnvs = envs.length;
    this.obsDim = first.observationSpace.shape.reduce((a, b) => a * b, 1);
    this.numActions = first.actionSpace.n;
    this.episode = envs.map(() => 0);
    this.actions = envs.map(() => []);
    this.ret = envs.map(() => 0);
    this.obsRows = envs.map((_, i) => this.resetEnv(i));
  }

  get size(): number {
    return this.envs.length;
  }

  private resetEnv(i: number): Float32Array {
    const seed = deriveSeed(deriveSeed(this.seed, 1000 + i), this.episode[i]!);
    this.actions[i] = [];
    this.ret[i] = 0;
    return Float32Array.from(this.envs[i]!.reset({ seed }).obs);
  }

  /** Current observations, [numEnvs][obsDim]. */
  observations(): Float32Array {
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    this.obsRows.forEach((row, i) => obs.set(row, i * this.obsDim));
    return obs;
  }

  /** Legal-action masks, [numEnvs][numActions] (1 = legal). */
  legalActionMasks(): Uint8Array {
    const out = new Uint8Array(this.numEnvs * this.numActions);
    this.envs.forEach((env, i) => out.set(env.legalActions(), i * this.numActions));
    return out;
  }

  /** Step every env; an ended episode is reset at once with its next seed (same-step autoreset). */
  step(actions: ArrayLike<number>): VectorStepResult {
    const n = this.numEnvs;
    const rewards = new Float64Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const infos: VectorStepInfo[] = new Array<VectorStepInfo>(n);
    for (let i = 0; i < n; i++) {
      const action = actions[i]!;
      const r = this.envs[i]!.step(action);
      this.actions[i]!.push(action);
      this.ret[i]! += r.reward;
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      if (!r.terminated && !r.truncated) {
        this.obsRows[i] = Float32Array.from(r.obs);
        infos[i] = r.info;
        continue;
      }
      const episode = { return: this.ret[i]!, length: this.actions[i]!.length };
      this.episode[i]! += 1;
      this.obsRows[i] = this.resetEnv(i);
      infos[i] = { finalObs: Float32Array.from(r.obs), finalInfo: r.info, episode };
    }
    return { obs: this.observations(), rewards, terminated, truncated, infos };
  }

  getState(): EnvSlotState[] {
    return this.envs.map((_, i) => ({ episode: this.episode[i]!, actions: [...this.actions[i]!] }));
  }

  /** Restore by resetting each env with its episode seed and replaying the recorded actions. */
  setState(states: readonly EnvSlotState[], source = 'env state'): void {
    if (states.length !== this.envs.length) throw new CheckpointError(`checkpoint has ${states.length} envs, trainer has ${this.envs.length}`, source);
    states.forEach((s, i) => {
      if (!Number.isInteger(s.episode) || s.episode < 0 || !Array.isArray(s.actions)) throw new CheckpointError(`env ${i}: bad episode/actions`, source);
      this.episode[i] = s.episode;
      let obs = this.resetEnv(i);
      for (const a of s.actions) {
        const r = this.envs[i]!.step(a);
        if (r.terminated || r.truncated)
          throw new CheckpointError(`env ${i}: replay ended the episode early; the env is not deterministic given its seed`, source);
        this.actions[i]!.push(a);
        this.ret[i]! += r.reward;
        obs = Float32Array.from(r.obs);
      }
      this.obsRows[i] = obs;
    });
  }
}
