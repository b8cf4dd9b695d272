// Test helpers: a synthetic rollout in the wire layout (random but valid), seeded.
import { createRng, randn } from '@ala/rl-core';
import { allocRollout, type MutableRollout } from '@ala/policy';

export function syntheticRollout(
  T: number,
  N: number,
  obsDim: number,
  nActions: number,
  seed: number,
  opts: { version?: number; advisedFrac?: number } = {},
): MutableRollout {
  const rng = createRng(seed);
  const r = allocRollout(T, N, obsDim, nActions);
  r.obs.forEach((_, i) => (r.obs[i] = randn(rng)));
  r.nextObs.forEach((_, i) => (r.nextObs[i] = randn(rng)));
  for (let k = 0; k < T * N; k++) {
    r.actions[k] = Math.floor(rng.nextFloat() * nActions);
    r.rewards[k] = rng.nextFloat();
    r.terminated[k] = rng.nextFloat() < 0.05 ? 1 : 0;
    r.truncated[k] = !r.terminated[k] && rng.nextFloat() < 0.02 ? 1 : 0;
    r.truncValue[k] = r.truncated[k] ? randn(rng) : 0;
    r.values[k] = randn(rng);
    r.logpPk[k] = Math.log(1 / nActions) + 0.1 * randn(rng);
    const advised = rng.nextFloat() < (opts.advisedFrac ?? 0);
    r.advised[k] = advised ? 1 : 0;
    r.biasTaken[k] = advised ? 0.5 * randn(rng) : 0;
    r.logpMu[k] = Math.min(0, r.logpPk[k]! + (advised ? 0.3 * randn(rng) : 0));
    r.policyVersion[k] = opts.version ?? 0;
  }
  for (let i = 0; i < N; i++) r.nextValue[i] = randn(rng);
  return r;
}
