// Minecraft-v0's rewards: how one step's change of the bot's task inventory becomes reward,
// milestones and termination. 'logs': +1 per log picked up (inventory increase), never
// terminates. 'techtree': +1 the first time each of log, planks, stick, crafting table and wooden
// pickaxe is held this episode; the pickaxe terminates the episode (success). Pure: no bot.
import { GOAL_MILESTONE, Item, MILESTONES, NUM_ITEMS, type Task } from './rules';

export interface TaskOutcome {
  readonly reward: number;
  readonly terminated: boolean;
  /** Milestone bitmask after the step. */
  readonly milestones: number;
  /** Logs picked up so far this episode. */
  readonly logsCollected: number;
  /** Names of the milestones reached in this step. */
  readonly reached: readonly string[];
}

/** Scores the transition from inventory `before` to `after` (task-item counts, ITEM_NAMES order). */
export function scoreStep(task: Task, before: readonly number[], after: readonly number[], milestones: number, logsCollected: number): TaskOutcome {
  const gainedLogs = Math.max(0, (after[Item.LOG] ?? 0) - (before[Item.LOG] ?? 0));
  let m = milestones;
  const reached: string[] = [];
  for (let i = 0; i < NUM_ITEMS; i++) {
    if ((after[i] ?? 0) > 0 && ((m >> i) & 1) === 0) {
      m |= 1 << i;
      reached.push(MILESTONES[i]!);
    }
  }
  const reward = task === 'logs' ? gainedLogs : reached.length;
  const terminated = task === 'techtree' && ((m >> GOAL_MILESTONE) & 1) === 1;
  return { reward, terminated, milestones: m, logsCollected: logsCollected + gainedLogs, reached };
}
