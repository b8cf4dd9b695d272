// A synthetic rollout for learner benchmarks: T x N steps of N(0,1) observations, uniform actions
// over 2, reward 1, 2% terminations, N(0,1) values, behaviour = target = uniform, acted by
// `version` (so the learner's lag filter keeps every sample), from a seeded generator.
// Must not: depend on an environment or a policy.
import { allocRollout, type MutableRollout } from '@ala/policy';
import { createRng, randn } from '@ala/rl-core';

export function syntheticRollout(T: number, N: number, obsDim: number, nActions: number, seed: number, version: number): MutableRollout {
  const rng = createRng(seed);
  const r = allocRollout(T, N, obsDim, nActions);
  for (let i = 0; i < r.obs.length; i++) r.obs[i] = randn(rng);
  for (let k = 0; k < T * N; k++) {
    r.actions[k] = rng.nextFloat() < 0.5 ? 0 : 1;
    r.rewards[k] = 1;
    r.terminated[k] = rng.nextFloat() < 0.02 ? 1 : 0;
    r.values[k] = randn(rng);
    r.logpMu[k] = Math.log(0.5);
    r.logpPk[k] = Math.log(0.5);
    r.policyVersion[k] = version;
  }
  return r;
}
