// The learner's input batch: the same flat row-major [T][nAgents] layout and field names as the
// wire TrajectoryChunk (@ala/protocol), so the ppo-learner service can feed decoded chunks to
// Learner.update unchanged and the serial trainer builds exactly this structure locally.
// Must not: compute advantages or touch TF.js; it only defines, allocates and validates.
import { RolloutShapeError } from './errors';

/** Numeric column: a typed array locally, a plain number[] when decoded from msgpack. */
export type Column = ArrayLike<number>;

/** T steps x nAgents, row-major (step t of agent n at index t*nAgents + n). */
export interface Rollout {
  /** Number of steps per agent. */
  readonly T: number;
  /** Number of agents (environments). */
  readonly nAgents: number;
  /** Observation length. */
  readonly obsDim: number;
  /** s_t, [T][nAgents][obsDim]. */
  readonly obs: Column;
  /** a_t, [T][nAgents], integers in [0, nActions). */
  readonly actions: Column;
  /** r_t, [T][nAgents]. */
  readonly rewards: Column;
  /** 1 where the MDP ended after step t (no bootstrap), [T][nAgents]. */
  readonly terminated: Column;
  /** 1 where a time limit cut the episode after step t (bootstrap from truncValue), [T][nAgents]. */
  readonly truncated: Column;
  /** V(s_t) from the acting policy, [T][nAgents]. */
  readonly values: Column;
  /** log μ(a_t|s_t): exact behaviour log-prob, with the live bias, [T][nAgents]. */
  readonly logpMu: Column;
  /** log π_k(a_t|s_t): the acting policy without bias, [T][nAgents]. */
  readonly logpPk: Column;
  /** Policy version that acted at step t, [T][nAgents]. */
  readonly policyVersion: Column;
  /** 1 where a live bias was applied at step t, [T][nAgents]. */
  readonly advised: Column;
  /** β·b[a_t], the bias on the taken action (0 when not advised), [T][nAgents]. */
  readonly biasTaken: Column;
  /** V(final obs) where truncated (else ignored), [T][nAgents]. */
  readonly truncValue: Column;
  /** s_T, the observation after the last step, [nAgents][obsDim]. */
  readonly nextObs: Column;
  /** V(s_T), [nAgents]. */
  readonly nextValue: Column;
  /** 1 where s_T starts a new episode, [nAgents]. */
  readonly nextDone: Column;
  /** Optional legal-action mask, 1 = legal, [T][nAgents][nActions]; absent = all legal. */
  readonly legal?: Column;
}

/** A Rollout with writable typed arrays (what the serial trainer fills). */
export interface MutableRollout extends Rollout {
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly values: Float32Array;
  readonly logpMu: Float32Array;
  readonly logpPk: Float32Array;
  readonly policyVersion: Uint32Array;
  readonly advised: Uint8Array;
  readonly biasTaken: Float32Array;
  readonly truncValue: Float32Array;
  readonly nextObs: Float32Array;
  readonly nextValue: Float32Array;
  readonly nextDone: Uint8Array;
  readonly legal: Uint8Array;
}

/** Zero-filled rollout of the given shape (legal mask all 1). */
export function allocRollout(T: number, nAgents: number, obsDim: number, nActions: number): MutableRollout {
  const n = T * nAgents;
  return {
    T,
    nAgents,
    obsDim,
    obs: new Float32Array(n * obsDim),
    actions: new Int32Array(n),
    rewards: new Float32Array(n),
    terminated: new Uint8Array(n),
    truncated: new Uint8Array(n),
    values: new Float32Array(n),
    logpMu: new Float32Array(n),
    logpPk: new Float32Array(n),
    policyVersion: new Uint32Array(n),
    advised: new Uint8Array(n),
    biasTaken: new Float32Array(n),
    truncValue: new Float32Array(n),
    nextObs: new Float32Array(nAgents * obsDim),
    nextValue: new Float32Array(nAgents),
    nextDone: new Uint8Array(nAgents),
    legal: new Uint8Array(n * nActions).fill(1),
  };
}

/**
 * Throws RolloutShapeError unless every column has its length, floats are finite (truncValue
 * only where truncated), actions are integers in [0, nActions) (and legal, when a mask is
 * given) and log-probs are <= 0.
 */
