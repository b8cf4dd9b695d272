// CraftWorld-v0: a small Minecraft-like crafting world where knowing the tech tree helps. A
// square grid of grass, trees, stone, iron and water; the agent walks on grass, faces a
// direction, harvests the faced tile, crafts and places stations on the faced grass cell (or the
// first grass neighbour N, S, W, E when the faced cell is not grass); rules in craft-world-rules.ts.
// Reward is sparse: +1 per first-time milestone, or only for the iron pickaxe with
// reward 'goal'. The episode terminates on the iron pickaxe and truncates at `maxSteps`.
// Observation (float32, all in [0, 1]): egocentric (2r+1)^2 view x 7 channels (tree, stone,
// iron, water, table, furnace, outside-map; grass = all zero), inventory counts / 9 clipped,
// facing one-hot, near-table and near-furnace flags, elapsed-time fraction.
// This module must not draw random numbers outside reset (map generation).
import type { Env, EnvInfo, PortableStateEnv, ResetArgs, ResetResult, StepResult } from './env';
import { EnvStateError, InvalidActionError, InvalidOptionError, ResetNeededError } from './errors';
import { decodeCraftWorldState, encodeCraftWorldState, type CraftWorldConfig } from './craft-world-state';
import { freshSeed } from './entropy';
import { difficultyParams, DIFFICULTIES, generateMap, type Difficulty } from './craft-world-map';
import {
  Action,
  ACTION_NAMES,
  DX,
  DY,
  GOAL_MILESTONE,
  HARVEST_BY_TILE,
  MILESTONES,
  NUM_ITEMS,
  RECIPE_BY_ACTION,
  Tile,
  type Milestone,
} from './craft-world-rules';
import { describeCraftWorld } from './craft-world-describe';
import { Pcg64 } from './numpy-random';
import { checkOptionKeys, enumOption, intOption } from './options';
import { boxSpace, discreteSpace, type BoxSpace, type DiscreteSpace } from './spaces';

export const CRAFTWORLD_ID = 'CraftWorld-v0';

export interface CraftWorldOptions {
  /** Side of the square map, 6..64. Default 12. */
  readonly size?: number;
  /** Resource scarcity (and lakes). Default 'normal'. */
  readonly difficulty?: Difficulty;
  /** 'milestones': +1 per first-time milestone; 'goal': +1 only for the iron pickaxe. Default 'milestones'. */
  readonly reward?: 'milestones' | 'goal';
  /** Time limit (truncation). Default 300. */
  readonly maxSteps?: number;
  /** Radius of the egocentric view, 1..5. Default 2 (a 5x5 view). */
  readonly viewRadius?: number;
  /** Registry id reported by `env.id` (set by registered variants). */
  readonly id?: string;
}

/** A full, copyable CraftWorld state (for experts, replay and checkpoints). */
export interface CraftWorldState {
  readonly size: number;
  readonly tiles: Uint8Array;
  readonly x: number;
  readonly y: number;
  /** 0 north, 1 south, 2 west, 3 east. */
  readonly facing: number;
  readonly inventory: Int32Array;
  /** 1 per milestone already achieved, in MILESTONES order. */
  readonly achieved: Uint8Array;
  readonly steps: number;
}

const VIEW_CHANNELS = 7; // tree, stone, iron, water, table, furnace, outside
const MILESTONE_INDEX = new Map<Milestone, number>(MILESTONES.map((m, i) => [m, i]));

export class CraftWorldEnv implements Env, PortableStateEnv {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly size: number;
  readonly difficulty: Difficulty;
  readonly rewardMode: 'milestones' | 'goal';
  readonly maxSteps: number;
  readonly viewRadius: number;
  private tiles: Uint8Array;
  private x = 0;
  private y = 0;
  private facing = 1;
  private readonly inv = new Int32Array(NUM_ITEMS);
  private readonly achieved = new Uint8Array(MILESTONES.length);
  private steps = 0;
  private started = false;
  private done = false;
  private rng: Pcg64 | undefined;

