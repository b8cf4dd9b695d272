// How a Minecraft-v0 action becomes mineflayer calls on a live bot: movement controls held for
// the step, 90-degree turns, digging the lowest block in front or hitting the player there (a dig
// continues across steps until the block breaks, like a player holding the mouse button: other
// actions do not stop it unless they turn the bot, step back, or the bot is no longer in front of
// the block; `digThroughActions: false` restores stop-on-any-other-action), placing a held crafting table, crafting
// (server-side on the local flying-squid, which has no crafting; the crafting protocol on a real
// server) and equipping the pickaxe. Slow calls run in the background; a failed one is counted,
// never thrown into the step. Must not read or write env state beyond the bot and `facing`.
import { Action, Category, categoryOf, FORWARD, RECIPE_BY_ACTION } from './rules';
import type { LocalServer } from './local-server';
import { Vec3 } from './runtime-deps';

/* eslint-disable @typescript-eslint/no-explicit-any -- mineflayer runtime objects (see bot-view.ts) */
type Bot = any;

export class BotActuator {
  /** Background calls (dig, place, craft, equip) that failed so far. */
  failures = 0;
  /** Digs stopped by another action before the block broke. */
  digsAborted = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly bot: Bot,
    private readonly username: string,
    private readonly server: LocalServer | undefined,
    private readonly digThroughActions = true,
  ) {}

  /** Yaw of a facing (0 north, 1 west, 2 south, 3 east) in mineflayer's convention. */
  static yawOf(facing: number): number {
    return (facing * Math.PI) / 2;
  }

  /** Applies `action` (already mapped to noop when illegal); returns the new facing. */
  apply(action: number, facing: number): number {
    const bot = this.bot;
    if (action !== Action.dig && bot.targetDigBlock && this.stopsDig(action, facing)) bot.stopDigging();
    bot.setControlState('forward', action === Action.forward || action === Action.jump);
    bot.setControlState('back', action === Action.back);
    bot.setControlState('jump', action === Action.jump);
    if (action === Action.turn_left) facing = (facing + 1) & 3;
    else if (action === Action.turn_right) facing = (facing + 3) & 3;
    else if (action === Action.dig) this.dig(facing);
    else if (action === Action.place_table) this.background(() => this.placeTable(facing));
    else if (action === Action.equip_tool) this.background(() => this.equipTool());
    else {
      const recipe = RECIPE_BY_ACTION.get(action);
      if (recipe) this.background(() => this.craft(recipe.result, recipe.needsTable));
    }
    this.face(facing);
    return facing;
  }

  /** Whether `action` (not dig) ends the dig in progress: a turn, a step back, or the bot no longer facing the dug column. */
  private stopsDig(action: number, facing: number): boolean {
    if (!this.digThroughActions || action === Action.back || action === Action.turn_left || action === Action.turn_right) return true;
    const target = this.bot.targetDigBlock.position;
    const f = this.frontCell(facing);
    return target.x !== f.x || target.z !== f.z || target.y < f.y - 1 || target.y > f.y + 3;
  }

  /** Turns the bot to `facing`, level (instant on the client; the server hears it next tick). */
  face(facing: number): void {
    const yaw = BotActuator.yawOf(facing);
    const e = this.bot.entity;
    if (Math.abs(e.yaw - yaw) > 1e-3 || Math.abs(e.pitch) > 1e-3) this.bot.look(yaw, 0, true).catch(() => (this.failures += 1));
  }

  /** Stops everything the bot was doing (episode end, reset). */
  halt(): void {
    this.bot.clearControlStates();
    if (this.bot.targetDigBlock) this.bot.stopDigging();
  }

  private background(f: () => Promise<unknown>): void {
    if (this.pending) return; // one slow call at a time; the action is a no-op meanwhile
    this.pending = f()
      .then(() => undefined)
      .catch(() => {
        this.failures += 1;
      })
      .finally(() => {
        this.pending = undefined;
      });
  }

  private frontCell(facing: number): { x: number; y: number; z: number } {
    const p = this.bot.entity.position;
    const [dx, dz] = FORWARD[facing]!;
    return { x: Math.floor(p.x) + dx, y: Math.floor(p.y + 1e-6), z: Math.floor(p.z) + dz };
  }

  private dig(facing: number): void {
    const bot = this.bot;
    const f = this.frontCell(facing);
    const victim = Object.values(bot.entities as Record<string, any>).find(
      (e) =>
        e !== bot.entity &&
        e.type === 'player' &&
        Math.floor(e.position.x) === f.x &&
        Math.floor(e.position.z) === f.z &&
        Math.abs(Math.floor(e.position.y) - f.y) <= 1,
    );
    if (victim) {
      bot.attack(victim);
      return;
    }
    for (let h = 0; h < 4; h++) {
      const block = bot.blockAt(Vec3(f.x, f.y + h, f.z));
      const cat = categoryOf(block?.name);
      if (!block || cat === Category.AIR || cat === Category.LIQUID || block.name === 'bedrock') continue;
      const current = bot.targetDigBlock;
      if (current && current.position.equals(block.position)) return; // still digging it
      if (current) bot.stopDigging();
      bot.dig(block, 'ignore').catch((e: unknown) => {
        // stopDigging (another action, episode end) rejects the dig on purpose: counted apart
        if (String((e as Error)?.message).includes('aborted')) this.digsAborted += 1;
        else this.failures += 1;
      });
      return;
    }
  }

  private async placeTable(facing: number): Promise<void> {
    const bot = this.bot;
    const table = bot.inventory.items().find((i: any) => i.name === 'crafting_table');
    if (!table) return;
    const f = this.frontCell(facing);
    const ground = bot.blockAt(Vec3(f.x, f.y - 1, f.z));
    if (!ground) return;
    await bot.equip(table, 'hand');
    await bot.placeBlock(ground, Vec3(0, 1, 0));
  }

  private async equipTool(): Promise<void> {
    const tool = this.bot.inventory.items().find((i: any) => i.name === 'wooden_pickaxe');
    if (tool) await this.bot.equip(tool, 'hand');
  }

  private async craft(result: string, needsTable: boolean): Promise<void> {
    if (this.server) {
      if (!(await this.server.craft(this.username, result))) this.failures += 1;
      return;
    }
    const bot = this.bot;
    const item = bot.registry.itemsByName[result];
    const table = needsTable ? bot.findBlock({ matching: bot.registry.blocksByName.crafting_table.id, maxDistance: 4 }) : null;
    const recipe = bot.recipesFor(item.id, null, 1, table)[0];
    if (!recipe) throw new Error(`no recipe for ${result} with this inventory`);
    await bot.craft(recipe, 1, table ?? undefined);
  }
}
