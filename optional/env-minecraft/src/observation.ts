// Minecraft-v0's observation: a fixed-length float32 vector computed from a captured state, the
// same for the live env and the state-view env, and its Box space (known without a server).
// Layout (OBS_LAYOUT gives the offsets): the egocentric grid one-hot (GRID_CELLS x 7 channels,
// air = all zero), task-item counts / 64 clipped, health / 20, food / 20, position relative to
// the episode start (dx / 32, dy / 8, dz / 32, clipped to [-1, 1]), yaw (sin, cos), time of day
// / 24000, nearest log and nearest crafting table (found flag, egocentric forward / 16, up / 8,
// right / 16), entity in front, tool held, elapsed-step fraction, milestones reached.
// Pure function of the state: must not touch a bot or draw random numbers.
import { boxSpace, type BoxSpace } from '@ala/envs';
import { GRID_CELLS, MILESTONES, NUM_CATEGORIES, NUM_ITEMS, worldToEgo } from './rules';
import type { MinecraftState, Offset } from './state';

const GRID_CHANNELS = NUM_CATEGORIES - 1;
const clip = (v: number): number => (v < -1 ? -1 : v > 1 ? 1 : v);

/** Start offset and length of each part of the observation. */
export const OBS_LAYOUT = (() => {
  const parts: [string, number][] = [
    ['grid', GRID_CELLS * GRID_CHANNELS],
    ['inventory', NUM_ITEMS],
    ['health', 1],
    ['food', 1],
    ['position', 3],
    ['yaw', 2],
    ['timeOfDay', 1],
    ['nearestLog', 4],
    ['nearestTable', 4],
    ['entityInFront', 1],
    ['toolHeld', 1],
    ['elapsed', 1],
    ['milestones', MILESTONES.length],
  ];
  const out: Record<string, { start: number; length: number }> = {};
  let at = 0;
  for (const [name, length] of parts) {
    out[name] = { start: at, length };
    at += length;
  }
  return { parts: out, size: at };
})();
export const OBS_SIZE = OBS_LAYOUT.size;

/** The Box space: [0, 1] everywhere except the signed parts (position, yaw, nearest offsets) in [-1, 1]. */
export function minecraftObservationSpace(): BoxSpace {
  const low = new Float32Array(OBS_SIZE);
  const high = new Float32Array(OBS_SIZE).fill(1);
  for (const name of ['position', 'yaw', 'nearestLog', 'nearestTable']) {
    const p = OBS_LAYOUT.parts[name]!;
    low.fill(-1, p.start, p.start + p.length);
  }
  return boxSpace([OBS_SIZE], low, high);
}

function offsetInto(out: Float32Array, at: number, facing: number, o: Offset): void {
  if (!o) return;
  const [fwd, right] = worldToEgo(facing, o[0], o[2]);
  out[at] = 1;
  out[at + 1] = clip(fwd / 16);
  out[at + 2] = clip(o[1] / 8);
  out[at + 3] = clip(right / 16);
}

/** The observation of a state (a fresh array). */
export function encodeObservation(s: MinecraftState): Float32Array {
  const out = new Float32Array(OBS_SIZE);
  const P = OBS_LAYOUT.parts;
  for (let i = 0; i < GRID_CELLS; i++) {
    const c = s.grid[i]!;
    if (c > 0) out[P.grid!.start + i * GRID_CHANNELS + (c - 1)] = 1;
  }
  for (let i = 0; i < NUM_ITEMS; i++) out[P.inventory!.start + i] = Math.min(1, (s.inventory[i] ?? 0) / 64);
  out[P.health!.start] = clip(s.health / 20);
  out[P.food!.start] = clip(s.food / 20);
  const pos = P.position!.start;
  out[pos] = clip((s.x - s.start[0]) / 32);
  out[pos + 1] = clip((s.y - s.start[1]) / 8);
  out[pos + 2] = clip((s.z - s.start[2]) / 32);
  const yaw = (s.facing * Math.PI) / 2;
  out[P.yaw!.start] = Math.sin(yaw);
  out[P.yaw!.start + 1] = Math.cos(yaw);
  out[P.timeOfDay!.start] = s.timeOfDay / 24000;
  offsetInto(out, P.nearestLog!.start, s.facing, s.nearestLog);
  offsetInto(out, P.nearestTable!.start, s.facing, s.nearestTable);
  out[P.entityInFront!.start] = s.entityInFront ? 1 : 0;
  out[P.toolHeld!.start] = s.toolHeld ? 1 : 0;
  out[P.elapsed!.start] = Math.min(1, s.steps / s.maxSteps);
  for (let i = 0; i < MILESTONES.length; i++) out[P.milestones!.start + i] = (s.milestones >> i) & 1;
  return out;
}
