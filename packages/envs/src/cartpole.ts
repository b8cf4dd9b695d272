// CartPole-v1, numerically identical to Gymnasium 1.x `gym.make("CartPole-v1")`: float64 physics
// with explicit Euler integration, the same termination thresholds, 500-step truncation (the
// TimeLimit wrapper), float32 observations and NumPy-identical seeding of the initial state.
// Source: gymnasium/envs/classic_control/cartpole.py (CartPoleEnv.step/reset). The formulas below
// keep Gymnasium's operation order on purpose: reordering changes float rounding.
// This module must not allocate more than the returned observation per step.
import type { Env, ResetArgs, ResetResult, StepResult } from './env';
import { InvalidActionError, InvalidOptionError, ResetNeededError } from './errors';
import { freshSeed } from './entropy';
import { Pcg64, type Pcg64State } from './numpy-random';
import { checkOptionKeys, intOption } from './options';
import { boxSpace, discreteSpace, type BoxSpace, type DiscreteSpace } from './spaces';

export const CARTPOLE_ID = 'CartPole-v1';

export interface CartPoleOptions {
  /** TimeLimit: truncate after this many steps (Gymnasium's CartPole-v1 uses 500). */
  readonly maxEpisodeSteps?: number;
  /** Reward -1 on termination and 0 otherwise (Gymnasium's `sutton_barto_reward`). */
  readonly suttonBartoReward?: boolean;
}

const GRAVITY = 9.8;
const MASSCART = 1.0;
const MASSPOLE = 0.1;
const TOTAL_MASS = MASSPOLE + MASSCART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASSPOLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02; // seconds between state updates
/** Episode ends when |theta| exceeds 12 degrees... */
export const CARTPOLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
/** ...or |x| exceeds 2.4. */
export const CARTPOLE_X_THRESHOLD = 2.4;

const ACTION_NAMES = ['push_left', 'push_right'] as const;

/** Gymnasium CartPole-v1 with the TimeLimit(500) wrapper folded in. */
export class CartPoleEnv implements Env {
  readonly id = CARTPOLE_ID;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly maxEpisodeSteps: number;
  private readonly suttonBarto: boolean;
  private readonly s = new Float64Array(4); // x, x_dot, theta, theta_dot
  private rng: Pcg64 | undefined;
  private steps = 0;
  private started = false;
  private done = false;

  constructor(options: CartPoleOptions = {}) {
    checkOptionKeys(CARTPOLE_ID, options, ['maxEpisodeSteps', 'suttonBartoReward']);
    this.maxEpisodeSteps = intOption('maxEpisodeSteps', options.maxEpisodeSteps, 500, 1, Number.MAX_SAFE_INTEGER);
    const sb = options.suttonBartoReward ?? false;
    if (typeof sb !== 'boolean') throw new InvalidOptionError('suttonBartoReward', sb, 'suttonBartoReward must be a boolean');
    this.suttonBarto = sb;
    const high = [CARTPOLE_X_THRESHOLD * 2, Infinity, CARTPOLE_THETA_THRESHOLD * 2, Infinity];
    this.observationSpace = boxSpace(
      [4],
      high.map((h) => -h),
      high,
    );
    this.actionSpace = discreteSpace(ACTION_NAMES);
  }

  /** A copy of the float64 physics state [x, x_dot, theta, theta_dot] (Gymnasium's `env.unwrapped.state`). */
  get state(): Float64Array {
    return Float64Array.from(this.s);
  }

  /**
   * Replaces the physics state (any finite 4 values). If no episode is running, this starts one
   * at step 0, so any state can be replayed; the step counter of a running episode is kept.
   */
  set state(value: ArrayLike<number>) {
    if (value.length !== 4 || !Array.from(value).every((v) => Number.isFinite(v))) {
      throw new InvalidOptionError('state', value, 'CartPole state must be 4 finite numbers [x, x_dot, theta, theta_dot]');
    }
    this.s.set(value);
    if (!this.started || this.done) this.steps = 0;
    this.started = true;
    this.done = false;
  }

  /** Steps taken in the current episode (the TimeLimit counter). */
  get elapsedSteps(): number {
    return this.steps;
  }

