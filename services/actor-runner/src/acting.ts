// One vector step of an actor-runner: @ala/policy VectorActor (the acting stack the serial trainer
// runs too: one batched ONNX Runtime call, the live bias of each agent through actBatch, the
// trajectory chunk, V(final obs) bootstrapping) plus what only the service does: state snapshots
// for the agents that are due (every `snapshotEvery` of an agent's steps, at most `snapshotMaxHz`
// per agent by the injected monotonic clock, with the env's portable state when it has one).
// The envs are a VectorEnv (synchronous, e.g. CartPole) or an AsyncVectorEnv (server-backed envs:
// their steps and descriptions are awaited; a down env gets no snapshot).
// Must not: touch the bus, wait for advice, or swap the policy in the middle of a step.
import { systemClock, type Clock } from '@ala/bus';
import { AsyncVectorEnv, type VectorEnv } from '@ala/envs';
import { VectorActor, type OrtPolicy, type PolicyForward } from '@ala/policy';
import type { StateSnapshot, TrajectoryChunk } from '@ala/protocol';
import { softmax, type Rng } from '@ala/rl-core';
import type { BiasTable } from './bias-table';

export interface ActingOptions {
  readonly actorId: string;
  readonly envId: string;
  readonly agentIds: readonly string[];
  readonly beta: number;
  /** KL budget ε per step; 0 = off. */
  readonly klBudget: number;
  readonly chunkSteps: number;
  /** Snapshot agent i every this many of its steps; 0 = never. */
  readonly snapshotEvery: number;
  /** At most this many snapshots per second per agent (a due snapshot over the rate is skipped); 0 or absent = no limit. */
  readonly snapshotMaxHz?: number;
  /** Monotonic clock (ms) of the snapshot rate limit; default systemClock. */
  readonly clock?: Clock;
}

/** What one step produced for the service to publish. */
export interface StepOutcome {
  /** Snapshots due at this step (the state the agents just acted in), without TTL (the service sets it). */
  readonly snapshots: StateSnapshot[];
  /** A complete trajectory chunk, when this step filled one. */
  readonly chunk?: TrajectoryChunk;
  /** Returns of episodes that ended at this step. */
  readonly episodeReturns: number[];
  /** Agents that acted with a live bias at this step. */
  readonly advised: number;
  /** Snapshots that were due at this step but skipped by the `snapshotMaxHz` rate limit. */
  readonly snapshotsThrottled: number;
}

/**
 * Snapshots an agent may publish back to back under `snapshotMaxHz` (the rate limit's burst). A
 * paced loop that fell behind catches up with up to ~10 back-to-back steps (service.ts): 16 keeps
 * a step rate at or below the limit uncut, while the long-run rate stays at most snapshotMaxHz.
 */
export const SNAPSHOT_BURST = 16;

/** The envs of an actor: synchronous, or asynchronous (server-backed). */
export type ActorVectorEnv = VectorEnv | AsyncVectorEnv;

export class Acting {
  private readonly actor: VectorActor;
  private readonly episodeStep: Int32Array;
  private readonly snapSeq: Float64Array;
  /** Per agent: theoretical arrival time (ms) of the next snapshot under the rate limit (GCRA). */
  private readonly snapTat: Float64Array;
  private readonly snapPeriodMs: number;
  private readonly clock: Clock;
  private throttledTotal = 0;
  private readonly probs: Float64Array;

  /**
   * `start`: the seed to reset a VectorEnv with, or the observations of envs already reset (an
   * AsyncVectorEnv's reset is awaited by the caller), [nAgents][obsDim].
   */
  constructor(
    private readonly venv: ActorVectorEnv,
    policy: OrtPolicy,
    policyVersion: number,
    private readonly opts: ActingOptions,
    rng: Rng,
    start: number | Float32Array,
  ) {
    const n = venv.numEnvs;
    let obs: Float32Array;
    if (typeof start !== 'number') obs = start;
    else if (venv instanceof AsyncVectorEnv) throw new TypeError('Acting: reset an AsyncVectorEnv first and pass its observations');
    else obs = venv.reset({ seed: start }).obs;
    this.actor = new VectorActor(venv, policy, policyVersion, opts, rng, obs);
    this.episodeStep = new Int32Array(n);
    this.snapSeq = new Float64Array(n);
    this.snapTat = new Float64Array(n).fill(-Infinity);
    const hz = opts.snapshotMaxHz ?? 0;
    this.snapPeriodMs = hz > 0 ? 1000 / hz : 0;
    this.clock = opts.clock ?? systemClock;
    this.probs = new Float64Array(venv.numActions);
  }

