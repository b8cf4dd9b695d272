// Minecraft-v0's scripted expert: from a captured state only (the state-view env), head for the
// nearest log and dig it; for the tech tree, craft planks, a crafting table, place it, sticks and
// the wooden pickaxe as soon as each recipe is available. Scores: 1 for the planned action, 0 for
// other legal actions, -Infinity for illegal ones; the standard accuracy/adversarial knobs come
// from @ala/envs' createExpert. Must not touch a bot or mutate the env.
import { createExpert, type Env, type Expert, type ExpertKnobs } from '@ala/envs';
import { cellAt, digTargetLevel, isLegal, legalMask, withinReach } from './legal';
import { Action, Category, Item, MINECRAFT_ID, worldToEgo } from './rules';
import type { MinecraftState, Offset } from './state';

/** Step around or over what blocks the way forward, or walk. */
function forwardOrAround(s: MinecraftState): number {
  const feet = cellAt(s, 1, 1, 0);
  const head = cellAt(s, 2, 1, 0);
  if (feet === Category.LOG || head === Category.LOG) return Action.dig;
  if (feet === Category.AIR && head === Category.AIR && !s.entityInFront) return Action.forward;
  if (feet !== Category.AIR && head === Category.AIR && cellAt(s, 3, 1, 0) === Category.AIR && !s.entityInFront) return Action.jump;
  return Action.turn_right;
}

/** One step towards standing next to the block at offset `o`, facing it; `onArrival` when there. */
function approach(s: MinecraftState, o: Offset, onArrival: number): number {
  if (!o) return forwardOrAround(s); // nothing in sight: explore
  const [fwd, right] = worldToEgo(s.facing, o[0], o[2]);
  if (right === 0 && fwd === 1) return onArrival;
  if (right === 0 && fwd > 1) return forwardOrAround(s);
  if (right === 0 && fwd === 0) return Action.back; // inside the column (a log above the head)
  if (right === 0) return Action.turn_left; // behind: turn around
  if (fwd > 0) return forwardOrAround(s);
  return right > 0 ? Action.turn_right : Action.turn_left;
}

/** One step of collecting a log: dig a log in front, else walk to the nearest one. */
function gatherLog(s: MinecraftState): number {
  const h = digTargetLevel(s);
  if (h >= 0 && (h === 3 || cellAt(s, h + 1, 1, 0) === Category.LOG)) return Action.dig;
  return approach(s, s.nearestLog, isLegal(s, Action.dig) ? Action.dig : Action.forward);
}

/** The action the expert plans in state `s`. */
export function plannedAction(s: MinecraftState): number {
  if (s.task === 'logs') return gatherLog(s);
  const inv = (i: number): number => s.inventory[i] ?? 0;
  if (inv(Item.PICKAXE) > 0) return isLegal(s, Action.equip_tool) ? Action.equip_tool : Action.noop;
  if (isLegal(s, Action.craft_pickaxe)) return Action.craft_pickaxe;
  const tablePlaced = s.nearestTable !== undefined;
  const needPlanks = (tablePlaced || inv(Item.TABLE) > 0 ? 0 : 4) + (inv(Item.STICK) >= 2 ? 0 : 2) + 3;
  if (inv(Item.PLANKS) < needPlanks) return inv(Item.LOG) > 0 ? Action.craft_planks : gatherLog(s);
  if (!tablePlaced && inv(Item.TABLE) === 0) return Action.craft_table;
  if (inv(Item.STICK) < 2) return Action.craft_sticks;
  if (!tablePlaced) return isLegal(s, Action.place_table) ? Action.place_table : Action.turn_right;
  if (!withinReach(s.nearestTable)) return approach(s, s.nearestTable, Action.noop);
  return Action.noop;
}

/** Noise-free scores: 1 for the planned action, 0 for other legal actions, -Infinity for illegal ones. */
export function minecraftScores(s: MinecraftState): number[] {
  const mask = legalMask(s);
  let best = plannedAction(s);
  if (!mask[best]) best = Action.noop;
  return Array.from(mask, (m, a) => (m ? (a === best ? 1 : 0) : -Infinity));
}

/** An env the expert can read: the state-view env (or anything exposing the captured state). */
export interface MinecraftStateSource extends Env {
  currentState(): MinecraftState;
}

/** The scripted expert of Minecraft-v0 with the accuracy/adversarial knobs. */
export function minecraftExpert(knobs: ExpertKnobs = {}): Expert {
  const score = (env: Env): number[] => minecraftScores((env as MinecraftStateSource).currentState());
  return createExpert(MINECRAFT_ID, score, knobs);
}
