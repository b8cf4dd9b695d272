// The CraftWorld expert: a planner that picks the next step of the tech tree from the inventory
// (how many logs, planks, sticks and stones are still short), then scores every action by a
// breadth-first search over (cell, facing) states: a move scores -(1 + steps-to-goal after it),
// the action that completes the step scores 0, idle or off-plan actions score lower, illegal
// ones -Infinity. Reads a state copy; must not step or change the env.
import { CraftWorldEnv, CRAFTWORLD_ID, type CraftWorldState } from './craft-world';
import { Action, DX, DY, Item, NUM_ACTIONS, Tile } from './craft-world-rules';
import type { Env } from './env';
import { InvalidOptionError } from './errors';
import { createExpert, type Expert, type ExpertKnobs } from './expert';

/** The next step of the plan: where the agent must be, and the action that completes the step. */
export type PlanStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'act'; readonly action: number }
  | { readonly kind: 'face'; readonly tile: Tile; readonly action: number }
  | { readonly kind: 'near'; readonly tile: Tile; readonly action: number }
  | { readonly kind: 'place'; readonly nearTable: boolean; readonly action: number };

/** Chooses the next plan step from the inventory and the placed stations (reactive, so it recovers from any state). */
export function nextPlanStep(s: CraftWorldState): PlanStep {
  const inv = s.inventory;
  const has = (i: Item): boolean => (inv[i] ?? 0) > 0;
  if (has(Item.IRON_PICKAXE)) return { kind: 'done' };
  const tableExists = s.tiles.includes(Tile.TABLE);
  const furnaceExists = s.tiles.includes(Tile.FURNACE);
  const wp = has(Item.WOODEN_PICKAXE);
  const sp = has(Item.STONE_PICKAXE);
  const ingot = has(Item.IRON_INGOT);
  // Sticks: 1 per pickaxe still to craft. Planks: 2 for a table, 1 for the wooden pickaxe,
  // 1 per 2 sticks short. Logs: 1 per 2 planks short, plus 1 as furnace fuel.
  const stickShort = Math.max(0, (wp ? 0 : 1) + (sp ? 0 : 1) + 1 - (inv[Item.STICKS] ?? 0));
  const plankShort = Math.max(0, (tableExists ? 0 : 2) + (wp ? 0 : 1) + Math.ceil(stickShort / 2) - (inv[Item.PLANKS] ?? 0));
  const logsNeeded = Math.ceil(plankShort / 2) + (ingot ? 0 : 1);
  if ((inv[Item.LOG] ?? 0) < logsNeeded) return { kind: 'face', tile: Tile.TREE, action: Action.INTERACT };
  if (plankShort > 0) return { kind: 'act', action: Action.CRAFT_PLANKS };
  if (stickShort > 0) return { kind: 'act', action: Action.CRAFT_STICKS };
  if (!tableExists) return { kind: 'place', nearTable: false, action: Action.PLACE_TABLE };
  if (!wp) return { kind: 'near', tile: Tile.TABLE, action: Action.CRAFT_WOODEN_PICKAXE };
  const stoneNeeded = (sp ? 0 : 1) + (furnaceExists ? 0 : 2);
  if ((inv[Item.STONE] ?? 0) < stoneNeeded) return { kind: 'face', tile: Tile.STONE, action: Action.INTERACT };
  if (!sp) return { kind: 'near', tile: Tile.TABLE, action: Action.CRAFT_STONE_PICKAXE };
  if (!furnaceExists) return { kind: 'place', nearTable: false, action: Action.PLACE_FURNACE };
  if (!ingot && !has(Item.IRON_ORE)) return { kind: 'face', tile: Tile.IRON, action: Action.INTERACT };
  if (!ingot) return { kind: 'near', tile: Tile.FURNACE, action: Action.SMELT_IRON };
  return { kind: 'near', tile: Tile.TABLE, action: Action.CRAFT_IRON_PICKAXE };
}

function isNear(s: CraftWorldState, x: number, y: number, tile: Tile): boolean {
  for (let yy = Math.max(0, y - 1); yy <= Math.min(s.size - 1, y + 1); yy++) {
    for (let xx = Math.max(0, x - 1); xx <= Math.min(s.size - 1, x + 1); xx++) if (s.tiles[yy * s.size + xx] === tile) return true;
  }
  return false;
}

/** Tile faced from (x, y) with facing f, or -1 outside the map. */
function facedTile(s: CraftWorldState, x: number, y: number, f: number): number {
  const nx = x + DX[f]!;
  const ny = y + DY[f]!;
  return nx >= 0 && ny >= 0 && nx < s.size && ny < s.size ? s.tiles[ny * s.size + nx]! : -1;
}

/** Where the env would put a station from (x, y, f): the faced grass cell, else the first grass neighbour (N, S, W, E). */
function placeCell(s: CraftWorldState, x: number, y: number, f: number): number {
  for (const d of [f, 0, 1, 2, 3]) {
    if (facedTile(s, x, y, d) === Tile.GRASS) return (y + DY[d]!) * s.size + x + DX[d]!;
  }
  return -1;
}

/** Grass cells reachable from `start` without entering `blocked`, and resource tiles faced from them. */
function region(s: CraftWorldState, start: number, blocked: number): { grass: number; resources: number[] } {
  const n = s.size;
  const seen = new Uint8Array(n * n);
  const queue = [start];
  seen[start] = 1;
  if (blocked >= 0) seen[blocked] = 1;
  const resources = [0, 0, 0, 0]; // indexed by tile: tree 1, stone 2, iron 3
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    const x = i % n;
    const y = (i - x) / n;
    for (let d = 0; d < 4; d++) {
      const nx = x + DX[d]!;
      const ny = y + DY[d]!;
      if (nx < 0 || ny < 0 || nx >= n || ny >= n) continue;
      const j = ny * n + nx;
      if (seen[j]) continue;
      const t = s.tiles[j];
      seen[j] = 1;
      if (t === Tile.GRASS) queue.push(j);
      else if (t === Tile.TREE || t === Tile.STONE || t === Tile.IRON) resources[t]! += 1;
    }
  }
  return { grass: queue.length, resources };
}

