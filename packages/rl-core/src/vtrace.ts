// V-trace off-policy value targets and policy-gradient advantages (Espeholt et al. 2018,
// IMPALA, arXiv:1802.01561, eq. (1) and §4.2), over a [T][N] row-major chunk with the same
// terminated/truncated semantics as gae.ts. Recursive form (Remark 1 of the paper):
//   v_s − V(x_s) = δ_s + γ c_s (v_{s+1} − V(x_{s+1})),  δ_s = ρ_s (r_s + γ V(x_{s+1}) − V(x_s)),
//   ρ_s = min(ρ̄, π(a_s)/μ(a_s)),  c_s = λ min(c̄, π(a_s)/μ(a_s)).
//   pg advantage_s = ρ^pg_s (r_s + γ v_{s+1} − V(x_s)) with ρ^pg = min(ρ̄_pg, π/μ).
// At an episode end the correction does not continue: v_{s+1} is 0 (terminated) or
// V(final obs) (truncated). Must not: mutate inputs or read truncValues where truncated is 0.
import { checkAllFinite, checkLength, checkNonNegative, checkRange, outBuffer, type OutVec, type Vec } from './check';
import { bootstrapValue, checkTrajectory, type TrajectoryArrays } from './gae';

import { hotMath } from './math';

const { exp, min } = hotMath;

export interface VtraceInput extends TrajectoryArrays {
  /** log(π(a_t)/μ(a_t)) = target logp − behaviour logp (logp_mu), [T*N]. */
  logRhos: Vec;
  /** ρ̄: truncation of the δ weights (IMPALA default 1). */
  rhoBar: number;
  /** c̄: truncation of the trace coefficients (IMPALA default 1). */
  cBar: number;
  /** ρ̄ for the policy-gradient advantage; defaults to rhoBar. */
  pgRhoBar?: number;
  /** λ in [0, 1] multiplying c_s; default 1. */
  lambda?: number;
  /** Optional output buffers, [T*N] each. */
  out?: { vs: OutVec; pgAdvantages: OutVec };
}

export interface VtraceResult {
  /** V-trace value targets v_s, [T*N]. */
  vs: OutVec;
  /** ρ^pg_s (r_s + γ v_{s+1} − V(x_s)), [T*N]. */
  pgAdvantages: OutVec;
}

/** V-trace targets and advantages for every (t, n). Shapes: see VtraceInput. */
export function vtrace(input: VtraceInput): VtraceResult {
  checkTrajectory(input);
  const { T, N, gamma, rewards, values, logRhos } = input;
  checkLength('logRhos', logRhos, T * N);
  checkAllFinite('logRhos', logRhos);
  checkNonNegative('rhoBar', input.rhoBar);
  checkNonNegative('cBar', input.cBar);
  const pgRhoBar = input.pgRhoBar ?? input.rhoBar;
  checkNonNegative('pgRhoBar', pgRhoBar);
  const lambda = input.lambda ?? 1;
  checkRange('lambda', lambda, 0, 1);
  const vs = outBuffer('out.vs', input.out?.vs, T * N);
  const pgAdvantages = outBuffer('out.pgAdvantages', input.out?.pgAdvantages, T * N);
  for (let n = 0; n < N; n++) {
    let nextCorrection = 0; // v_{s+1} − V(x_{s+1}) within the episode, 0 past its end
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + n;
      const done = !!input.terminated[i] || !!input.truncated[i];
      const rho = exp(logRhos[i] as number);
      const v = values[i] as number;
      const r = rewards[i] as number;
      const nextV = bootstrapValue(input, i, t, n, values);
      const corr = done ? 0 : nextCorrection;
      const delta = min(input.rhoBar, rho) * (r + gamma * nextV - v);
      const c = lambda * min(input.cBar, rho);
      const correction = delta + gamma * c * corr;
      vs[i] = v + correction;
      // v_{s+1}: the next row's target inside the episode, else the bootstrap value itself.
      const vNext = nextV + corr;
      pgAdvantages[i] = min(pgRhoBar, rho) * (r + gamma * vNext - v);
      nextCorrection = correction;
    }
  }
  return { vs, pgAdvantages };
}
