// Every workaround the local flying-squid 1.12 server needs, one function or block per fix with
// the reason beside it. local-server.ts applies them; nothing else may patch flying-squid.
// Found on MC 1.16.5 with mineflayer 4.39 bots (docs/minecraft.md "Known limits"). Two
// client-side accommodations live with the code they shape: bot-connection.ts retries a reconnect
// that the server kicks as "already connected" (it still holds the old session), and live-env.ts
// sends /tp with explicit coordinates (flying-squid misreads `~`).
import { sep } from 'node:path';
import { itemClass, requireFlyingSquid, requireFlyingSquidLog, Vec3 } from './runtime-deps';
import { RECIPE_BY_RESULT, itemIndexOf } from './rules';

/* eslint-disable @typescript-eslint/no-explicit-any -- flying-squid ships no types; these are its runtime objects */
export type Serv = any;
export type Player = any;

/**
 * Fix 1: requiring flying-squid opens a readline prompt on process.stdin (the process then never
 * exits and a service's stdin is swallowed) and installs exit-hook's SIGINT/SIGTERM handlers that
 * call process.exit (a service could not drain). Both hang on `isInNode`, computed once when its
 * log plugin loads; we load that plugin first with `process.browser` set, then flying-squid.
 */
export function requireFlyingSquidQuietly(): Serv {
  const proc = process as unknown as { browser?: boolean };
  const before = proc.browser;
  proc.browser = true;
  try {
    requireFlyingSquidLog();
  } finally {
    if (before === undefined) delete proc.browser;
    else proc.browser = before;
  }
  return requireFlyingSquid();
}

/**
 * Fix 2 (options): (a) every joining player adds process-wide 'unhandledRejection' and
 * 'uncaughtException' handlers that are never removed (a MaxListeners warning after 10 bots) and
 * that call process.exit() on any uncaught exception of the host process (an actor-runner would
 * die without draining); the plugin skips them when `serv.debug` is set, which the log plugin
 * copies from the `debug` option, so we pass a no-op debug logger. (b) `noConsoleOutput` keeps
 * the server's log lines out of the host's stdout.
 */
export function withOptionFixes(options: Record<string, unknown>): Record<string, unknown> {
  return { ...options, debug: () => undefined, noConsoleOutput: true, logging: false };
}

/**
 * Fix 3: flying-squid starts intervals it never clears: a 5 s tab-list latency interval per
 * login (a reconnecting bot leaks one each time) and a 100 ms dig-animation interval left
 * running when a player disconnects mid-dig; either keeps the process alive after the server
 * stops. While the local server runs, intervals created from flying-squid's code (seen in the
 * creating stack) are unref'd and recorded, and stopServer clears them. Returns the uninstaller.
 */
export function trackServerIntervals(timers: Set<NodeJS.Timeout>): () => void {
  const real = globalThis.setInterval;
  const marker = `${sep}flying-squid${sep}`;
  const wrapped = function (this: unknown, ...args: Parameters<typeof setInterval>): NodeJS.Timeout {
    const t = real.apply(this, args) as NodeJS.Timeout;
    if (new Error().stack?.includes(marker)) {
      t.unref();
      timers.add(t);
    }
    return t;
  } as typeof setInterval;
  globalThis.setInterval = wrapped;
  return () => {
    if (globalThis.setInterval === wrapped) globalThis.setInterval = real;
  };
}

/**
 * Fix 4 (login/teleport race): login ends by re-sending the login position once the client
 * moves (`waitPlayerLogin`), which undoes a teleport made in between. `player.alaLoggedIn`
 * resolves when login has fully finished; teleports wait for it.
 */
export function markLoginDone(player: Player): void {
  const login = player.login.bind(player);
  let done!: () => void;
  player.alaLoggedIn = new Promise<void>((resolve) => (done = resolve));
  player.login = async (): Promise<void> => {
    try {
      await login();
    } finally {
      done();
    }
  };
}

/**
 * Fix 5 (player visibility): players are (de)spawned for each other only when one walks more
 * than 2 blocks; after a teleport the others keep seeing the old position or nothing. We
 * refresh the nearby-entity sets of the teleported player (and of those around it) at once.
 */
