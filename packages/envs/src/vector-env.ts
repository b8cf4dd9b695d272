// N copies of an env stepped together, with Gymnasium's "same-step" autoreset and episode
// statistics, exposing flat Float32Array batches for one batched policy call.
//
// Autoreset semantics (Gymnasium AutoresetMode.SAME_STEP): when env i terminates or truncates at
// a step, it is reset inside that same `step` call. The returned `obs` row i is then the FIRST
// observation of the next episode, `terminated[i]`/`truncated[i]` describe the episode that just
// ended, and `infos[i]` carries `finalObs` (the last observation of the ended episode, needed for
// V(finalObs) bootstrapping on truncation), `finalInfo`, and `episode: { return, length }`.
// Seeding: `reset({ seed })` seeds env i with `seed + i`; autoresets continue each env's stream.
// This module must not know about any concrete env.
import { hasPortableState, type Env, type EnvInfo, type ResetArgs } from './env';
import { EnvError, InvalidActionError, InvalidOptionError } from './errors';
import { toSeedBigInt } from './numpy-random';
import { makeEnv } from './registry';
import { sharedSpaces, type BoxSpace, type DiscreteSpace } from './spaces';

/** Statistics of one finished episode. */
export interface EpisodeStats {
  /** Undiscounted sum of rewards. */
  readonly return: number;
  /** Number of steps. */
  readonly length: number;
}

/** `infos[i]` of a vector step: the env's own info, plus the autoreset fields when its episode ended. */
export interface VectorStepInfo extends EnvInfo {
  finalObs?: Float32Array;
  finalInfo?: EnvInfo;
  episode?: EpisodeStats;
}

export interface VectorResetResult {
  /** [numEnvs * obsDim], row-major. */
  readonly obs: Float32Array;
  readonly infos: EnvInfo[];
}

export interface VectorStepResult {
  /** [numEnvs * obsDim]; rows of ended episodes hold the first obs of the next episode. */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  /** 1 where the episode terminated at this step. */
  readonly terminated: Uint8Array;
  /** 1 where the episode was truncated at this step. */
  readonly truncated: Uint8Array;
  readonly infos: VectorStepInfo[];
}

export class VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly numActions: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  private readonly episodeReturn: Float64Array;
  private readonly episodeLength: Int32Array;
  private started = false;

  /** Wraps existing envs (same spaces required). */
  constructor(readonly envs: readonly Env[]) {
    const spaces = sharedSpaces(envs, 'VectorEnv');
    this.numEnvs = envs.length;
    this.singleObservationSpace = spaces.observationSpace;
    this.singleActionSpace = spaces.actionSpace;
    this.obsDim = spaces.obsDim;
    this.numActions = spaces.numActions;
    this.episodeReturn = new Float64Array(this.numEnvs);
    this.episodeLength = new Int32Array(this.numEnvs);
  }

  /** `numEnvs` fresh copies of a registered env. */
  static make(id: string, numEnvs: number, options: object = {}): VectorEnv {
    if (!Number.isSafeInteger(numEnvs) || numEnvs < 1) throw new InvalidOptionError('numEnvs', numEnvs, 'numEnvs must be a positive integer');
    return new VectorEnv(Array.from({ length: numEnvs }, () => makeEnv(id, options)));
  }

  /** Resets every env; with a seed, env i gets `seed + i`. */
  reset(args: ResetArgs = {}): VectorResetResult {
    const base = args.seed === undefined ? undefined : toSeedBigInt(args.seed);
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    const infos: EnvInfo[] = [];
    this.envs.forEach((env, i) => {
      const r = env.reset({ ...(base === undefined ? {} : { seed: base + BigInt(i) }), ...(args.options ? { options: args.options } : {}) });
      obs.set(r.obs, i * this.obsDim);
      infos.push(r.info);
    });
    this.episodeReturn.fill(0);
    this.episodeLength.fill(0);
    this.started = true;
    return { obs, infos };
  }

  /** Steps every env with `actions[i]`; all actions are validated before any env moves. */
  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw new EnvError('VectorEnv: call reset() before step()');
    if (actions.length !== this.numEnvs) {
      throw new InvalidActionError('vector', actions, `expected ${this.numEnvs} actions, got ${actions.length}`);
    }
    for (let i = 0; i < this.numEnvs; i++) {
      const a = actions[i];
      const env = this.envs[i]!;
      if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= this.numActions || env.legalActions()[a] !== 1) {
        throw new InvalidActionError(env.id, a, `action ${String(a)} for env ${i} is not a legal action`);
      }
    }
    const n = this.numEnvs;
    const obs = new Float32Array(n * this.obsDim);
    const rewards = new Float64Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const infos: VectorStepInfo[] = new Array<VectorStepInfo>(n);
    for (let i = 0; i < n; i++) {
      const env = this.envs[i]!;
      const r = env.step(actions[i]!);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      this.episodeReturn[i]! += r.reward;
      this.episodeLength[i]! += 1;
      if (r.terminated || r.truncated) {
        const episode = { return: this.episodeReturn[i]!, length: this.episodeLength[i]! };
        const next = env.reset();
        obs.set(next.obs, i * this.obsDim);
        infos[i] = { ...next.info, finalObs: r.obs, finalInfo: r.info, episode };
        this.episodeReturn[i] = 0;
        this.episodeLength[i] = 0;
      } else {
        obs.set(r.obs, i * this.obsDim);
        infos[i] = r.info;
      }
    }
    return { obs, rewards, terminated, truncated, infos };
  }

  /** Legal-action masks of every env, [numEnvs * numActions], 1 = legal. */
  legalActionMasks(): Uint8Array {
    const out = new Uint8Array(this.numEnvs * this.numActions);
    this.envs.forEach((env, i) => out.set(env.legalActions(), i * this.numActions));
    return out;
  }

  /** Text description of env i, for an advisor. */
  describe(i: number): string {
    const env = this.envs[i];
    if (!env) throw new InvalidOptionError('index', i, `env index must be in [0, ${this.numEnvs})`);
    return env.describe();
  }

  /** Portable state bytes of env i (see PortableStateEnv), or undefined when that env has none. */
  exportState(i: number): Uint8Array | undefined {
    const env = this.envs[i];
    if (!env) throw new InvalidOptionError('index', i, `env index must be in [0, ${this.numEnvs})`);
    return hasPortableState(env) ? env.exportState() : undefined;
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}