export function validateRollout(r: Rollout, obsDim: number, nActions: number): void {
  const dim = (f: string, v: number): void => {
    if (!Number.isInteger(v) || v <= 0) throw new RolloutShapeError(`${f} must be a positive integer, got ${v}`, f, 'positive integer', v);
  };
  dim('T', r.T);
  dim('nAgents', r.nAgents);
  if (r.obsDim !== obsDim) throw new RolloutShapeError(`obsDim ${r.obsDim} does not match the model (${obsDim})`, 'obsDim', obsDim, r.obsDim);
  const n = r.T * r.nAgents;
  const len = (f: keyof Rollout, expected: number): Column => {
    const col = r[f] as Column | undefined;
    if (col === undefined || typeof col !== 'object' || col.length !== expected) {
      throw new RolloutShapeError(`${f}: expected length ${expected}, got ${col?.length ?? 'none'}`, f, expected, col?.length ?? 'none');
    }
    return col;
  };
  const finite = (f: keyof Rollout, expected: number, onlyWhere?: Column): void => {
    const col = len(f, expected);
    for (let i = 0; i < col.length; i++) {
      if (onlyWhere !== undefined && !onlyWhere[i]) continue;
      if (!Number.isFinite(col[i])) throw new RolloutShapeError(`${f}[${i}] is not finite (${col[i]})`, f, 'finite', String(col[i]));
    }
  };
  finite('obs', n * obsDim);
  finite('rewards', n);
  len('terminated', n);
  const truncated = len('truncated', n);
  finite('values', n);
  finite('truncValue', n, truncated);
  finite('biasTaken', n);
  len('advised', n);
  finite('nextObs', r.nAgents * obsDim);
  finite('nextValue', r.nAgents);
  len('nextDone', r.nAgents);
  const actions = len('actions', n);
  for (let i = 0; i < n; i++) {
    const a = actions[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= nActions)
      throw new RolloutShapeError(`actions[${i}] = ${a} is not in [0, ${nActions})`, 'actions', `[0, ${nActions})`, a);
  }
  for (const f of ['logpMu', 'logpPk'] as const) {
    const col = len(f, n);
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (!(Number.isFinite(v) && v <= 1e-6)) throw new RolloutShapeError(`${f}[${i}] = ${v} is not a finite log-probability`, f, '<= 0', v);
    }
  }
  if (r.legal !== undefined) {
    const legal = len('legal', n * nActions);
    for (let i = 0; i < n; i++) {
      if (legal[i * nActions + actions[i]!] !== 1)
        throw new RolloutShapeError(`actions[${i}] = ${actions[i]} was not legal`, 'legal', 1, String(legal[i * nActions + actions[i]!]));
    }
  }
  const versions = len('policyVersion', n);
  for (let i = 0; i < n; i++) {
    const v = versions[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw new RolloutShapeError(`policyVersion[${i}] = ${v} is not a non-negative integer`, 'policyVersion', 'integer >= 0', v);
  }
}

/**
 * Join rollouts with the same T and obsDim along the agent axis ([T][n1] + [T][n2] -> [T][n1+n2]),
 * e.g. chunks from several actors into one learner batch. Legal masks are kept only if every
 * input has one (nActions is needed to lay them out).
 */
export function concatRollouts(parts: readonly Rollout[], nActions: number): MutableRollout {
  const first = parts[0];
  if (first === undefined) throw new RolloutShapeError('concatRollouts needs at least one rollout', 'parts', '>= 1', 0);
  const { T, obsDim } = first;
  for (const p of parts) {
    if (p.T !== T || p.obsDim !== obsDim) throw new RolloutShapeError(`cannot join T=${p.T}, obsDim=${p.obsDim} with T=${T}, obsDim=${obsDim}`, 'T', T, p.T);
  }
  const N = parts.reduce((s, p) => s + p.nAgents, 0);
  const out = allocRollout(T, N, obsDim, nActions);
  const perStep = [
    'actions',
    'rewards',
    'terminated',
    'truncated',
    'values',
    'logpMu',
    'logpPk',
    'policyVersion',
    'advised',
    'biasTaken',
    'truncValue',
  ] as const;
  const withMask = parts.every((p) => p.legal !== undefined);
  let off = 0;
  for (const p of parts) {
    const n = p.nAgents;
    for (let t = 0; t < T; t++) {
      for (const f of perStep) {
        const src = p[f];
        const dst = out[f];
        for (let i = 0; i < n; i++) dst[t * N + off + i] = src[t * n + i]!;
      }
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < obsDim; d++) out.obs[(t * N + off + i) * obsDim + d] = p.obs[(t * n + i) * obsDim + d]!;
        if (withMask) for (let a = 0; a < nActions; a++) out.legal[(t * N + off + i) * nActions + a] = p.legal![(t * n + i) * nActions + a]!;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < obsDim; d++) out.nextObs[(off + i) * obsDim + d] = p.nextObs[i * obsDim + d]!;
      out.nextValue[off + i] = p.nextValue[i]!;
      out.nextDone[off + i] = p.nextDone[i]!;
    }
    off += n;
  }
  return out;
}
