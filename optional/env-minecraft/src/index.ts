// Public surface of @ala/env-minecraft: the registry spec of Minecraft-v0 (offline state view,
// live server-backed env, scripted expert) and the pure pieces tests and tools use. The live env
// (mineflayer, flying-squid, ~500 MB of minecraft-data) is loaded only by `createAsync`, so the
// learner and advisors that only read states never load it. Nothing else is public.
import type { AsyncEnv, EnvSpec, ExpertKnobs, Expert } from '@ala/envs';
import { minecraftExpert } from './expert';
import type { LiveMinecraftEnv } from './live-env';
import type { MinecraftOptions } from './options';
import { MINECRAFT_ID } from './rules';
import { MinecraftStateEnv } from './state-env';

export type { MinecraftOptions, MinecraftConfig } from './options';
export { minecraftConfig, botUsername } from './options';
export type { MinecraftState, Offset } from './state';
export { MINECRAFT_STATE_FORMAT, MINECRAFT_STATE_BYTES, encodeMinecraftState, decodeMinecraftState } from './state';
export {
  MINECRAFT_ID,
  ACTION_NAMES,
  Action,
  CATEGORY_NAMES,
  Category,
  ITEM_NAMES,
  Item,
  MILESTONES,
  TASKS,
  GRID_RADIUS,
  GRID_LEVELS,
  GRID_CELLS,
  gridIndex,
} from './rules';
export type { Task, ActionName } from './rules';
export { OBS_SIZE, OBS_LAYOUT, encodeObservation, minecraftObservationSpace } from './observation';
export { legalMask } from './legal';
export { describeMinecraft } from './describe';
export { minecraftExpert, minecraftScores, plannedAction } from './expert';
export { MinecraftStateEnv, minecraftActionSpace } from './state-env';
export type { LiveMinecraftEnv } from './live-env';

/** The spec of Minecraft-v0 with `createAsync` (a live bot) beside the standard `create` and `expert`. */
export type MinecraftEnvSpec = EnvSpec<MinecraftOptions> & {
  readonly createAsync: (options: MinecraftOptions & { index: number; agents: number }) => Promise<AsyncEnv & { exportState(): Uint8Array }>;
  readonly expert: (knobs: ExpertKnobs) => Expert;
};

/** Registry spec: `create` = offline state view, `createAsync` = one mineflayer bot (local server when no host), `expert` = scripted expert. */
export function minecraftEnvSpec(): MinecraftEnvSpec {
  return {
    id: MINECRAFT_ID,
    description: 'Minecraft 1.16.5 via mineflayer bots: collect logs, or the tech tree to a wooden pickaxe (optional, npm run setup:minecraft)',
    create: (o) => new MinecraftStateEnv(o),
    createAsync: async (o): Promise<LiveMinecraftEnv> => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const live = require('./live-env') as typeof import('./live-env');
      return live.createLiveMinecraftEnv(o);
    },
    expert: minecraftExpert,
  };
}