  /** The generator state (for checkpointing), or undefined before the first reset. */
  get rngState(): Pcg64State | undefined {
    return this.rng?.getState();
  }

  reset(args: ResetArgs = {}): ResetResult {
    const opts = args.options ?? {};
    checkOptionKeys(`${CARTPOLE_ID} reset`, opts, ['low', 'high']);
    const low = opts['low'] ?? -0.05;
    const high = opts['high'] ?? 0.05;
    if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
      throw new InvalidOptionError('options.low/high', { low, high }, 'reset bounds must be finite numbers with low < high');
    }
    const rng = args.seed !== undefined ? Pcg64.fromSeed(args.seed) : (this.rng ?? Pcg64.fromSeed(freshSeed()));
    this.rng = rng;
    for (let i = 0; i < 4; i++) this.s[i] = rng.uniform(low, high);
    this.steps = 0;
    this.started = true;
    this.done = false;
    return { obs: Float32Array.from(this.s), info: {} };
  }

  step(action: number): StepResult {
    if (action !== 0 && action !== 1) {
      throw new InvalidActionError(this.id, action, `CartPole action must be 0 (push_left) or 1 (push_right), got ${String(action)}`);
    }
    if (!this.started || this.done) {
      throw new ResetNeededError(this.id, this.started ? 'episode is over: call reset() before step()' : 'call reset() before step()');
    }
    const s = this.s;
    let x = s[0]!;
    let xDot = s[1]!;
    let theta = s[2]!;
    let thetaDot = s[3]!;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sintheta) / TOTAL_MASS;
    const thetaacc = (GRAVITY * sintheta - costheta * temp) / (LENGTH * (4.0 / 3.0 - (MASSPOLE * (costheta * costheta)) / TOTAL_MASS));
    const xacc = temp - (POLEMASS_LENGTH * thetaacc * costheta) / TOTAL_MASS;
    // Euler integration (kinematics_integrator == "euler").
    x = x + TAU * xDot;
    xDot = xDot + TAU * xacc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaacc;
    s[0] = x;
    s[1] = xDot;
    s[2] = theta;
    s[3] = thetaDot;
    const terminated = x < -CARTPOLE_X_THRESHOLD || x > CARTPOLE_X_THRESHOLD || theta < -CARTPOLE_THETA_THRESHOLD || theta > CARTPOLE_THETA_THRESHOLD;
    this.steps += 1;
    const truncated = this.steps >= this.maxEpisodeSteps;
    this.done = terminated || truncated;
    const reward = this.suttonBarto ? (terminated ? -1.0 : 0.0) : 1.0;
    const obs = new Float32Array(4);
    obs[0] = x;
    obs[1] = xDot;
    obs[2] = theta;
    obs[3] = thetaDot;
    return { obs, reward, terminated, truncated, info: {} };
  }

  legalActions(): Uint8Array {
    return new Uint8Array([1, 1]);
  }

  describe(): string {
    if (!this.started) return 'CartPole: no episode started yet.';
    const [x, xDot, theta, thetaDot] = Array.from(this.s);
    const deg = ((theta ?? 0) * 180) / Math.PI;
    const lean = deg > 0 ? 'right' : 'left';
    const fall = (thetaDot ?? 0) > 0 ? 'right' : 'left';
    const move = (xDot ?? 0) > 0 ? 'right' : 'left';
    return (
      `CartPole step ${this.steps}/${this.maxEpisodeSteps}. The pole leans ${Math.abs(deg).toFixed(2)} deg to the ${lean} ` +
      `(limit 12) and is rotating ${lean === fall ? 'further' : 'back'} (${(thetaDot ?? 0).toFixed(3)} rad/s toward the ${fall}). ` +
      `The cart is at x=${(x ?? 0).toFixed(3)} (limit +-2.4) moving ${move} at ${Math.abs(xDot ?? 0).toFixed(3)} m/s. ` +
      `Actions: push_left, push_right. To keep the pole up, push the cart toward the side the pole is falling to.` +
      (this.done ? ' The episode is over.' : '')
    );
  }

  close(): void {
    this.done = true;
  }
}
