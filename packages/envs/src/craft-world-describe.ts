// CraftWorld's text description for LLM advisors: position and facing, what is in front,
// inventory, the nearest tile of each kind, milestones done and missing, legal actions and the
// recipes. Pure function of a state copy; must not reach into the env.
import type { CraftWorldState } from './craft-world';
import { ACTION_NAMES, DX, DY, FACING_NAMES, ITEM_NAMES, MILESTONES, recipesText, Tile, TILE_NAMES } from './craft-world-rules';

function offsetText(dx: number, dy: number): string {
  const parts: string[] = [];
  if (dy !== 0) parts.push(`${Math.abs(dy)} ${dy < 0 ? 'north' : 'south'}`);
  if (dx !== 0) parts.push(`${Math.abs(dx)} ${dx < 0 ? 'west' : 'east'}`);
  return parts.join(' ') || 'here';
}

/** Nearest tile of each kind (Manhattan distance), as text. */
function nearestText(s: CraftWorldState): string {
  const best = new Map<number, [number, number, number]>();
  for (let i = 0; i < s.tiles.length; i++) {
    const t = s.tiles[i]!;
    if (t === Tile.GRASS) continue;
    const dx = (i % s.size) - s.x;
    const dy = Math.floor(i / s.size) - s.y;
    const d = Math.abs(dx) + Math.abs(dy);
    const cur = best.get(t);
    if (!cur || d < cur[0]) best.set(t, [d, dx, dy]);
  }
  const out: string[] = [];
  for (let t: number = Tile.TREE; t <= Tile.FURNACE; t++) {
    const b = best.get(t);
    if (b) out.push(`${TILE_NAMES[t]} ${offsetText(b[1], b[2])}`);
    else if (t === Tile.TABLE || t === Tile.FURNACE) out.push(`${TILE_NAMES[t]}: none placed`);
    else out.push(`${TILE_NAMES[t]}: none left`);
  }
  return out.join('; ');
}

export function describeCraftWorld(s: CraftWorldState, maxSteps: number, legal: Uint8Array): string {
  const fx = s.x + (DX[s.facing] ?? 0);
  const fy = s.y + (DY[s.facing] ?? 0);
  const front = fx < 0 || fy < 0 || fx >= s.size || fy >= s.size ? 'the edge of the map' : TILE_NAMES[s.tiles[fy * s.size + fx]!];
  const inv = ITEM_NAMES.flatMap((name, i) => ((s.inventory[i] ?? 0) > 0 ? [`${s.inventory[i]} ${name}`] : []));
  const done = MILESTONES.filter((_, i) => s.achieved[i]);
  const next = MILESTONES.find((_, i) => !s.achieved[i]);
  const legalNames = ACTION_NAMES.filter((_, a) => legal[a]);
  return [
    `CraftWorld ${s.size}x${s.size}, step ${s.steps}/${maxSteps}. Goal: craft an iron pickaxe.`,
    `You stand at column ${s.x}, row ${s.y} (row 0 is north), facing ${FACING_NAMES[s.facing]}; in front of you: ${front}.`,
    `Inventory: ${inv.length ? inv.join(', ') : 'empty'}.`,
    `Nearest: ${nearestText(s)}.`,
    `Milestones done: ${done.length ? done.join(', ') : 'none'}.${next ? ` Next in the tech tree: ${next}.` : ''}`,
    `Legal actions now: ${legalNames.join(', ')}.`,
    `Moves turn you and step onto grass only. Rules: ${recipesText()}.`,
  ].join('\n');
}
