// CraftWorld's portable state: the full state of one env (map, position, facing, inventory,
// milestones, step count, episode over or not) plus the options that change its dynamics, as a
// compact, versioned byte string that travels in a StateSnapshot (`envState`), so an advisor can
// rebuild the env and run the planner on it. Decoding checks every byte and throws EnvStateError;
// it never returns a state the env could not have been in. Pure codec: no env, no random numbers.
//
// Format 1 (little-endian, 58-byte header then the tiles, two per byte):
//   0 'C' 1 'W' 2 format version (1) | 3 size 4 viewRadius 5 difficulty 6 reward 7 flags (bit 0: done)
//   8 x 9 y 10 facing 11 zero | 12 achieved u16 bitmask (bit i = MILESTONES[i]) | 14 steps u32
//   18 maxSteps u32 | 22 inventory 9 x u32 (ITEM order) | 58 tiles: cell i in byte 58 + (i >> 1),
//   low nibble for even i, high nibble for odd i; the unused high nibble of an odd-sized map is 0.
import type { CraftWorldState } from './craft-world';
import type { Difficulty } from './craft-world-map';
import { DIFFICULTIES } from './craft-world-map';
import { MILESTONES, NUM_ITEMS, Tile } from './craft-world-rules';
import { EnvStateError, type EnvStateErrorReason } from './errors';

/** Version written in byte 2; decode refuses any other. */
export const CRAFTWORLD_STATE_FORMAT = 1;
const MAGIC_0 = 0x43; // 'C'
const MAGIC_1 = 0x57; // 'W'
const HEADER_BYTES = 22 + 4 * NUM_ITEMS;
const REWARD_MODES = ['milestones', 'goal'] as const;
const MAX_INVENTORY = 2 ** 31 - 1; // the env keeps counts in an Int32Array
const MAX_MAX_STEPS = 1_000_000; // as CraftWorldEnv's maxSteps option

/** The options of a CraftWorld that its state depends on (all of them but `id`). */
export interface CraftWorldConfig {
  readonly size: number;
  readonly difficulty: Difficulty;
  readonly rewardMode: 'milestones' | 'goal';
  readonly maxSteps: number;
  readonly viewRadius: number;
}

/** Everything the bytes carry. */
export interface PortableCraftWorld {
  readonly config: CraftWorldConfig;
  readonly state: CraftWorldState;
  /** The episode is over (terminated or truncated): the restored env needs a reset before stepping. */
  readonly done: boolean;
}

/** Encoded size of a `size` x `size` map's state (130 bytes at 12x12, 186 at 16x16). */
export function craftWorldStateBytes(size: number): number {
  return HEADER_BYTES + Math.ceil((size * size) / 2);
}

/** Packs a state; the caller guarantees it is a state of an env with `config` (the env's own export). */
export function encodeCraftWorldState(p: PortableCraftWorld): Uint8Array {
  const { config: c, state: s } = p;
  const out = new Uint8Array(craftWorldStateBytes(c.size));
  const dv = new DataView(out.buffer);
  out.set([
    MAGIC_0,
    MAGIC_1,
    CRAFTWORLD_STATE_FORMAT,
    c.size,
    c.viewRadius,
    DIFFICULTIES.indexOf(c.difficulty),
    REWARD_MODES.indexOf(c.rewardMode),
    p.done ? 1 : 0,
    s.x,
    s.y,
    s.facing,
    0,
  ]);
  let achieved = 0;
  for (let i = 0; i < MILESTONES.length; i++) if (s.achieved[i]) achieved |= 1 << i;
  dv.setUint16(12, achieved, true);
  dv.setUint32(14, s.steps, true);
  dv.setUint32(18, c.maxSteps, true);
  for (let i = 0; i < NUM_ITEMS; i++) dv.setUint32(22 + 4 * i, s.inventory[i]!, true);
  for (let i = 0; i < s.tiles.length; i++) out[HEADER_BYTES + (i >> 1)]! |= (s.tiles[i]! & 0xf) << ((i & 1) * 4);
  return out;
}

