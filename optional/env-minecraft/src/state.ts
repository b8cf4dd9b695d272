// Minecraft-v0's portable state: what one bot saw at the end of its last reset/step (position,
// facing, health, food, time, task inventory, milestones, the egocentric block grid, the nearest
// log and crafting table) plus the options that change rewards (task, maxSteps), as versioned,
// self-checking bytes that travel in a StateSnapshot (`envState`). The live env captures it; the
// offline state-view env and the expert read it. Decoding checks every field and a checksum and
// throws EnvStateError; it never returns a state the env could not have produced. Pure codec.
//
// Format 1 (little-endian, 292 bytes):
//   0 'M' 1 'C' 2 version (1) 3 task (0 logs, 1 techtree) 4 flags (bit 0 done, 1 tool held,
//   2 entity in front, 3 log found, 4 table found) 5 facing 6 food 7 milestones bitmask |
//   8 steps u32 12 maxSteps u32 16 logsCollected u32 20 timeOfDay u16 22 zero u16 24 health f32 |
//   28 x 36 y 44 z 52 startX 60 startY 68 startZ (f64) | 76 inventory 5 x u16 (ITEM_NAMES order) |
//   86 nearest log dx dy dz (i8) 89 nearest table dx dy dz (i8) | 92 grid, one category per byte
//   (rules.ts gridIndex order) | 288 FNV-1a 32 of bytes 0..287.
import { EnvStateError, type EnvStateErrorReason } from '@ala/envs';
import { GRID_CELLS, MILESTONES, MINECRAFT_ID, NUM_CATEGORIES, NUM_ITEMS, TASKS, type Task } from './rules';

export const MINECRAFT_STATE_FORMAT = 1;
export const MINECRAFT_STATE_BYTES = 92 + GRID_CELLS + 4;
const MAX_COUNT = 36 * 64; // a full inventory of one item
const MAX_COORD = 30_000_000; // the Minecraft world border
export const MAX_MAX_STEPS = 1_000_000;

/** A block offset from the bot's feet cell (world axes), or undefined when none is in range. */
export type Offset = readonly [dx: number, dy: number, dz: number] | undefined;

/** Everything the bytes carry. */
export interface MinecraftState {
  readonly task: Task;
  readonly maxSteps: number;
  readonly steps: number;
  /** The episode is over (terminated or truncated). */
  readonly done: boolean;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly start: readonly [number, number, number];
  /** 0 north, 1 west, 2 south, 3 east (rules.ts FACING_NAMES). */
  readonly facing: number;
  readonly health: number;
  readonly food: number;
  readonly timeOfDay: number;
  /** Counts of the task items (rules.ts ITEM_NAMES order). */
  readonly inventory: readonly number[];
  /** Bit i = MILESTONES[i] reached this episode. */
  readonly milestones: number;
  readonly logsCollected: number;
  readonly toolHeld: boolean;
  readonly entityInFront: boolean;
  readonly nearestLog: Offset;
  readonly nearestTable: Offset;
  /** GRID_CELLS category codes, egocentric (rules.ts gridIndex). */
  readonly grid: Uint8Array;
}

function fnv1a(bytes: Uint8Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h >>> 0;
}

const clip8 = (v: number): number => Math.max(-127, Math.min(127, Math.round(v)));

/** Packs a state (the live env's own capture, so it is valid by construction). */
export function encodeMinecraftState(s: MinecraftState): Uint8Array {
  const out = new Uint8Array(MINECRAFT_STATE_BYTES);
  const dv = new DataView(out.buffer);
  const flags = (s.done ? 1 : 0) | (s.toolHeld ? 2 : 0) | (s.entityInFront ? 4 : 0) | (s.nearestLog ? 8 : 0) | (s.nearestTable ? 16 : 0);
  out.set([0x4d, 0x43, MINECRAFT_STATE_FORMAT, TASKS.indexOf(s.task), flags, s.facing, s.food, s.milestones]);
  dv.setUint32(8, s.steps, true);
  dv.setUint32(12, s.maxSteps, true);
  dv.setUint32(16, s.logsCollected, true);
  dv.setUint16(20, s.timeOfDay, true);
  dv.setFloat32(24, s.health, true);
  [s.x, s.y, s.z, ...s.start].forEach((v, i) => dv.setFloat64(28 + 8 * i, v, true));
  for (let i = 0; i < NUM_ITEMS; i++) dv.setUint16(76 + 2 * i, Math.min(MAX_COUNT, s.inventory[i] ?? 0), true);
  [s.nearestLog, s.nearestTable].forEach((o, k) => o?.forEach((v, i) => dv.setInt8(86 + 3 * k + i, clip8(v))));
  out.set(s.grid, 92);
  dv.setUint32(92 + GRID_CELLS, fnv1a(out, 92 + GRID_CELLS), true);
  return out;
}

