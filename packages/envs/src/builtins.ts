// The envs shipped with @ala/envs, as registry specs. Only this module lists them; it must not
// import the registry (the registry imports it).
import { CartPoleEnv, CARTPOLE_ID, type CartPoleOptions } from './cartpole';
import { cartPoleExpert } from './cartpole-expert';
import { CraftWorldEnv, CRAFTWORLD_ID, type CraftWorldOptions } from './craft-world';
import { craftWorldExpert } from './craft-world-expert';
import type { EnvSpec } from './registry';

/** Registered CraftWorld variants: id -> defaults (user options override all but `id`). */
export const CRAFTWORLD_VARIANTS: Readonly<Record<string, CraftWorldOptions>> = {
  [CRAFTWORLD_ID]: { size: 12, difficulty: 'normal', reward: 'milestones', maxSteps: 300 },
  'CraftWorld-easy-v0': { size: 8, difficulty: 'easy', reward: 'milestones', maxSteps: 200 },
  'CraftWorld-hard-v0': { size: 16, difficulty: 'hard', reward: 'goal', maxSteps: 500 },
};

export function builtinEnvSpecs(): EnvSpec<object>[] {
  const cartPole: EnvSpec<CartPoleOptions> = {
    id: CARTPOLE_ID,
    description: 'Balance a pole on a cart (Gymnasium CartPole-v1, bit-identical)',
    create: (o) => new CartPoleEnv(o),
    expert: cartPoleExpert,
  };
  const craft = Object.entries(CRAFTWORLD_VARIANTS).map(([id, defaults]): EnvSpec<object> => ({
    id,
    description: `Minecraft-like crafting to an iron pickaxe (${defaults.size}x${defaults.size}, ${defaults.difficulty}, reward ${defaults.reward})`,
    create: (o: CraftWorldOptions) => new CraftWorldEnv({ ...defaults, ...o, id }),
    expert: craftWorldExpert,
  }));
  return [cartPole as EnvSpec<object>, ...craft];
}
