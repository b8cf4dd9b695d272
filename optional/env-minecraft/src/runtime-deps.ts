// The one place that loads the heavy runtime dependencies (mineflayer, flying-squid, vec3,
// prismarine-item, prismarine-chunk) with `require`: they are loaded lazily, only by the live env,
// so the state view, the expert and the learner never pull in ~500 MB of minecraft-data; and
// their typings are not used (the root typecheck must pass without the package installed).
// Must not hold logic.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

let vec3: (new (x: number, y: number, z: number) => any) | undefined;
/** A vec3 Vec3 (the module is resolved once: `require` stats the file system on every call). */
export function Vec3(x: number, y: number, z: number): any {
  vec3 ??= require('vec3').Vec3 as new (x: number, y: number, z: number) => any;
  return new vec3(x, y, z);
}

/** mineflayer's `createBot`. */
export function createBot(options: Record<string, unknown>): any {
  return require('mineflayer').createBot(options);
}

const itemClasses = new WeakMap<object, new (type: number, count: number) => any>();
/** prismarine-item's Item class for a registry (built once per registry). */
export function itemClass(registry: object): new (type: number, count: number) => any {
  let c = itemClasses.get(registry);
  if (!c) itemClasses.set(registry, (c = require('prismarine-item')(registry)));
  return c!;
}

/** prismarine-chunk's Chunk class for a registry. */
export function chunkClass(registry: unknown): new () => any {
  return require('prismarine-chunk')(registry);
}

/** flying-squid's log plugin (loaded first by flying-squid-fixes.ts Fix 1), then flying-squid itself. */
export function requireFlyingSquidLog(): void {
  require('flying-squid/src/lib/plugins/log.js');
}
export function requireFlyingSquid(): any {
  return require('flying-squid');
}
