// The envs shipped with @ala/envs, as registry specs, and the optional envs that live in their own
// package (installed by a setup script, loaded by the registry on first lookup). Only this module
// lists them; it must not import the registry (the registry imports it) nor load an optional
// package before it is asked for.
import { CartPoleEnv, CARTPOLE_ID, type CartPoleOptions } from './cartpole';
import { cartPoleExpert } from './cartpole-expert';
import { CraftWorldEnv, CRAFTWORLD_ID, type CraftWorldOptions } from './craft-world';
import { craftWorldExpert } from './craft-world-expert';
import { EnvRegistryError } from './errors';
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

/** An env in its own package, outside the default install (e.g. because of its size). */
export interface OptionalEnv {
  readonly id: string;
  readonly description: string;
  /** The command that installs its package. */
  readonly setup: string;
  /** Whether the package resolves (without loading it). */
  installed(): boolean;
  /** Loads the package and returns its spec; EnvRegistryError naming `setup` when it is missing or broken. */
  load(): EnvSpec<object>;
}

/** `require` of an optional package by name, resolved from here (the repo root links it into node_modules). */
export function optionalEnv(id: string, pkg: string, factory: string, description: string, setup: string): OptionalEnv {
  return {
    id,
    description,
    setup,
    installed: () => {
      try {
        require.resolve(pkg);
        return true;
      } catch {
        return false;
      }
    },
    load: () => {
      let mod: Record<string, unknown>;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use only: the package is optional (not a dependency)
        mod = require(pkg) as Record<string, unknown>;
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(`'${pkg}'`);
        const why = missing ? `${pkg} is not installed` : `${pkg} failed to load (${(err as Error).message})`;
        throw new EnvRegistryError(id, `${id} needs ${pkg}: ${why}; run ${setup}`, { cause: err });
      }
      const make = mod[factory];
      if (typeof make !== 'function') throw new EnvRegistryError(id, `${pkg} does not export ${factory}(); run ${setup} again`);
      return make() as EnvSpec<object>;
    },
  };
}

export const MINECRAFT_ID = 'Minecraft-v0';

/** Optional envs by id. */
export const OPTIONAL_ENVS: Readonly<Record<string, OptionalEnv>> = {
  [MINECRAFT_ID]: optionalEnv(
    MINECRAFT_ID,
    '@ala/env-minecraft',
    'minecraftEnvSpec',
    'Minecraft (mineflayer bots on a flying-squid server), stepped in real time through a server',
    'npm run setup:minecraft',
  ),
};
