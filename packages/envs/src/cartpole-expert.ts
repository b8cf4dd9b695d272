// The classic balancing controller for CartPole as an ALA expert: a linear state-feedback law
// u = k . [x, x_dot, theta, theta_dot]; push right when u > 0. Scores are [-u, u], so the
// margin tells an advisor how sure the controller is. Must not step or change the env.
import { CartPoleEnv, CARTPOLE_ID } from './cartpole';
import type { Env } from './env';
import { InvalidOptionError } from './errors';
import { createExpert, type Expert, type ExpertKnobs } from './expert';

/** Gains of the feedback law (tuned to balance for 500 steps from every Gymnasium start). */
export const CARTPOLE_EXPERT_GAINS = [0.05, 0.1, 1.0, 0.5] as const;

/** Controller output for a float64 state; > 0 means push right. */
export function cartPoleControl(state: ArrayLike<number>): number {
  let u = 0;
  for (let i = 0; i < 4; i++) u += (CARTPOLE_EXPERT_GAINS[i] ?? 0) * (state[i] ?? 0);
  return u;
}

/** Expert for any CartPoleEnv (and subclasses); throws InvalidOptionError for other envs. */
export function cartPoleExpert(knobs: ExpertKnobs = {}): Expert {
  return createExpert<Env>(
    CARTPOLE_ID,
    (env) => {
      if (!(env instanceof CartPoleEnv)) throw new InvalidOptionError('env', env.id, `the CartPole expert needs a CartPoleEnv, got ${env.id}`);
      const u = cartPoleControl(env.state);
      return [-u, u];
    },
    knobs,
  );
}
