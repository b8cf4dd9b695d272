// Which Minecraft-v0 actions make sense in a captured state (the legal-action mask) and the
// geometric questions behind it: what the bot would dig in front, whether it could place a
// crafting table there, whether a crafting table is within reach. Pure functions of the state;
// the live bot uses the same rules, so the mask the actor sees matches what a step can do.
import { Action, Category, GRID_RADIUS, gridIndex, NUM_ACTIONS, RECIPES, worldToEgo, Item } from './rules';
import type { MinecraftState, Offset } from './state';

/** Category of the egocentric cell (level 0 = below the feet), AIR outside the grid. */
export function cellAt(s: MinecraftState, level: number, fwd: number, right: number): number {
  if (level < 0 || level > 3 || Math.abs(fwd) > GRID_RADIUS || Math.abs(right) > GRID_RADIUS) return Category.AIR;
  return s.grid[gridIndex(level, fwd, right)]!;
}

const diggable = (c: number): boolean => c === Category.SOLID || c === Category.LOG || c === Category.LEAVES || c === Category.PLANKS || c === Category.TABLE;

/** Height (0 = feet level) of the lowest diggable block in the column in front, or -1. The nearest log counts for the 4th block up. */
export function digTargetLevel(s: MinecraftState): number {
  for (let h = 0; h < 3; h++) if (diggable(cellAt(s, h + 1, 1, 0))) return h;
  const o = s.nearestLog;
  if (o) {
    const [fwd, right] = worldToEgo(s.facing, o[0], o[2]);
    if (fwd === 1 && right === 0 && o[1] >= 0 && o[1] <= 3) return o[1];
  }
  return -1;
}

/** The cell in front at the feet is free (air, two high) on solid ground, with nobody in it. */
export function canPlaceInFront(s: MinecraftState): boolean {
  if (s.entityInFront) return false;
  const ground = cellAt(s, 0, 1, 0);
  return cellAt(s, 1, 1, 0) === Category.AIR && cellAt(s, 2, 1, 0) === Category.AIR && ground !== Category.AIR && ground !== Category.LIQUID;
}

/** A block offset is within crafting reach (4 blocks from the feet cell). */
export function withinReach(o: Offset): boolean {
  return o !== undefined && Math.hypot(o[0], o[1], o[2]) <= 4;
}

/** Whether `action` (a valid index) can do something in state `s`. */
export function isLegal(s: MinecraftState, action: number): boolean {
  if (action === Action.dig) return s.entityInFront || digTargetLevel(s) >= 0;
  if (action === Action.place_table) return (s.inventory[Item.TABLE] ?? 0) > 0 && canPlaceInFront(s);
  if (action === Action.equip_tool) return (s.inventory[Item.PICKAXE] ?? 0) > 0 && !s.toolHeld;
  const r = RECIPES.find((x) => x.action === action);
  if (r) return r.needs.every(([item, n]) => (s.inventory[item] ?? 0) >= n) && (!r.needsTable || withinReach(s.nearestTable));
  return action >= 0 && action < NUM_ACTIONS;
}

/** The legal-action mask (1 = legal); noop and the moves are always legal. */
export function legalMask(s: MinecraftState): Uint8Array {
  const mask = new Uint8Array(NUM_ACTIONS);
  for (let a = 0; a < NUM_ACTIONS; a++) mask[a] = isLegal(s, a) ? 1 : 0;
  return mask;
}
