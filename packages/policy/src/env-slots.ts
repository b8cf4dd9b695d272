// The serial trainer's environments: one Env per agent, each episode reset with its own derived
// seed, and the actions since that reset remembered so a checkpoint can restore any env exactly
// by replaying them (works for every env that is deterministic given its reset seed).
// Must not: choose actions or know about policies; it only steps, resets and records episodes.
import { deriveSeed } from '@ala/rl-core';
import type { Env } from '@ala/envs';
import { CheckpointError } from './errors';

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

/** Outcome of one agent's step (the obs returned by `obs(i)` is the next one to act on). */
export interface SlotStep {
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  /** Last observation of the ended episode (before the automatic reset), when it ended. */
  readonly finalObs?: Float32Array;
}

export class EnvSlots {
  private readonly obsRows: Float32Array[];
  private readonly episode: number[];
  private readonly actions: number[][];
  private readonly ret: number[];

  constructor(
    readonly envs: readonly Env[],
    /** Run seed; episode e of env i is reset with deriveSeed(deriveSeed(seed, 1000 + i), e). */
    readonly seed: number,
  ) {
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

  /** Current observation of agent i. */
  obs(i: number): Float32Array {
    return this.obsRows[i]!;
  }

  /** Legal-action mask of agent i (1 = legal). */
  legal(i: number): Uint8Array {
    return this.envs[i]!.legalActions();
  }

  /** Step agent i; on episode end, record it and reset with the next episode's seed. */
  step(i: number, action: number, envStep: number, finished: EpisodeRecord[]): SlotStep {
    const r = this.envs[i]!.step(action);
    this.actions[i]!.push(action);
    this.ret[i]! += r.reward;
    if (!r.terminated && !r.truncated) {
      this.obsRows[i] = Float32Array.from(r.obs);
      return { reward: r.reward, terminated: false, truncated: false };
    }
    finished.push({ agent: i, return: this.ret[i]!, length: this.actions[i]!.length, envStep });
    this.episode[i]! += 1;
    this.obsRows[i] = this.resetEnv(i);
    return { reward: r.reward, terminated: r.terminated, truncated: r.truncated, finalObs: Float32Array.from(r.obs) };
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
        if (r.terminated || r.truncated) throw new CheckpointError(`env ${i}: replay ended the episode early; the env is not deterministic given its seed`, source);
        this.actions[i]!.push(a);
        this.ret[i]! += r.reward;
        obs = Float32Array.from(r.obs);
      }
      this.obsRows[i] = obs;
    });
  }
}