  constructor(options: CraftWorldOptions = {}) {
    checkOptionKeys(CRAFTWORLD_ID, options, ['size', 'difficulty', 'reward', 'maxSteps', 'viewRadius', 'id']);
    this.size = intOption('size', options.size, 12, 6, 64);
    this.difficulty = enumOption('difficulty', options.difficulty, 'normal', DIFFICULTIES);
    this.rewardMode = enumOption('reward', options.reward, 'milestones', ['milestones', 'goal'] as const);
    this.maxSteps = intOption('maxSteps', options.maxSteps, 300, 1, 1_000_000);
    this.viewRadius = intOption('viewRadius', options.viewRadius, 2, 1, 5);
    this.id = options.id ?? CRAFTWORLD_ID;
    const side = 2 * this.viewRadius + 1;
    this.observationSpace = boxSpace([side * side * VIEW_CHANNELS + NUM_ITEMS + 4 + 2 + 1], 0, 1);
    this.actionSpace = discreteSpace(ACTION_NAMES);
    this.tiles = new Uint8Array(this.size * this.size);
  }

  reset(args: ResetArgs = {}): ResetResult {
    checkOptionKeys(`${this.id} reset`, args.options ?? {}, []);
    const rng = args.seed !== undefined ? Pcg64.fromSeed(args.seed) : (this.rng ?? Pcg64.fromSeed(freshSeed()));
    const map = generateMap(this.size, difficultyParams(this.difficulty, this.size), rng);
    this.rng = rng;
    this.tiles = map.tiles;
    this.x = map.startX;
    this.y = map.startY;
    this.facing = 1;
    this.inv.fill(0);
    this.achieved.fill(0);
    this.steps = 0;
    this.started = true;
    this.done = false;
    return { obs: this.observe(), info: { mapAttempts: map.attempts } };
  }

