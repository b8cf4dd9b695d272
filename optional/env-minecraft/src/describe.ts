// Minecraft-v0's text description for LLM advisors: task and progress, where the bot stands and
// faces, what is in front of it, inventory, health and food, the nearest log and crafting table
// in egocentric words, milestones, legal actions and the recipes. Pure function of a captured
// state; must not reach into a bot.
import { legalMask, digTargetLevel } from './legal';
import { ACTION_NAMES, CATEGORY_NAMES, FACING_NAMES, GRID_CELLS, Item, ITEM_NAMES, MILESTONES, worldToEgo } from './rules';
import type { MinecraftState, Offset } from './state';
import { cellAt } from './legal';

function offsetText(facing: number, o: Offset, what: string): string {
  if (!o) return `no ${what} in sight`;
  const [fwd, right] = worldToEgo(facing, o[0], o[2]);
  const parts: string[] = [];
  if (fwd !== 0) parts.push(`${Math.abs(fwd)} ${fwd > 0 ? 'ahead' : 'behind'}`);
  if (right !== 0) parts.push(`${Math.abs(right)} to the ${right > 0 ? 'right' : 'left'}`);
  if (o[1] !== 0) parts.push(`${Math.abs(o[1])} ${o[1] > 0 ? 'up' : 'down'}`);
  return `${what} ${parts.join(', ') || 'right here'}`;
}

const RECIPES_TEXT =
  'craft_planks: 1 log -> 4 planks; craft_sticks: 2 planks -> 4 sticks; craft_table: 4 planks -> crafting table; ' +
  'craft_pickaxe: 3 planks + 2 sticks with a placed crafting table within 4 blocks -> wooden pickaxe; place_table puts a held table on the free cell in front';

export function describeMinecraft(s: MinecraftState): string {
  if (s.grid.length !== GRID_CELLS) return 'Minecraft: no episode started yet.';
  const goal =
    s.task === 'logs'
      ? `Goal: collect as many logs as possible (+1 per log picked up); ${s.logsCollected} collected so far.`
      : 'Goal: the tech tree log -> planks -> sticks -> crafting table -> wooden pickaxe (+1 per first item of each kind; the pickaxe ends the episode).';
  const h = digTargetLevel(s);
  const front =
    h >= 0 ? `${h >= 3 ? 'a log' : CATEGORY_NAMES[cellAt(s, h + 1, 1, 0)]} ${h === 0 ? 'at your feet level' : `${h} up`} (dig reaches it)` : 'nothing to dig';
  const inv = ITEM_NAMES.flatMap((name, i) => ((s.inventory[i] ?? 0) > 0 ? [`${s.inventory[i]} ${name}`] : []));
  const done = MILESTONES.filter((_, i) => (s.milestones >> i) & 1);
  const next = MILESTONES.find((_, i) => !((s.milestones >> i) & 1));
  const legal = legalMask(s);
  const legalNames = ACTION_NAMES.filter((_, a) => legal[a]);
  return [
    `Minecraft, step ${s.steps}/${s.maxSteps}${s.done ? ' (episode over)' : ''}. ${goal}`,
    `You stand at x=${s.x.toFixed(1)} y=${s.y.toFixed(1)} z=${s.z.toFixed(1)}, facing ${FACING_NAMES[s.facing]}; in front of you: ${front}${s.entityInFront ? ', and another player' : ''}.`,
    `Health ${s.health.toFixed(0)}/20, food ${s.food}/20, time of day ${s.timeOfDay}/24000.${s.toolHeld ? ' You hold a wooden pickaxe.' : ''}`,
    `Inventory: ${inv.length ? inv.join(', ') : 'empty'}.`,
    `Nearest: ${offsetText(s.facing, s.nearestLog, 'log')}; ${offsetText(s.facing, s.nearestTable, 'crafting table')}.`,
    s.task === 'techtree'
      ? `Milestones done: ${done.length ? done.join(', ') : 'none'}.${next ? ` Next: ${next}.` : ''}`
      : `Logs held: ${s.inventory[Item.LOG] ?? 0}.`,
    `Legal actions now: ${legalNames.join(', ')}.`,
    `Moves: forward/back walk, turn_left/turn_right turn 90 degrees, jump jumps forward, dig digs the lowest block in front (or hits a player there). Recipes: ${RECIPES_TEXT}.`,
  ].join('\n');
}
