// Generalized Advantage Estimation over a trajectory chunk laid out [T][N] row-major (step t of
// agent n at index t*N + n, as on the wire). Distinguishes the two ways an episode ends:
//   terminated: the MDP ended, the next state's value is 0 (no bootstrap);
//   truncated:  a time limit cut the episode, bootstrap from V(final obs) = truncValues[t*N+n]
//               (Pardo et al. 2018, "Time Limits in Reinforcement Learning", arXiv:1712.00378).
// In both cases the recursion stops: row t+1 belongs to a new episode.
// GAE: Schulman et al. 2016, arXiv:1506.02438, eq. (16): A_t = δ_t + γλ A_{t+1},
// δ_t = r_t + γ V(s_{t+1}) − V(s_t). Must not: read truncValues where truncated is 0, or mutate inputs.
import { checkAllFinite, checkDim, checkLength, checkRange, outBuffer, type Flags, type OutVec, type Vec, isFiniteNum } from './check';
import { InvalidValueError } from './errors';

/** One trajectory chunk, flat row-major [T][N]. */
export interface TrajectoryArrays {
  /** r_t per step, [T*N]. */
  rewards: Vec;
  /** V(s_t) from the behaviour-time critic, [T*N]. */
  values: Vec;
  /** Episode ended by the MDP after step t (no bootstrap), [T*N]. */
  terminated: Flags;
  /** Episode cut by a time limit after step t (bootstrap from truncValues), [T*N]. */
  truncated: Flags;
  /** V(final observation) where truncated[t*N+n] is set; other entries are ignored, [T*N]. */
  truncValues: Vec;
  /** V(s_T): value of the observation after the chunk's last step, [N]. */
  nextValue: Vec;
  /**
   * Optional, CleanRL's `next_done`: whether the chunk's last step ended the episode, [N]. It is
   * implied by terminated/truncated of row T−1; when given it must agree (a layout check).
   */
  nextDone?: Flags;
  /** Number of steps. */
  T: number;
  /** Number of agents (environments). */
  N: number;
  /** Discount γ in [0, 1]. */
  gamma: number;
}

export interface GaeInput extends TrajectoryArrays {
  /** GAE λ in [0, 1] (CleanRL `gae_lambda`). */
  lambda: number;
  /** Optional output buffers, [T*N] each. */
  out?: { advantages: OutVec; returns: OutVec };
}

export interface GaeResult {
  /** Â_t, [T*N]. */
  advantages: OutVec;
  /** Value targets Â_t + V(s_t), [T*N]. */
  returns: OutVec;
}

/** Internal: validates a chunk; throws before anything is written. */
export function checkTrajectory(x: TrajectoryArrays): void {
  checkDim('T', x.T);
  checkDim('N', x.N);
  const n = x.T * x.N;
  checkLength('rewards', x.rewards, n);
  checkLength('values', x.values, n);
  checkLength('terminated', x.terminated, n);
  checkLength('truncated', x.truncated, n);
  checkLength('truncValues', x.truncValues, n);
  checkLength('nextValue', x.nextValue, x.N);
  checkRange('gamma', x.gamma, 0, 1);
  checkAllFinite('rewards', x.rewards);
  checkAllFinite('values', x.values);
  checkAllFinite('nextValue', x.nextValue);
  if (x.nextDone !== undefined) {
    checkLength('nextDone', x.nextDone, x.N);
    for (let k = 0; k < x.N; k++) {
      const i = (x.T - 1) * x.N + k;
      if (!!x.nextDone[k] !== (!!x.terminated[i] || !!x.truncated[i])) {
        throw new InvalidValueError('nextDone', x.nextDone[k], 'must equal terminated || truncated of the last step', k);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (x.truncated[i] && !x.terminated[i] && !isFiniteNum(x.truncValues[i] as number)) {
      throw new InvalidValueError('truncValues', x.truncValues[i], 'must be finite where truncated', i);
    }
  }
}

/**
 * Internal: value of the state after step i = t*N+n, as used in δ_t; 0 when terminated.
 * `nextRow` supplies the next row's entry (values or V-trace targets).
 */
export function bootstrapValue(x: TrajectoryArrays, i: number, t: number, n: number, nextRow: Vec): number {
  if (x.terminated[i]) return 0;
  if (x.truncated[i]) return x.truncValues[i] as number;
  return t === x.T - 1 ? (x.nextValue[n] as number) : (nextRow[i + x.N] as number);
}

/** GAE advantages and returns for every (t, n). Shapes: see GaeInput. */
export function gae(input: GaeInput): GaeResult {
  checkTrajectory(input);
  checkRange('lambda', input.lambda, 0, 1);
  const { T, N, gamma, lambda, rewards, values } = input;
  const advantages = outBuffer('out.advantages', input.out?.advantages, T * N);
  const returns = outBuffer('out.returns', input.out?.returns, T * N);
  for (let n = 0; n < N; n++) {
    let lastGae = 0; // Â_{t+1} of the same episode, 0 past an episode end
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + n;
      const done = !!input.terminated[i] || !!input.truncated[i];
      const delta = (rewards[i] as number) + gamma * bootstrapValue(input, i, t, n, values) - (values[i] as number);
      lastGae = delta + (done ? 0 : gamma * lambda * lastGae);
      advantages[i] = lastGae;
      returns[i] = lastGae + (values[i] as number);
    }
  }
  return { advantages, returns };
}
