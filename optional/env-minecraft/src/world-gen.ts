// The world of the local server: a flat grass plain with scattered oak trees, generated chunk by
// chunk as a pure function of (seed, x, z), so a tree that bots cut down can be regrown exactly
// (`originalBlockName`) and two servers with the same seed hold the same world. Registered as a
// flying-squid world generation (see local-server.ts). Must not draw from Math.random or do I/O.

import { chunkClass } from './runtime-deps';

/** Height of the grass surface block; a bot standing on the plain has its feet at SURFACE_Y + 1. */
export const SURFACE_Y = 4;
/** Trunk height of every tree (logs at SURFACE_Y + 1 .. SURFACE_Y + TREE_HEIGHT). */
export const TREE_HEIGHT = 4;
/** Trees stand only on a grid of this spacing, so trunks never touch and a bot can walk between them. */
export const TREE_SPACING = 5;
/** Probability that a grid point holds a tree. */
export const TREE_DENSITY = 0.45;

/** A 32-bit integer hash of (seed, x, z) (murmur3 finaliser); pure and platform independent. */
export function hash3(seed: number, x: number, z: number): number {
  let h = (seed ^ Math.imul(x, 0x27d4eb2d) ^ Math.imul(z, 0x165667b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** True when the world of `seed` has a tree trunk at column (x, z). */
export function hasTree(seed: number, x: number, z: number): boolean {
  if (x % TREE_SPACING !== 0 || z % TREE_SPACING !== 0) return false;
  if (x === 0 && z === 0) return false; // keep the world spawn free
  return hash3(seed, x, z) / 2 ** 32 < TREE_DENSITY;
}

/** The block name the generator puts at (x, y, z): bedrock, dirt, grass_block, oak_log, oak_leaves or air. */
export function originalBlockName(seed: number, x: number, y: number, z: number): string {
  if (y === 0) return 'bedrock';
  if (y < SURFACE_Y) return 'dirt';
  if (y === SURFACE_Y) return 'grass_block';
  if (y > SURFACE_Y && y <= SURFACE_Y + TREE_HEIGHT && hasTree(seed, x, z)) return 'oak_log';
  if (y === SURFACE_Y + TREE_HEIGHT + 1 && hasTree(seed, x, z)) return 'oak_leaves';
  return 'air';
}

interface Vec3Like {
  x: number;
  y: number;
  z: number;
}
interface ChunkLike {
  setBlockStateId(pos: Vec3Like, stateId: number): void;
  setSkyLight(pos: Vec3Like, light: number): void;
}
/** The parts of a prismarine registry the generator reads. */
export interface GenRegistry {
  blocksByName: Record<string, { defaultState?: number; minStateId?: number } | undefined>;
}

/** Default block state of `name` in `registry` (throws when the version has no such block). */
export function stateId(registry: GenRegistry, name: string): number {
  const b = registry.blocksByName[name];
  const id = b?.defaultState ?? b?.minStateId;
  if (id === undefined) throw new Error(`minecraft version has no block ${name}`);
  return id;
}

/**
 * flying-squid generation factory: `(options) => (chunkX, chunkZ) => Chunk`. `options.seed` is
 * the world seed (local-server.ts passes the env's seed), `options.registry` the server's registry.
 */
export function forestGeneration(options: { seed?: number; registry: GenRegistry }): (chunkX: number, chunkZ: number) => unknown {
  const registry = options.registry;
  const seed = (options.seed ?? 0) >>> 0;
  const Chunk = chunkClass(registry) as new () => ChunkLike;
  const ids = Object.fromEntries(['bedrock', 'dirt', 'grass_block', 'oak_log', 'oak_leaves', 'air'].map((n) => [n, stateId(registry, n)]));
  const top = SURFACE_Y + TREE_HEIGHT + 1;
  return (chunkX: number, chunkZ: number) => {
    const chunk = new Chunk();
    const pos = { x: 0, y: 0, z: 0 };
    for (let x = 0; x < 16; x++) {
      for (let z = 0; z < 16; z++) {
        for (let y = 0; y <= top; y++) {
          const name = originalBlockName(seed, chunkX * 16 + x, y, chunkZ * 16 + z);
          pos.x = x;
          pos.y = y;
          pos.z = z;
          if (name !== 'air') chunk.setBlockStateId(pos, ids[name]!);
        }
        for (let y = 0; y < 256; y += 1) {
          pos.y = y;
          chunk.setSkyLight(pos, 15);
        }
      }
    }
    return chunk;
  };
}
