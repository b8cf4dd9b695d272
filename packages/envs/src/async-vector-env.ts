// VectorEnv for asynchronous envs (server-backed envs, remote envs over the bridge, or a mix with
// local ones): the N envs are stepped concurrently (one round trip of latency per batch, not N),
// with the same same-step autoreset, `finalObs`/`episode` infos and flat Float32Array batches as
// VectorEnv (see vector-env.ts for the semantics). What acting reads between steps is captured at
// the end of each reset/step so it is synchronous: the legal masks, and each env's exported state
// (an env's own synchronous `exportState()`); `describe(i)` asks the env.
// With `onEnvError: 'truncate'` an env whose step or reset fails (timeout, disconnect) does not
// fail the batch: its episode ends as truncated (`finalObs` = its last observation, `envError` in
// the info), it is reset, and while a reset keeps failing it is "down": its rows are truncated
// with reward 0 and its last observation, and a reset is retried every `resetRetryMs`.
// Must not know any concrete env.
import type { AsyncEnv, Env, EnvInfo, ResetArgs, ResetResult } from './env';
import { EnvError, InvalidActionError, InvalidOptionError } from './errors';
import { toSeedBigInt } from './numpy-random';
import { sharedSpaces, type BoxSpace, type DiscreteSpace } from './spaces';
import type { EpisodeStats, VectorResetResult, VectorStepInfo, VectorStepResult } from './vector-env';

export interface AsyncVectorEnvOptions {
  /** 'throw' (default): a failing env rejects the whole reset/step; 'truncate': it ends that env's episode (see the header). */
  readonly onEnvError?: 'throw' | 'truncate';
  /** Least time between reset attempts of a down env, ms (default 1000). */
  readonly resetRetryMs?: number;
  /** Monotonic clock, ms (default performance.now). */
  readonly now?: () => number;
  /** Told of every failure absorbed in 'truncate' mode (e.g. to log it). */
  readonly onFailure?: (index: number, phase: 'step' | 'reset', err: unknown) => void;
}

/** Failures absorbed in 'truncate' mode since construction. */
export interface EnvFailureCounts {
  /** Steps that threw or timed out (each ended its episode). */
  step: number;
  /** Resets that failed (the env stayed down until one succeeded). */
  reset: number;
}

