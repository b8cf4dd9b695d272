// The envs shipped with @ala/envs, as registry specs. Only this module lists them; it must not
// import the registry (the registry imports it).
import { CartPoleEnv, CARTPOLE_ID, type CartPoleOptions } from './cartpole';
import { cartPoleExpert } from './cartpole-expert';
import type { EnvSpec } from './registry';

export function builtinEnvSpecs(): EnvSpec<object>[] {
  const cartPole: EnvSpec<CartPoleOptions> = {
    id: CARTPOLE_ID,
    description: 'Balance a pole on a cart (Gymnasium CartPole-v1, bit-identical)',
    create: (o) => new CartPoleEnv(o),
    expert: cartPoleExpert,
  };
  return [cartPole as EnvSpec<object>];
}