/** Unpacks and checks bytes from `encodeMinecraftState`; throws EnvStateError (naming `envId`) on anything else. */
export function decodeMinecraftState(bytes: Uint8Array, envId: string = MINECRAFT_ID): MinecraftState {
  const fail = (reason: EnvStateErrorReason, field: string, detail: string): never => {
    throw new EnvStateError(envId, reason, field, `${envId}: invalid Minecraft state (${field}): ${detail}`);
  };
  if (!(bytes instanceof Uint8Array)) fail('format', 'bytes', 'expected a Uint8Array');
  if (bytes.length < 3) fail('length', 'bytes', `${bytes.length} bytes is too short for a header`);
  if (bytes[0] !== 0x4d || bytes[1] !== 0x43) fail('format', 'magic', 'not a Minecraft state (magic "MC" missing)');
  if (bytes[2] !== MINECRAFT_STATE_FORMAT) fail('version', 'version', `format ${bytes[2]}, this build reads ${MINECRAFT_STATE_FORMAT}`);
  if (bytes.length !== MINECRAFT_STATE_BYTES) fail('length', 'bytes', `${bytes.length} bytes, a state has ${MINECRAFT_STATE_BYTES}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(92 + GRID_CELLS, true) !== fnv1a(bytes, 92 + GRID_CELLS)) fail('format', 'checksum', 'checksum mismatch (corrupted bytes)');
  const task = TASKS[bytes[3]!] ?? fail('range', 'task', `unknown task code ${bytes[3]}`);
  const flags = bytes[4]!;
  if (flags >>> 5 !== 0) fail('format', 'flags', 'unknown flag bits');
  const facing = bytes[5]!;
  if (facing > 3) fail('range', 'facing', `${facing} is not 0..3`);
  const food = bytes[6]!;
  if (food > 20) fail('range', 'food', `${food} is outside [0, 20]`);
  const milestones = bytes[7]!;
  if (milestones >>> MILESTONES.length !== 0) fail('range', 'milestones', 'bits beyond the last milestone are set');
  const steps = dv.getUint32(8, true);
  const maxSteps = dv.getUint32(12, true);
  const done = (flags & 1) !== 0;
  if (maxSteps < 1 || maxSteps > MAX_MAX_STEPS) fail('range', 'maxSteps', `${maxSteps} is outside [1, ${MAX_MAX_STEPS}]`);
  if (steps > maxSteps || (!done && steps === maxSteps)) fail('range', 'steps', `step ${steps} of ${maxSteps} with done=${done}`);
  const logsCollected = dv.getUint32(16, true);
  const timeOfDay = dv.getUint16(20, true);
  if (timeOfDay >= 24000) fail('range', 'timeOfDay', `${timeOfDay} is outside [0, 24000)`);
  if (dv.getUint16(22, true) !== 0) fail('format', 'padding', 'padding is not 0');
  const health = dv.getFloat32(24, true);
  if (!(health >= 0 && health <= 20)) fail('range', 'health', `${health} is outside [0, 20]`);
  const coords = [0, 1, 2, 3, 4, 5].map((i) => dv.getFloat64(28 + 8 * i, true));
  if (coords.some((v) => !(Math.abs(v) <= MAX_COORD))) fail('range', 'position', 'a coordinate is not finite or beyond the world border');
  const inventory = [0, 1, 2, 3, 4].map((i) => dv.getUint16(76 + 2 * i, true));
  if (inventory.some((n) => n > MAX_COUNT)) fail('range', 'inventory', `a count exceeds ${MAX_COUNT}`);
  const offset = (k: number, found: boolean): Offset => {
    const o = [0, 1, 2].map((i) => dv.getInt8(86 + 3 * k + i));
    if (!found && o.some((v) => v !== 0)) fail('format', k === 0 ? 'nearestLog' : 'nearestTable', 'offset set but not found');
    if (o.some((v) => v === -128)) fail('range', k === 0 ? 'nearestLog' : 'nearestTable', 'offset -128');
    return found ? (o as [number, number, number]) : undefined;
  };
  const nearestLog = offset(0, (flags & 8) !== 0);
  const nearestTable = offset(1, (flags & 16) !== 0);
  const grid = bytes.slice(92, 92 + GRID_CELLS);
  const bad = grid.findIndex((c) => c >= NUM_CATEGORIES);
  if (bad >= 0) fail('range', 'grid', `cell ${bad}: category code ${grid[bad]}`);
  const [x, y, z, sx, sy, sz] = coords as [number, number, number, number, number, number];
  return {
    task,
    maxSteps,
    steps,
    done,
    x,
    y,
    z,
    start: [sx, sy, sz],
    facing,
    health,
    food,
    timeOfDay,
    inventory,
    milestones,
    logsCollected,
    toolHeld: (flags & 2) !== 0,
    entityInFront: (flags & 4) !== 0,
    nearestLog,
    nearestTable,
    grid,
  };
}