type AnyEnv = AsyncEnv | Env;
type WithExport = { exportState(): Uint8Array };
const hasExport = (env: AnyEnv): env is AnyEnv & WithExport => typeof (env as Partial<WithExport>).exportState === 'function';
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class AsyncVectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly numActions: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  private readonly episodeReturn: Float64Array;
  private readonly episodeLength: Int32Array;
  /** Legal masks captured after the last reset/step, [numEnvs * numActions]. */
  private readonly masks: Uint8Array;
  private readonly lastObs: Float32Array[];
  private readonly down: Uint8Array;
  private readonly nextRetry: Float64Array;
  private readonly failures: EnvFailureCounts = { step: 0, reset: 0 };
  private readonly truncate: boolean;
  private readonly retryMs: number;
  private readonly now: () => number;
  private started = false;
  private busy = false;

  constructor(
    readonly envs: readonly AnyEnv[],
    private readonly opts: AsyncVectorEnvOptions = {},
  ) {
    const spaces = sharedSpaces(envs, 'AsyncVectorEnv');
    this.numEnvs = envs.length;
    this.singleObservationSpace = spaces.observationSpace;
    this.singleActionSpace = spaces.actionSpace;
    this.obsDim = spaces.obsDim;
    this.numActions = spaces.numActions;
    this.episodeReturn = new Float64Array(this.numEnvs);
    this.episodeLength = new Int32Array(this.numEnvs);
    this.masks = new Uint8Array(this.numEnvs * this.numActions).fill(1);
    this.lastObs = envs.map(() => new Float32Array(this.obsDim));
    this.down = new Uint8Array(this.numEnvs);
    this.nextRetry = new Float64Array(this.numEnvs);
    const retry = opts.resetRetryMs ?? 1000;
    if (!(retry >= 0)) throw new InvalidOptionError('resetRetryMs', retry, 'resetRetryMs must be a number >= 0');
    this.truncate = (opts.onEnvError ?? 'throw') === 'truncate';
    this.retryMs = retry;
    this.now = opts.now ?? (() => performance.now());
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

  /** Resets env i and captures its observation and legal mask. */
  private async resetOne(i: number, args: ResetArgs): Promise<ResetResult> {
    const env = this.envs[i]!;
    const r = await env.reset(args);
    this.masks.set(await env.legalActions(), i * this.numActions);
    this.lastObs[i] = r.obs;
    this.down[i] = 0;
    return r;
  }

  /** Resets every env concurrently; with a seed, env i gets `seed + i`. Any failure rejects (nothing has run yet). */
  reset(args: ResetArgs = {}): Promise<VectorResetResult> {
    return this.exclusive(async () => {
      const base = args.seed === undefined ? undefined : toSeedBigInt(args.seed);
      const results = await Promise.all(
        this.envs.map((_, i) =>
          this.resetOne(i, { ...(base === undefined ? {} : { seed: base + BigInt(i) }), ...(args.options ? { options: args.options } : {}) }),
        ),
      );
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
      const n = this.numEnvs;
      const A = this.numActions;
      if (actions.length !== n) throw new InvalidActionError('vector', actions, `expected ${n} actions, got ${actions.length}`);
      for (let i = 0; i < n; i++) {
        const a = actions[i];
        if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= A || (this.down[i] === 0 && this.masks[i * A + a] !== 1)) {
          throw new InvalidActionError(this.envs[i]!.id, a, `action ${String(a)} for env ${i} is not a legal action`);
        }
      }
      const obs = new Float32Array(n * this.obsDim);
      const rewards = new Float64Array(n);
      const terminated = new Uint8Array(n);
      const truncated = new Uint8Array(n);
      const infos = await Promise.all(
        this.envs.map((_, i) =>
          this.down[i] === 1
            ? this.retryDown(i, obs, truncated)
            : this.stepOne(i, actions[i]!, obs, rewards, terminated, truncated).catch((err: unknown) => this.failStep(i, err, obs, truncated)),
        ),
      );
      return { obs, rewards, terminated, truncated, infos };
    });
  }

  private async stepOne(
    i: number,
    action: number,
    obs: Float32Array,
    rewards: Float64Array,
    terminated: Uint8Array,
    truncated: Uint8Array,
  ): Promise<VectorStepInfo> {
    const env = this.envs[i]!;
    const r = await env.step(action);
    this.episodeReturn[i] = this.episodeReturn[i]! + r.reward;
    this.episodeLength[i] = this.episodeLength[i]! + 1;
    if (!r.terminated && !r.truncated) {
      this.masks.set(await env.legalActions(), i * this.numActions);
      this.lastObs[i] = r.obs;
      rewards[i] = r.reward;
      obs.set(r.obs, i * this.obsDim);
      return r.info;
    }
    // the step itself succeeded: its reward and flags stand even if the autoreset fails
    rewards[i] = r.reward;
    terminated[i] = r.terminated ? 1 : 0;
    truncated[i] = r.truncated ? 1 : 0;
    const episode = this.endEpisode(i);
    this.lastObs[i] = r.obs;
    let next: ResetResult;
    try {
      next = await this.resetOne(i, {});
    } catch (err) {
      if (!this.truncate) throw err;
      this.markDown(i, 'reset', err);
      obs.set(r.obs, i * this.obsDim);
      return { finalObs: r.obs, finalInfo: r.info, episode, envError: message(err), envDown: true };
    }
    obs.set(next.obs, i * this.obsDim);
    return { ...next.info, finalObs: r.obs, finalInfo: r.info, episode };
  }

  /** 'truncate' mode: env i's step failed; its episode ends truncated at its last observation and it is reset (or goes down). */
  private async failStep(i: number, err: unknown, obs: Float32Array, truncated: Uint8Array): Promise<VectorStepInfo> {
    if (!this.truncate) throw err;
    this.failures.step += 1;
    this.opts.onFailure?.(i, 'step', err);
    const finalObs = this.lastObs[i]!;
    const length = this.episodeLength[i]!;
    const episode = this.endEpisode(i);
    truncated[i] = 1;
    const ended = { finalObs, envError: message(err), ...(length > 0 ? { episode } : {}) };
    try {
      const next = await this.resetOne(i, {});
      obs.set(next.obs, i * this.obsDim);
      return { ...next.info, ...ended };
    } catch (resetErr) {
      this.markDown(i, 'reset', resetErr);
      obs.set(finalObs, i * this.obsDim);
      return { ...ended, envDown: true };
    }
  }

  /** A down env: a truncated row at its last observation, and a reset when the retry time has come. */
  private async retryDown(i: number, obs: Float32Array, truncated: Uint8Array): Promise<VectorStepInfo> {
    const finalObs = this.lastObs[i]!;
    truncated[i] = 1;
    if (this.now() >= this.nextRetry[i]!) {
      try {
        const next = await this.resetOne(i, {});
        obs.set(next.obs, i * this.obsDim);
        return { ...next.info, finalObs, envDown: true };
      } catch (err) {
        this.markDown(i, 'reset', err);
      }
    }
    obs.set(finalObs, i * this.obsDim);
    return { finalObs, envDown: true };
  }

  private markDown(i: number, phase: 'reset', err: unknown): void {
    this.failures[phase] += 1;
    this.opts.onFailure?.(i, phase, err);
    this.down[i] = 1;
    this.nextRetry[i] = this.now() + this.retryMs;
  }

  private endEpisode(i: number): EpisodeStats {
    const episode = { return: this.episodeReturn[i]!, length: this.episodeLength[i]! };
    this.episodeReturn[i] = 0;
    this.episodeLength[i] = 0;
    return episode;
  }

  /** Legal-action masks captured after the last reset/step, [numEnvs * numActions] (a copy). */
  legalActionMasks(): Uint8Array {
    return this.masks.slice();
  }

  /** Text description of env i, for an advisor. */
  describe(i: number): Promise<string> {
    return Promise.resolve(this.at(i).describe());
  }

  /**
   * Portable state bytes of env i as captured by its last reset/step (the env's own synchronous
   * `exportState()`), or undefined when it has none or is down.
   */
  exportState(i: number): Uint8Array | undefined {
    const env = this.at(i);
    return this.down[i] === 0 && hasExport(env) ? env.exportState() : undefined;
  }

  /** False while env i is down (its last step or reset failed). */
  healthy(i: number): boolean {
    this.at(i);
    return this.down[i] === 0;
  }

  /** Failures absorbed in 'truncate' mode since construction. */
  failureCounts(): EnvFailureCounts {
    return { ...this.failures };
  }

  private at(i: number): AnyEnv {
    const env = this.envs[i];
    if (!env) throw new InvalidOptionError('index', i, `env index must be in [0, ${this.numEnvs})`);
    return env;
  }

  /** Closes every env (all of them, even when one fails; the first failure is thrown). */
  async close(): Promise<void> {
    const settled = await Promise.allSettled(this.envs.map((env) => Promise.resolve(env.close())));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
