// What a live mineflayer bot sees, turned into a Minecraft-v0 state: the egocentric block grid,
// the nearest log and crafting table (ring search from the feet), task-item counts, health,
// food, time, the entity in front. Reads only the bot's client-side world (synchronous chunk
// lookups, no packets); must not move or act with the bot.
import { Category, categoryOf, egoToWorld, FORWARD, GRID_CELLS, GRID_RADIUS, gridIndex, itemIndexOf, NUM_ITEMS, worldToEgo } from './rules';
import type { Offset } from './state';
import { Vec3 } from './runtime-deps';

/* eslint-disable @typescript-eslint/no-explicit-any -- mineflayer's Bot type pulls in the whole protocol typings; the few fields used are typed here */
export interface BotLike {
  entity: { position: { x: number; y: number; z: number }; yaw: number };
  entities: Record<string, { position: { x: number; y: number; z: number }; type: string; id: number }>;
  health: number;
  food: number;
  time: { timeOfDay: number };
  heldItem: { name: string } | null;
  inventory: { items(): { name: string; count: number }[] };
  world: { getBlockStateId(pos: any): number | undefined };
  registry: { blocksByStateId: Record<number, { name: string } | undefined> };
}

/** How far the ring search looks for the nearest log / crafting table (blocks, horizontally). */
export const LOG_SEARCH_RADIUS = 16;
export const TABLE_SEARCH_RADIUS = 6;

const categoryTables = new WeakMap<object, Uint8Array>();
/** Category of every block state id of the bot's version (cached per registry). */
function categories(bot: BotLike): Uint8Array {
  let t = categoryTables.get(bot.registry);
  if (!t) {
    const ids = Object.keys(bot.registry.blocksByStateId).map(Number);
    t = new Uint8Array(Math.max(0, ...ids) + 1);
    for (const id of ids) t[id] = categoryOf(bot.registry.blocksByStateId[id]?.name);
    categoryTables.set(bot.registry, t);
  }
  return t;
}

/** A reusable position object for the lookups (prismarine-world reads x, y, z only). */
function lookup(bot: BotLike, table: Uint8Array): (x: number, y: number, z: number) => number {
  const p = Vec3(0, 0, 0);
  return (x, y, z) => {
    p.x = x;
    p.y = y;
    p.z = z;
    const id = bot.world.getBlockStateId(p);
    return id === undefined ? Category.AIR : (table[id] ?? Category.SOLID);
  };
}

export interface BotView {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly health: number;
  readonly food: number;
  readonly timeOfDay: number;
  readonly inventory: number[];
  readonly toolHeld: boolean;
  readonly entityInFront: boolean;
  readonly nearestLog: Offset;
  readonly nearestTable: Offset;
  readonly grid: Uint8Array;
}

/** The nearest block of `category` by Chebyshev rings around (fx, fz), heights dyLow..dyHigh from the feet. */
function nearest(
  at: (x: number, y: number, z: number) => number,
  fx: number,
  fy: number,
  fz: number,
  category: number,
  radius: number,
  dyLow: number,
  dyHigh: number,
): Offset {
  for (let r = 0; r <= radius; r++) {
    let best: Offset;
    let bestD = Infinity;
    for (let dx = -r; dx <= r; dx++) {
      for (let dz = -r; dz <= r; dz++) {
        if (Math.max(Math.abs(dx), Math.abs(dz)) !== r) continue;
        for (let dy = dyLow; dy <= dyHigh; dy++) {
          if (at(fx + dx, fy + dy, fz + dz) !== category) continue;
          const d = dx * dx + dz * dz + dy * dy;
          if (d < bestD) {
            bestD = d;
            best = [dx, dy, dz];
          }
          break; // the lowest block of this column is enough
        }
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** Captures the bot's view for `facing` (0 north, 1 west, 2 south, 3 east). */
export function viewOf(bot: BotLike, facing: number): BotView {
  const at = lookup(bot, categories(bot));
  const pos = bot.entity.position;
  const fx = Math.floor(pos.x);
  const fy = Math.floor(pos.y + 1e-6);
  const fz = Math.floor(pos.z);
  const grid = new Uint8Array(GRID_CELLS);
  for (let level = 0; level < 4; level++) {
    for (let fwd = -GRID_RADIUS; fwd <= GRID_RADIUS; fwd++) {
      for (let right = -GRID_RADIUS; right <= GRID_RADIUS; right++) {
        const [dx, dz] = egoToWorld(facing, fwd, right);
        grid[gridIndex(level, fwd, right)] = at(fx + dx, fy + level - 1, fz + dz);
      }
    }
  }
  const [ffx, ffz] = FORWARD[facing]!;
  let entityInFront = false;
  for (const e of Object.values(bot.entities)) {
    if ((e as unknown) === bot.entity || (e.type !== 'player' && e.type !== 'mob')) continue;
    const ex = Math.floor(e.position.x);
    const ez = Math.floor(e.position.z);
    const ey = Math.floor(e.position.y);
    if (ex === fx + ffx && ez === fz + ffz && ey >= fy - 1 && ey <= fy + 1) entityInFront = true;
    // players standing in the grid are marked on their feet cell
    const [dfwd, dright] = worldToEgo(facing, ex - fx, ez - fz);
    if (Math.abs(dfwd) <= GRID_RADIUS && Math.abs(dright) <= GRID_RADIUS && ey - fy + 1 >= 0 && ey - fy + 1 < 4)
      grid[gridIndex(ey - fy + 1, dfwd, dright)] = Category.PLAYER;
  }
  const inventory = new Array<number>(NUM_ITEMS).fill(0);
  for (const it of bot.inventory.items()) {
    const i = itemIndexOf(it.name);
    if (i >= 0) inventory[i]! += it.count;
  }
  return {
    x: pos.x,
    y: pos.y,
    z: pos.z,
    health: Math.max(0, Math.min(20, bot.health ?? 20)),
    food: Math.max(0, Math.min(20, Math.round(bot.food ?? 20))),
    timeOfDay: (((bot.time?.timeOfDay ?? 0) % 24000) + 24000) % 24000,
    inventory,
    toolHeld: bot.heldItem?.name === 'wooden_pickaxe',
    entityInFront,
    nearestLog: nearest(at, fx, fy, fz, Category.LOG, LOG_SEARCH_RADIUS, 0, 4),
    nearestTable: nearest(at, fx, fy, fz, Category.TABLE, TABLE_SEARCH_RADIUS, -1, 2),
    grid,
  };
}
