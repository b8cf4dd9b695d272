// VectorEnv for asynchronous envs (remote envs over the bridge, or a mix with local ones): the
// N envs are stepped concurrently (one round trip of latency per batch, not N), with the same
// same-step autoreset, `finalObs`/`episode` infos and flat Float32Array batches as VectorEnv
// (see vector-env.ts for the semantics). Must not know any concrete env.
import type { AsyncEnv, Env, EnvInfo, ResetArgs } from './env';
import { EnvError, InvalidActionError } from './errors';
import { toSeedBigInt } from './numpy-random';
import { sharedSpaces, type BoxSpace, type DiscreteSpace } from './spaces';
import type { VectorResetResult, VectorStepInfo, VectorStepResult } from './vector-env';

export class AsyncVectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly numActions: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  private readonly episodeReturn: Float64Array;
  private readonly episodeLength: Int32Array;
  private started = false;
  private busy = false;

  constructor(readonly envs: readonly (AsyncEnv | Env)[]) {
    const spaces = sharedSpaces(envs, 'AsyncVectorEnv');
    this.numEnvs = envs.length;
    this.singleObservationSpace = spaces.observationSpace;
    this.singleActionSpace = spaces.actionSpace;
    this.obsDim = spaces.obsDim;
    this.numActions = spaces.numActions;
    this.episodeReturn = new Float64Array(this.numEnvs);
    this.episodeLength = new Int32Array(this.numEnvs);
  }

  private async exclusive<T>(f: () => Promise<T>): Promise<T> {
    if (this.busy) throw new EnvError('AsyncVectorEnv: a reset/step is already in flight; await it first');
    this.busy = true;
    try {
      return await f();
    } finally {
      this.busy = false;
    }
  }

  /** Resets every env concurrently; with a seed, env i gets `seed + i`. */
  reset(args: ResetArgs = {}): Promise<VectorResetResult> {
    return this.exclusive(async () => {
      const base = args.seed === undefined ? undefined : toSeedBigInt(args.seed);
      const results = await Promise.all(this.envs.map((env, i) => Promise.resolve(env.reset(base === undefined ? {} : { seed: base + BigInt(i) }))));
      const obs = new Float32Array(this.numEnvs * this.obsDim);
      results.forEach((r, i) => obs.set(r.obs, i * this.obsDim));
      this.episodeReturn.fill(0);
      this.episodeLength.fill(0);
      this.started = true;
      return { obs, infos: results.map((r): EnvInfo => r.info) };
    });
  }

  /** Steps every env concurrently; all actions are validated (range and legality) before any env moves. */
  step(actions: ArrayLike<number>): Promise<VectorStepResult> {
    return this.exclusive(async () => {
      if (!this.started) throw new EnvError('AsyncVectorEnv: call reset() before step()');
      if (actions.length !== this.numEnvs) throw new InvalidActionError('vector', actions, `expected ${this.numEnvs} actions, got ${actions.length}`);
      const masks = await Promise.all(this.envs.map((env) => Promise.resolve(env.legalActions())));
      for (let i = 0; i < this.numEnvs; i++) {
        const a = actions[i];
        if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= this.numActions || masks[i]![a] !== 1) {
          throw new InvalidActionError(this.envs[i]!.id, a, `action ${String(a)} for env ${i} is not a legal action`);
        }
      }
      const n = this.numEnvs;
      const obs = new Float32Array(n * this.obsDim);
      const rewards = new Float64Array(n);
      const terminated = new Uint8Array(n);
      const truncated = new Uint8Array(n);
      const infos = await Promise.all(
        this.envs.map(async (env, i): Promise<VectorStepInfo> => {
          const r = await env.step(actions[i]!);
          rewards[i] = r.reward;
          terminated[i] = r.terminated ? 1 : 0;
          truncated[i] = r.truncated ? 1 : 0;
          this.episodeReturn[i] = this.episodeReturn[i]! + r.reward;
          this.episodeLength[i] = this.episodeLength[i]! + 1;
          if (!r.terminated && !r.truncated) {
            obs.set(r.obs, i * this.obsDim);
            return r.info;
          }
          const episode = { return: this.episodeReturn[i]!, length: this.episodeLength[i]! };
          this.episodeReturn[i] = 0;
          this.episodeLength[i] = 0;
          const next = await env.reset();
          obs.set(next.obs, i * this.obsDim);
          return { ...next.info, finalObs: r.obs, finalInfo: r.info, episode };
        }),
      );
      return { obs, rewards, terminated, truncated, infos };
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.envs.map((env) => Promise.resolve(env.close())));
  }
}
