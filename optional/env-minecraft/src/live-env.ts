// The live Minecraft-v0 env (`minecraftEnvSpec().createAsync`): one mineflayer bot on a server
// (the process's local flying-squid when no host is configured). reset() draws a seeded start,
// empties the inventory and teleports there; step() applies one action, waits `ticksPerStep`
// physics ticks (50 ms each) and captures the state (observation, reward, exportState). A step
// slower than stepTimeoutMs ends the episode (truncated, info.timeout); a bot that disconnects
// ends it too (truncated, info.disconnected) and is reconnected by the next reset.
// Must not import anything from a service; the only randomness is the seeded start generator.
import {
  InvalidActionError,
  ResetNeededError,
  EnvError,
  Pcg64,
  randInt,
  type AsyncEnv,
  type BoxSpace,
  type DiscreteSpace,
  type EnvInfo,
  type ResetArgs,
  type ResetResult,
  type StepResult,
} from '@ala/envs';
import { BotActuator } from './bot-actions';
import { describeMinecraft } from './describe';
import { viewOf, type BotLike } from './bot-view';
import { legalMask } from './legal';
import { acquireLocalServer, type LocalServer } from './local-server';
import { encodeObservation, minecraftObservationSpace } from './observation';
import { botUsername, minecraftConfig, type MinecraftConfig, type MinecraftOptions } from './options';
import { Action, ACTION_NAMES, NUM_ITEMS } from './rules';
import { encodeMinecraftState, type MinecraftState } from './state';
import { minecraftActionSpace } from './state-env';
import { scoreStep } from './task';
import { connectBot, waitTicks, withTimeout, type Bot } from './bot-connection';
import { hasTree, SURFACE_Y } from './world-gen';

const RESET_TIMEOUT_MS = 30_000;

class StepTimeout extends Error {}

export class LiveMinecraftEnv implements AsyncEnv {
  readonly id: string;
  readonly observationSpace: BoxSpace = minecraftObservationSpace();
  readonly actionSpace: DiscreteSpace = minecraftActionSpace();
  readonly username: string;
  private bot: Bot | undefined;
  private actuator: BotActuator | undefined;
  private reconnecting: Promise<void> | undefined;
  private state: MinecraftState | undefined;
  private facing = 0;
  private start: [number, number, number] = [0, 0, 0];
  private rng: Pcg64;
  private closed = false;
  /** Reconnections so far (exposed in info). */
  reconnects = 0;

  private constructor(
    readonly config: MinecraftConfig,
    private readonly server: LocalServer | undefined,
  ) {
    this.id = config.id;
    this.username = botUsername(config);
    this.rng = Pcg64.fromSeed(BigInt(config.worldSeed) * 1_000_003n + BigInt(config.index));
  }

  static async create(options: MinecraftOptions): Promise<LiveMinecraftEnv> {
    const config = minecraftConfig(options);
    const server = config.host === undefined ? await acquireLocalServer(config.version, config.worldSeed) : undefined;
    const env = new LiveMinecraftEnv(config, server);
    try {
      await env.connect();
    } catch (e) {
      await server?.release();
      throw e;
    }
    return env;
  }

  private async connect(): Promise<void> {
    const c = this.config;
    const host = this.server?.host ?? c.host!;
    const port = this.server?.port ?? c.port ?? 25565;
    this.bot = await connectBot({ host, port, username: this.username, version: c.version, auth: c.auth }, () => this.closed);
    this.actuator = new BotActuator(this.bot, this.username, this.server, c.digThroughActions);
  }

  private connected(): boolean {
    return this.bot !== undefined && !this.bot.alaEnded;
  }

  async reset(args: ResetArgs = {}): Promise<ResetResult> {
    if (this.closed) throw new EnvError(`${this.id}: env is closed`);
    if (args.seed !== undefined) this.rng = Pcg64.fromSeed(args.seed);
    const half = this.config.startArea / 2;
    let x: number;
    let z: number;
    do {
      x = Math.floor(this.rng.nextFloat() * 2 * half - half);
      z = Math.floor(this.rng.nextFloat() * 2 * half - half);
    } while (this.server && hasTree(this.server.worldSeed, x, z));
    this.facing = randInt(this.rng, 4);
    // a connection that is dying (the server already dropped the player) fails the first attempt: reconnect and retry once
    for (let attempt = 0; ; attempt++) {
      if (!this.connected()) {
        this.reconnecting ??= this.connect().finally(() => (this.reconnecting = undefined));
        await this.reconnecting;
        this.reconnects += 1;
      }
      try {
        await withTimeout(
          this.placeBot(x + 0.5, SURFACE_Y + 1, z + 0.5),
          RESET_TIMEOUT_MS,
          () => new EnvError(`${this.id}: reset of ${this.username} took more than ${RESET_TIMEOUT_MS} ms`),
        );
        break;
      } catch (e) {
        if (attempt > 0) throw e instanceof EnvError ? e : new EnvError(`${this.id}: reset of ${this.username} failed: ${String(e)}`, { cause: e });
        this.bot!.alaEnded = true;
        this.bot!.quit();
      }
    }
    const bot = this.bot!;
    const p = bot.entity.position;
    this.start = [p.x, p.y, p.z];
    const view = viewOf(bot as unknown as BotLike, this.facing);
    // items still held (a server that cannot clear inventories) count as reached milestones, unrewarded
    const milestones = scoreStep('techtree', new Array(NUM_ITEMS).fill(0), view.inventory, 0, 0).milestones;
    this.state = {
      ...view,
      task: this.config.task,
      maxSteps: this.config.maxSteps,
      steps: 0,
      done: false,
      start: this.start,
      facing: this.facing,
      milestones,
      logsCollected: 0,
    };
    return { obs: encodeObservation(this.state), info: { username: this.username, start: [...this.start], facing: this.facing } };
  }