/** Faceable tiles the whole plan needs at most: 1 tree, 3 stones, 1 iron ore. */
const PLAN_NEEDS = [0, 1, 3, 1];

/** A placement at `c` is safe when it does not split the agent's grass region or hide a resource the plan may need. */
function placementSafety(s: CraftWorldState): (c: number) => boolean {
  const memo = new Map<number, boolean>();
  const agent = s.y * s.size + s.x;
  const before = region(s, agent, -1);
  return (c) => {
    let ok = memo.get(c);
    if (ok === undefined) {
      const start = c === agent ? -1 : agent;
      const after = start < 0 ? undefined : region(s, start, c);
      ok =
        after !== undefined &&
        after.grass === before.grass - 1 &&
        PLAN_NEEDS.every((need, t) => (after.resources[t] ?? 0) >= Math.min(need, before.resources[t] ?? 0));
      memo.set(c, ok);
    }
    return ok;
  };
}

function satisfies(s: CraftWorldState, step: PlanStep, x: number, y: number, f: number, safe: (c: number) => boolean): boolean {
  switch (step.kind) {
    case 'done':
    case 'act':
      return true;
    case 'face':
      return facedTile(s, x, y, f) === step.tile;
    case 'near':
      return isNear(s, x, y, step.tile);
    case 'place': {
      const c = placeCell(s, x, y, f);
      return c >= 0 && (!step.nearTable || isNear(s, x, y, Tile.TABLE)) && safe(c);
    }
  }
}

/**
 * Steps-to-goal for every (cell, facing) state, index (y * size + x) * 4 + f; -1 = unreachable.
 * Reverse BFS from all goal states over the move dynamics (a move turns, then steps onto grass).
 */
export function distancesToStep(s: CraftWorldState, step: PlanStep): Int32Array {
  const n = s.size;
  const dist = new Int32Array(n * n * 4).fill(-1);
  const queue = new Int32Array(n * n * 4);
  let tail = 0;
  const safe = placementSafety(s);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (s.tiles[y * n + x] !== Tile.GRASS) continue;
      for (let f = 0; f < 4; f++) {
        if (satisfies(s, step, x, y, f, safe)) {
          const k = (y * n + x) * 4 + f;
          dist[k] = 0;
          queue[tail++] = k;
        }
      }
    }
  }
  for (let head = 0; head < tail; head++) {
    const k = queue[head]!;
    const d = dist[k]! + 1;
    const f = k & 3;
    const cell = k >> 2;
    const x = cell % n;
    const y = (cell - x) / n;
    // (a) the agent stepped here from the cell behind, facing anything.
    const px = x - DX[f]!;
    const py = y - DY[f]!;
    if (px >= 0 && py >= 0 && px < n && py < n && s.tiles[py * n + px] === Tile.GRASS) {
      for (let g = 0; g < 4; g++) {
        const j = (py * n + px) * 4 + g;
        if (dist[j] === -1) {
          dist[j] = d;
          queue[tail++] = j;
        }
      }
    }
    // (b) the agent only turned: the cell ahead is blocked.
    if (facedTile(s, x, y, f) !== Tile.GRASS) {
      for (let g = 0; g < 4; g++) {
        const j = cell * 4 + g;
        if (dist[j] === -1) {
          dist[j] = d;
          queue[tail++] = j;
        }
      }
    }
  }
  return dist;
}

/** Per-action planner scores for a state and its legal mask. */
export function craftWorldScores(s: CraftWorldState, legal: Uint8Array): number[] {
  const step = nextPlanStep(s);
  const scores = new Array<number>(NUM_ACTIONS).fill(-Infinity);
  if (step.kind === 'done') {
    for (let a = 0; a < NUM_ACTIONS; a++) if (legal[a]) scores[a] = a === Action.NOOP ? 0 : -1;
    return scores;
  }
  const dist = distancesToStep(s, step);
  const n = s.size;
  const here = dist[(s.y * n + s.x) * 4 + s.facing]!;
  const unreachable = here < 0;
  const d0 = unreachable ? 0 : here;
  for (let a = 0; a < NUM_ACTIONS; a++) {
    if (!legal[a]) continue;
    if (a >= Action.MOVE_NORTH && a <= Action.MOVE_EAST) {
      const f = a - 1;
      const blocked = facedTile(s, s.x, s.y, f) !== Tile.GRASS;
      const nx = blocked ? s.x : s.x + DX[f]!;
      const ny = blocked ? s.y : s.y + DY[f]!;
      const d = dist[(ny * n + nx) * 4 + f]!;
      scores[a] = unreachable ? -1 : d < 0 ? -1e6 : -(1 + d);
    } else if (a === step.action && here === 0) scores[a] = 0;
    else if (a === Action.NOOP) scores[a] = -(1.5 + d0);
    else scores[a] = -(2 + d0);
  }
  return scores;
}

/** Expert for CraftWorld envs (any variant); throws InvalidOptionError for other envs. */
export function craftWorldExpert(knobs: ExpertKnobs = {}): Expert {
  return createExpert<Env>(
    CRAFTWORLD_ID,
    (env) => {
      if (!(env instanceof CraftWorldEnv)) throw new InvalidOptionError('env', env.id, `the CraftWorld expert needs a CraftWorldEnv, got ${env.id}`);
      return craftWorldScores(env.getState(), env.legalActions());
    },
    knobs,
  );
}