export async function teleportVisible(player: Player, position: unknown): Promise<void> {
  await player.teleport(position);
  player.updateAndSpawn();
}

/**
 * Fix 6 (respawn): the respawn handler restores health but neither food nor the position the
 * env expects; after a respawn request we restore food too (the env then teleports).
 */
export function fixRespawn(player: Player): void {
  player._client.on('client_command', () => {
    setImmediate(() => {
      if (!player.disconnected) player.updateFood(20);
    });
  });
}

/** Fix 7: the tick interval survives `serv.destroy()` and keeps the process alive; stop it with the server (and Fix 3's intervals). */
export async function stopServer(serv: Serv, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const t of timers) clearInterval(t);
  timers.clear();
  serv.stopTickInterval?.();
  await serv.quit('Server closed').catch(() => serv.destroy());
  serv.stopTickInterval?.();
}

/** Count of task item `index` (rules.ts ITEM_NAMES) in a player's server-side inventory. */
function countItem(player: Player, index: number): number {
  let n = 0;
  for (const it of player.inventory.slots) if (it && itemIndexOf(it.name) === index) n += it.count;
  return n;
}

/** Removes `n` items of task item `index` from a player's inventory (caller checked the count). */
function removeItems(player: Player, index: number, n: number): void {
  const slots = player.inventory.slots as any[];
  for (let slot = 0; slot < slots.length && n > 0; slot++) {
    const it = slots[slot];
    if (!it || itemIndexOf(it.name) !== index) continue;
    const take = Math.min(n, it.count);
    it.count -= take;
    n -= take;
    player.inventory.updateSlot(slot, it.count > 0 ? it : undefined);
  }
}

/**
 * Fix 8: flying-squid implements no crafting (clicks in the crafting grid do nothing), so the
 * local server crafts the four task recipes itself, with vanilla ingredients and counts, checking
 * the inventory (and a crafting table within 4 blocks for the pickaxe). Returns false when the
 * recipe is not available.
 */
export async function craftOnServer(serv: Serv, player: Player, result: string): Promise<boolean> {
  const recipe = RECIPE_BY_RESULT.get(result);
  if (!recipe) return false;
  for (const [item, n] of recipe.needs) if (countItem(player, item) < n) return false;
  if (recipe.needsTable && !(await tableNear(serv, player))) return false;
  for (const [item, n] of recipe.needs) removeItems(player, item, n);
  const Item = itemClass(serv.registry);
  const mcId = serv.registry.itemsByName[result].id;
  const stackSize = serv.registry.itemsByName[result].stackSize ?? 64;
  let left = recipe.gives[1];
  const slots = player.inventory.slots as any[];
  for (let slot = 9; slot < 45 && left > 0; slot++) {
    const it = slots[slot];
    if (it && it.type === mcId && it.count < stackSize) {
      const add = Math.min(left, stackSize - it.count);
      it.count += add;
      left -= add;
      player.inventory.updateSlot(slot, it);
    }
  }
  while (left > 0) {
    const empty = player.inventory.firstEmptyInventorySlot();
    if (empty === null || empty === undefined) break; // full inventory: the rest is lost, as when vanilla drops it
    const add = Math.min(left, stackSize);
    player.inventory.updateSlot(empty, new Item(mcId, add));
    left -= add;
  }
  return true;
}

async function tableNear(serv: Serv, player: Player): Promise<boolean> {
  const p = player.position.floored();
  const tableId = serv.registry.blocksByName.crafting_table.id;
  for (let dx = -4; dx <= 4; dx++)
    for (let dy = -2; dy <= 3; dy++)
      for (let dz = -4; dz <= 4; dz++) if ((await player.world.getBlockType(Vec3(p.x + dx, p.y + dy, p.z + dz))) === tableId) return true;
  return false;
}

/** Fix 9: there is no /clear; the env's reset empties the inventory server-side. */
export function clearInventory(player: Player): void {
  const slots = player.inventory.slots as any[];
  for (let slot = 0; slot < slots.length; slot++) if (slots[slot]) player.inventory.updateSlot(slot, undefined);
}