/** Unpacks and checks bytes from `encodeCraftWorldState`; throws EnvStateError (naming `envId`) on anything else. */
export function decodeCraftWorldState(bytes: Uint8Array, envId: string): PortableCraftWorld {
  const fail = (reason: EnvStateErrorReason, field: string, detail: string): never => {
    throw new EnvStateError(envId, reason, field, `${envId}: invalid CraftWorld state (${field}): ${detail}`);
  };
  if (!(bytes instanceof Uint8Array)) fail('format', 'bytes', 'expected a Uint8Array');
  if (bytes.length < HEADER_BYTES) fail('length', 'bytes', `${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) fail('format', 'magic', 'not a CraftWorld state (magic "CW" missing)');
  if (bytes[2] !== CRAFTWORLD_STATE_FORMAT) fail('version', 'version', `format ${bytes[2]}, this build reads ${CRAFTWORLD_STATE_FORMAT}`);
  const size = bytes[3]!;
  if (size < 6 || size > 64) fail('range', 'size', `${size} is outside [6, 64]`);
  if (bytes.length !== craftWorldStateBytes(size)) fail('length', 'bytes', `${bytes.length} bytes, a ${size}x${size} state has ${craftWorldStateBytes(size)}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [viewRadius, diff, reward, flags, x, y, facing, pad] = [4, 5, 6, 7, 8, 9, 10, 11].map((k) => bytes[k]!) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (viewRadius < 1 || viewRadius > 5) fail('range', 'viewRadius', `${viewRadius} is outside [1, 5]`);
  const difficulty = DIFFICULTIES[diff] ?? fail('range', 'difficulty', `unknown difficulty code ${diff}`);
  const rewardMode = REWARD_MODES[reward] ?? fail('range', 'reward', `unknown reward code ${reward}`);
  if (flags > 1 || pad !== 0) fail('format', 'flags', 'unknown flag bits');
  const done = flags === 1;
  if (x >= size || y >= size) fail('range', 'position', `(${x}, ${y}) is off the ${size}x${size} map`);
  if (facing > 3) fail('range', 'facing', `${facing} is not 0..3`);
  const achievedBits = dv.getUint16(12, true);
  if (achievedBits >>> MILESTONES.length !== 0) fail('range', 'achieved', 'bits beyond the last milestone are set');
  const steps = dv.getUint32(14, true);
  const maxSteps = dv.getUint32(18, true);
  if (maxSteps < 1 || maxSteps > MAX_MAX_STEPS) fail('range', 'maxSteps', `${maxSteps} is outside [1, ${MAX_MAX_STEPS}]`);
  if (steps > maxSteps || (!done && steps === maxSteps)) fail('range', 'steps', `step ${steps} of ${maxSteps} with done=${done}`);
  const inventory = new Int32Array(NUM_ITEMS);
  for (let i = 0; i < NUM_ITEMS; i++) {
    const n = dv.getUint32(22 + 4 * i, true);
    if (n > MAX_INVENTORY) fail('range', 'inventory', `item ${i}: count ${n} is too large`);
    inventory[i] = n;
  }
  const tiles = new Uint8Array(size * size);
  for (let i = 0; i < tiles.length; i++) {
    const t = (bytes[HEADER_BYTES + (i >> 1)]! >> ((i & 1) * 4)) & 0xf;
    if (t > Tile.FURNACE) fail('range', 'tiles', `cell ${i}: tile code ${t}`);
    tiles[i] = t;
  }
  if (tiles.length % 2 === 1 && bytes[bytes.length - 1]! >> 4 !== 0) fail('format', 'tiles', 'padding nibble is not 0');
  if (tiles[y * size + x] !== Tile.GRASS) fail('range', 'position', 'the agent must stand on grass');
  const achieved = new Uint8Array(MILESTONES.length);
  for (let i = 0; i < MILESTONES.length; i++) achieved[i] = (achievedBits >> i) & 1;
  return {
    config: { size, difficulty, rewardMode, maxSteps, viewRadius },
    state: { size, tiles, x, y, facing, inventory, achieved, steps },
    done,
  };
}