  /** Version acting now. */
  get version(): number {
    return this.actor.version;
  }

  /** Snapshots skipped by the rate limit since construction. */
  get snapshotsThrottled(): number {
    return this.throttledTotal;
  }

  /**
   * Whether agent i may publish a snapshot at `now` under `snapshotMaxHz`: the generic cell rate
   * algorithm (virtual scheduling, https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm) with
   * period T = 1000/snapshotMaxHz ms and tolerance τ = (SNAPSHOT_BURST − 1)·T: in any window of W ms
   * at most SNAPSHOT_BURST + W/T snapshots pass. Records the snapshot when it returns true.
   */
  private snapshotAllowed(i: number, now: number): boolean {
    const period = this.snapPeriodMs;
    if (period === 0) return true;
    const tat = this.snapTat[i]!; // theoretical arrival time of the next snapshot
    if (now < tat - (SNAPSHOT_BURST - 1) * period) return false;
    this.snapTat[i] = Math.max(tat, now) + period;
    return true;
  }

  /** Swap the policy (between steps only); returns the previous one for the caller to release. */
  setPolicy(next: OrtPolicy, version: number): OrtPolicy {
    return this.actor.setPolicy(next, version);
  }

  /** Free the policy in use (on stop; the object must not step afterwards). */
  async release(): Promise<void> {
    await this.actor.release();
  }

  /** One vector step at receiver-clock time `now` with the live biases of `table` (prepared for `now`). */
  async step(table: BiasTable): Promise<StepOutcome> {
    const snapshots: StateSnapshot[] = [];
    let throttled = 0;
    const r = await this.actor.step(table, (f) => {
      const due = this.snapshotsFor(f, snapshots);
      throttled = due.throttled;
      return due.texts;
    });
    const episodeReturns: number[] = [];
    for (let i = 0; i < this.episodeStep.length; i++) this.episodeStep[i]! += 1;
    for (const e of r.episodes) {
      this.episodeStep[e.agent] = 0;
      episodeReturns.push(e.return);
    }
    this.throttledTotal += throttled;
    return { snapshots, ...(r.chunk ? { chunk: r.chunk } : {}), episodeReturns, advised: r.advised, snapshotsThrottled: throttled };
  }

  /**
   * Snapshots for due agents into `out`: the state they act in now, with π(·|s) before any bias.
   * Returns how many the rate limit skipped and, for async envs, the promise of their texts (the
   * snapshots are complete once it resolves, before the envs step).
   */
  private snapshotsFor(f: PolicyForward, out: StateSnapshot[]): { throttled: number; texts?: Promise<void> } {
    const every = this.opts.snapshotEvery;
    if (every <= 0) return { throttled: 0 };
    const venv = this.venv;
    const isAsync = venv instanceof AsyncVectorEnv;
    const texts: Promise<void>[] = [];
    const A = venv.numActions;
    let throttled = 0;
    const now = this.snapPeriodMs > 0 ? this.clock.now() : 0;
    for (let i = 0; i < venv.numEnvs; i++) {
      if (this.episodeStep[i]! % every !== 0) continue;
      if (isAsync && !venv.healthy(i)) continue; // a down env: nothing to advise on
      if (!this.snapshotAllowed(i, now)) {
        throttled += 1; // skipped before describe(), softmax and export: costs nothing
        continue;
      }
      const envState = venv.exportState(i);
      const row = f.logits.subarray(i * A, (i + 1) * A);
      const lrow = f.legal.subarray(i * A, (i + 1) * A);
      softmax(row, lrow, this.probs);
      const snap: StateSnapshot = {
        v: 1,
        agentId: this.opts.agentIds[i]!,
        actorId: this.opts.actorId,
        envId: this.opts.envId,
        seq: this.snapSeq[i]!++,
        policyVersion: f.policyVersion,
        episodeStep: this.episodeStep[i]!,
        text: isAsync ? '' : venv.describe(i),
        actionNames: [...venv.singleActionSpace.actionNames],
        legal: Array.from(lrow, (x) => x === 1),
        obs: Array.from(f.obs.subarray(i * venv.obsDim, (i + 1) * venv.obsDim)),
        probs: Array.from(this.probs),
        ...(envState !== undefined ? { envState } : {}),
        createdAt: Date.now(),
      };
      if (isAsync) texts.push(venv.describe(i).then((text) => void (snap.text = text)));
      out.push(snap);
    }
    return texts.length === 0 ? { throttled } : { throttled, texts: Promise.all(texts).then(() => undefined) };
  }
}