  /** Empties the inventory and teleports the bot to (x, y, z) (a remote server keeps the bot's height), then faces `this.facing`. */
  private async placeBot(x: number, y: number, z: number): Promise<void> {
    const bot = this.bot!;
    this.actuator!.halt();
    const arrived = async (ticks: number): Promise<boolean> => {
      for (let i = 0; i < ticks; i++) {
        const p = bot.entity.position;
        if (Math.abs(p.x - x) < 0.3 && Math.abs(p.z - z) < 0.3) return true;
        await waitTicks(bot, 1);
      }
      return false;
    };
    if (this.server) {
      await this.server.resetPlayer(this.username, x, y, z, 12);
      await arrived(60);
    } else {
      bot.chat(`/clear ${this.username}`);
      // explicit coordinates at the bot's current height: flying-squid misreads `~`, and `/spreadplayers`
      // is vanilla-only; a server may still move a fresh player back once (flying-squid's end of login),
      // so the position must hold for 10 ticks, else the teleport is sent again (3 tries)
      for (let attempt = 0; attempt < 3; attempt++) {
        bot.chat(`/tp ${this.username} ${x} ${Math.floor(bot.entity.position.y)} ${z}`);
        if (!(await arrived(40))) continue;
        await waitTicks(bot, 10);
        if (await arrived(1)) break;
      }
    }
    this.actuator!.face(this.facing);
    await waitTicks(bot, 2);
  }

  async step(action: number): Promise<StepResult> {
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= ACTION_NAMES.length) {
      throw new InvalidActionError(this.id, action, `Minecraft action must be an integer in [0, ${ACTION_NAMES.length}), got ${String(action)}`);
    }
    const prev = this.state;
    if (!prev || prev.done) throw new ResetNeededError(this.id, prev ? 'episode is over: call reset() before step()' : 'call reset() before step()');
    const info: EnvInfo = {};
    const legal = legalMask(prev)[action] === 1;
    if (!legal) info.illegalAction = ACTION_NAMES[action];
    let timeout = false;
    let disconnected = !this.connected();
    if (!disconnected) {
      const bot = this.bot!;
      try {
        this.facing = this.actuator!.apply(legal ? action : Action.noop, this.facing);
        await withTimeout(waitTicks(bot, this.config.ticksPerStep), this.config.stepTimeoutMs, () => new StepTimeout());
      } catch (e) {
        if (e instanceof StepTimeout) timeout = true;
        else if (!this.connected()) disconnected = true;
        else throw e;
      }
      if (!this.connected()) disconnected = true;
    }
    const view = disconnected ? prev : viewOf(this.bot as unknown as BotLike, this.facing);
    const outcome = scoreStep(prev.task, prev.inventory, view.inventory, prev.milestones, prev.logsCollected);
    const steps = prev.steps + 1;
    const terminated = !disconnected && outcome.terminated;
    const truncated = !terminated && (timeout || disconnected || steps >= prev.maxSteps);
    if (timeout) info.timeout = true;
    if (disconnected) info.disconnected = true;
    if (outcome.reached.length) info.milestones = outcome.reached;
    if (terminated) info.success = true;
    info.actionFailures = this.actuator?.failures ?? 0;
    this.state = {
      ...prev,
      ...view,
      facing: this.facing,
      steps,
      done: terminated || truncated,
      milestones: outcome.milestones,
      logsCollected: outcome.logsCollected,
    };
    if ((terminated || truncated) && this.connected()) this.actuator!.halt();
    return { obs: encodeObservation(this.state), reward: disconnected ? 0 : outcome.reward, terminated, truncated, info };
  }

  /** The state captured at the end of the last reset/step (ResetNeededError before the first reset). */
  currentState(): MinecraftState {
    if (!this.state) throw new ResetNeededError(this.id, 'no episode yet: call reset() first');
    return this.state;
  }

  exportState(): Uint8Array {
    return encodeMinecraftState(this.currentState());
  }

  /** Mask of the captured state; before the first reset, noop and the moves. */
  async legalActions(): Promise<Uint8Array> {
    if (this.state) return legalMask(this.state);
    return Uint8Array.from(ACTION_NAMES, (_, a) => (a <= Action.jump ? 1 : 0));
  }

  async describe(): Promise<string> {
    return this.state ? describeMinecraft(this.state) : 'Minecraft: no episode started yet.';
  }

  /** Drops the connection without closing the env (tests of the reconnect path). */
  dropConnection(): void {
    this.bot?._client.end('test: connection dropped');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.bot && !this.bot.alaEnded) {
      const ended = new Promise<void>((resolve) => this.bot!.once('end', () => resolve()));
      this.bot.quit();
      // a bot that has not ended 5 s after quit() loses its socket now (the server then drops the player)
      await withTimeout(ended, 5000, () => new Error('quit timeout')).catch(() => this.bot?._client.end('quit timeout'));
    }
    await this.server?.release();
  }
}

/** `createAsync` of the spec. */
export function createLiveMinecraftEnv(options: MinecraftOptions): Promise<LiveMinecraftEnv> {
  return LiveMinecraftEnv.create(options);
}