  step(action: number): StepResult {
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= ACTION_NAMES.length) {
      throw new InvalidActionError(this.id, action, `CraftWorld action must be an integer in [0, ${ACTION_NAMES.length}), got ${String(action)}`);
    }
    if (!this.started || this.done)
      throw new ResetNeededError(this.id, this.started ? 'episode is over: call reset() before step()' : 'call reset() before step()');
    if (!this.isLegal(action)) {
      throw new InvalidActionError(this.id, action, `${ACTION_NAMES[action]} is not legal now (missing ingredients, station or free grass)`);
    }
    let unlocked: Milestone | undefined;
    if (action >= Action.MOVE_NORTH && action <= Action.MOVE_EAST) {
      const d = action - 1;
      this.facing = d;
      const nx = this.x + DX[d]!;
      const ny = this.y + DY[d]!;
      if (nx >= 0 && ny >= 0 && nx < this.size && ny < this.size && this.tiles[ny * this.size + nx] === Tile.GRASS) {
        this.x = nx;
        this.y = ny;
      }
    } else if (action === Action.INTERACT) {
      const f = this.facedIndex();
      const h = f >= 0 ? HARVEST_BY_TILE[this.tiles[f]!] : undefined;
      if (h && (h.tool === undefined || this.inv[h.tool]! > 0)) {
        this.inv[h.gives]! += 1;
        this.tiles[f] = h.leaves;
        unlocked = h.milestone;
      }
    } else if (action !== Action.NOOP) {
      const r = RECIPE_BY_ACTION[action]!;
      for (const [item, n] of r.needs) this.inv[item]! -= n;
      if (r.gives) this.inv[r.gives[0]]! += r.gives[1];
      if (r.places !== undefined) this.tiles[this.placeIndex()] = r.places;
      unlocked = r.milestone;
    }
    let reward = 0;
    let info: EnvInfo = {};
    if (unlocked !== undefined) {
      const mi = MILESTONE_INDEX.get(unlocked)!;
      if (!this.achieved[mi]) {
        this.achieved[mi] = 1;
        if (this.rewardMode === 'milestones' || unlocked === GOAL_MILESTONE) reward = 1;
        info = { milestone: unlocked };
      }
    }
    this.steps += 1;
    const terminated = unlocked === GOAL_MILESTONE;
    const truncated = !terminated && this.steps >= this.maxSteps;
    if (terminated) info = { ...info, success: true };
    this.done = terminated || truncated;
    return { obs: this.observe(), reward, terminated, truncated, info };
  }

  legalActions(): Uint8Array {
    const mask = new Uint8Array(ACTION_NAMES.length);
    for (let a = 0; a < mask.length; a++) mask[a] = this.isLegal(a) ? 1 : 0;
    return mask;
  }

  /** Whether `action` is legal now: moves, noop and interact always; crafts when ingredients, station and (for placing) faced grass are there. */
  isLegal(action: number): boolean {
    const r = RECIPE_BY_ACTION[action];
    if (!r) return action >= 0 && action < ACTION_NAMES.length;
    for (const [item, n] of r.needs) if (this.inv[item]! < n) return false;
    if (r.nearTable && !this.isNear(Tile.TABLE)) return false;
    if (r.nearFurnace && !this.isNear(Tile.FURNACE)) return false;
    if (r.places !== undefined && this.placeIndex() < 0) return false;
    return true;
  }

  /** True when a `tile` is within one cell (8-neighbourhood) of the agent. */
  isNear(tile: Tile): boolean {
    const s = this.size;
    for (let y = Math.max(0, this.y - 1); y <= Math.min(s - 1, this.y + 1); y++) {
      for (let x = Math.max(0, this.x - 1); x <= Math.min(s - 1, this.x + 1); x++) if (this.tiles[y * s + x] === tile) return true;
    }
    return false;
  }

  describe(): string {
    if (!this.started) return 'CraftWorld: no episode started yet.';
    return describeCraftWorld(this.getState(), this.maxSteps, this.legalActions());
  }

  close(): void {
    this.done = true;
  }

  /** A deep copy of the full state. */
  getState(): CraftWorldState {
    return {
      size: this.size,
      tiles: this.tiles.slice(),
      x: this.x,
      y: this.y,
      facing: this.facing,
      inventory: this.inv.slice(),
      achieved: this.achieved.slice(),
      steps: this.steps,
    };
  }

  /** The options the state depends on (all but `id`). */
  get config(): CraftWorldConfig {
    return { size: this.size, difficulty: this.difficulty, rewardMode: this.rewardMode, maxSteps: this.maxSteps, viewRadius: this.viewRadius };
  }

  /** The full state and options as compact versioned bytes (craft-world-state.ts; 130 bytes at 12x12). */
  exportState(): Uint8Array {
    if (!this.started) throw new ResetNeededError(this.id, 'no episode to export: call reset() first');
    return encodeCraftWorldState({ config: this.config, state: this.getState(), done: this.done });
  }

  /**
   * Restores bytes from `exportState()` of an env with the same options; throws EnvStateError on
   * malformed bytes or other options, and then nothing changes. The generator used by the next
   * unseeded reset is not part of the state.
   */
  importState(bytes: Uint8Array): void {
    const p = decodeCraftWorldState(bytes, this.id);
    const mine = this.config;
    for (const k of Object.keys(mine) as (keyof CraftWorldConfig)[]) {
      if (p.config[k] !== mine[k])
        throw new EnvStateError(this.id, 'mismatch', k, `${this.id}: state is from an env with ${k}=${String(p.config[k])}, this one has ${String(mine[k])}`);
    }
    this.restore(p.state, p.done);
  }

  /** A new env with the options and state carried by `bytes` (EnvStateError when malformed); `id` as reported by `env.id`. */
  static fromState(bytes: Uint8Array, id: string = CRAFTWORLD_ID): CraftWorldEnv {
    const p = decodeCraftWorldState(bytes, id);
    const c = p.config;
    const env = new CraftWorldEnv({ size: c.size, difficulty: c.difficulty, reward: c.rewardMode, maxSteps: c.maxSteps, viewRadius: c.viewRadius, id });
    env.restore(p.state, p.done);
    return env;
  }

  /** Restores a state (validated first; nothing changes on error). Starts a steppable episode. */
  setState(s: CraftWorldState): void {
    const bad = (what: string): never => {
      throw new InvalidOptionError('state', what, `invalid CraftWorld state: ${what}`);
    };
    if (s.size !== this.size || !(s.tiles instanceof Uint8Array) || s.tiles.length !== this.size * this.size) bad('size/tiles');
    if (s.tiles.some((t) => t > Tile.FURNACE)) bad('tile value');
    if (!Number.isInteger(s.x) || !Number.isInteger(s.y) || s.x < 0 || s.y < 0 || s.x >= this.size || s.y >= this.size) bad('position');
    if (s.tiles[s.y * this.size + s.x] !== Tile.GRASS) bad('agent must stand on grass');
    if (!Number.isInteger(s.facing) || s.facing < 0 || s.facing > 3) bad('facing');
    if (s.inventory.length !== NUM_ITEMS || s.inventory.some((n) => n < 0)) bad('inventory');
    if (s.achieved.length !== MILESTONES.length) bad('achieved');
    if (!Number.isInteger(s.steps) || s.steps < 0 || s.steps >= this.maxSteps) bad('steps');
    this.restore(s, false);
  }

  /** Installs an already validated state. */
  private restore(s: CraftWorldState, done: boolean): void {
    this.tiles = s.tiles.slice();
    this.x = s.x;
    this.y = s.y;
    this.facing = s.facing;
    this.inv.set(s.inventory);
    this.achieved.set(s.achieved);
    this.steps = s.steps;
    this.started = true;
    this.done = done;
  }

  private facedIndex(): number {
    const nx = this.x + DX[this.facing]!;
    const ny = this.y + DY[this.facing]!;
    return nx >= 0 && ny >= 0 && nx < this.size && ny < this.size ? ny * this.size + nx : -1;
  }

  /** Where a placed station goes: the faced cell if grass, else the first grass neighbour (N, S, W, E); -1 if none. */
  private placeIndex(): number {
    const f = this.facedIndex();
    if (f >= 0 && this.tiles[f] === Tile.GRASS) return f;
    for (let d = 0; d < 4; d++) {
      const nx = this.x + DX[d]!;
      const ny = this.y + DY[d]!;
      if (nx >= 0 && ny >= 0 && nx < this.size && ny < this.size && this.tiles[ny * this.size + nx] === Tile.GRASS) return ny * this.size + nx;
    }
    return -1;
  }

  private observe(): Float32Array {
    const obs = new Float32Array(this.observationSpace.low.length);
    const r = this.viewRadius;
    const s = this.size;
    let o = 0;
    for (let dy = -r; dy <= r; dy++) {
      const y = this.y + dy;
      for (let dx = -r; dx <= r; dx++, o += VIEW_CHANNELS) {
        const x = this.x + dx;
        if (x < 0 || y < 0 || x >= s || y >= s) obs[o + 6] = 1;
        else {
          const t = this.tiles[y * s + x]!;
          if (t !== Tile.GRASS) obs[o + t - 1] = 1;
        }
      }
    }
    for (let i = 0; i < NUM_ITEMS; i++) obs[o + i] = Math.min(this.inv[i]!, 9) / 9;
    o += NUM_ITEMS;
    obs[o + this.facing] = 1;
    o += 4;
    obs[o] = this.isNear(Tile.TABLE) ? 1 : 0;
    obs[o + 1] = this.isNear(Tile.FURNACE) ? 1 : 0;
    obs[o + 2] = this.steps / this.maxSteps;
    return obs;
  }
}
