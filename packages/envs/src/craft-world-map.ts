// CraftWorld map generation: grass with lakes, stone clusters with iron beside them, and
// scattered trees, drawn from a seeded generator and rejected until the start can reach a tree,
// three stones, an iron ore and free grass (so the goal is always achievable). Must not draw
// from anything but the Rng it is given, and must not know about actions or rewards.
import { EnvError } from './errors';
import { DX, DY, Tile } from './craft-world-rules';
import { randInt, type Rng } from './numpy-random';

export type Difficulty = 'easy' | 'normal' | 'hard';
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'normal', 'hard'];

/** Resource amounts for one map. */
export interface MapParams {
  readonly trees: number;
  readonly stoneClusters: number;
  readonly stonePerCluster: number;
  readonly iron: number;
  readonly lakes: number;
  readonly lakeSize: number;
}

/** Resource amounts for a difficulty, scaled with the map area. */
export function difficultyParams(difficulty: Difficulty, size: number): MapParams {
  const area = size * size;
  switch (difficulty) {
    case 'easy':
      return { trees: Math.round(area * 0.1), stoneClusters: 3, stonePerCluster: Math.max(3, Math.round(area / 30)), iron: 3, lakes: 0, lakeSize: 0 };
    case 'normal':
      return {
        trees: Math.round(area * 0.07),
        stoneClusters: 2,
        stonePerCluster: Math.max(3, Math.round(area / 30)),
        iron: 2,
        lakes: 1,
        lakeSize: Math.round(area / 24),
      };
    case 'hard':
      return {
        trees: Math.round(area * 0.04),
        stoneClusters: 2,
        stonePerCluster: Math.max(3, Math.round(area / 40)),
        iron: 1,
        lakes: 2,
        lakeSize: Math.round(area / 16),
      };
  }
}

export interface GeneratedMap {
  readonly tiles: Uint8Array; // [size * size], row-major (index = y * size + x)
  readonly startX: number;
  readonly startY: number;
  /** Maps drawn before one passed the reachability check (1 = first try). */
  readonly attempts: number;
}

const MAX_ATTEMPTS = 500;

function blob(tiles: Uint8Array, size: number, rng: Rng, tile: Tile, cells: number): number[] {
  const placed: number[] = [];
  let x = randInt(rng, size);
  let y = randInt(rng, size);
  for (let k = 0; k < cells * 4 && placed.length < cells; k++) {
    const i = y * size + x;
    if (tiles[i] === Tile.GRASS) {
      tiles[i] = tile;
      placed.push(i);
    }
    const d = randInt(rng, 4);
    x = Math.min(size - 1, Math.max(0, x + (DX[d] ?? 0)));
    y = Math.min(size - 1, Math.max(0, y + (DY[d] ?? 0)));
  }
  return placed;
}

function randomGrass(tiles: Uint8Array, rng: Rng): number {
  for (let k = 0; k < 64; k++) {
    const i = randInt(rng, tiles.length);
    if (tiles[i] === Tile.GRASS) return i;
  }
  return tiles.indexOf(Tile.GRASS);
}

function drawMap(size: number, p: MapParams, rng: Rng): { tiles: Uint8Array; start: number } {
  const tiles = new Uint8Array(size * size);
  for (let l = 0; l < p.lakes; l++) blob(tiles, size, rng, Tile.WATER, p.lakeSize);
  const stones: number[] = [];
  for (let c = 0; c < p.stoneClusters; c++) stones.push(...blob(tiles, size, rng, Tile.STONE, p.stonePerCluster));
  for (let k = 0; k < p.iron; k++) {
    const s = stones[randInt(rng, Math.max(1, stones.length))];
    const d = randInt(rng, 4);
    let i = -1;
    if (s !== undefined) {
      const x = (s % size) + (DX[d] ?? 0);
      const y = Math.floor(s / size) + (DY[d] ?? 0);
      if (x >= 0 && y >= 0 && x < size && y < size && tiles[y * size + x] === Tile.GRASS) i = y * size + x;
    }
    if (i < 0) i = randomGrass(tiles, rng);
    if (i >= 0) tiles[i] = Tile.IRON;
  }
  for (let k = 0; k < p.trees; k++) {
    const i = randomGrass(tiles, rng);
    if (i >= 0) tiles[i] = Tile.TREE;
  }
  return { tiles, start: randomGrass(tiles, rng) };
}

/** True when, walking on grass from `start`, the agent can face a tree, 3 stones, an iron ore and has room to build. */
export function isSolvable(tiles: Uint8Array, size: number, start: number): boolean {
  if (start < 0 || tiles[start] !== Tile.GRASS) return false;
  const seen = new Uint8Array(tiles.length);
  const faced = new Uint8Array(tiles.length);
  const queue = [start];
  seen[start] = 1;
  let grass = 0;
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    grass++;
    const x = i % size;
    const y = (i - x) / size;
    for (let d = 0; d < 4; d++) {
      const nx = x + (DX[d] ?? 0);
      const ny = y + (DY[d] ?? 0);
      if (nx < 0 || ny < 0 || nx >= size || ny >= size) continue;
      const j = ny * size + nx;
      if (tiles[j] === Tile.GRASS) {
        if (!seen[j]) {
          seen[j] = 1;
          queue.push(j);
        }
      } else faced[j] = 1;
    }
  }
  let trees = 0;
  let stones = 0;
  let iron = 0;
  for (let j = 0; j < tiles.length; j++) {
    if (!faced[j]) continue;
    if (tiles[j] === Tile.TREE) trees++;
    else if (tiles[j] === Tile.STONE) stones++;
    else if (tiles[j] === Tile.IRON) iron++;
  }
  return trees >= 1 && stones >= 3 && iron >= 1 && grass >= 8;
}

/** Draws maps from `rng` until one is solvable. */
export function generateMap(size: number, params: MapParams, rng: Rng): GeneratedMap {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { tiles, start } = drawMap(size, params, rng);
    if (isSolvable(tiles, size, start)) return { tiles, startX: start % size, startY: Math.floor(start / size), attempts: attempt };
  }
  throw new EnvError(`CraftWorld: no solvable ${size}x${size} map in ${MAX_ATTEMPTS} draws; lower the resource scarcity`);
}
