// The process's local Minecraft server: ONE flying-squid server (offline, peaceful, survival,
// the world of world-gen.ts, view distance 4, no world folder, no internet) on a free loopback
// port, shared by every bot of the process and stopped when the last env releases it. Also the
// server-side actions the env needs on it (reset a player, craft), which a remote server gets
// through chat commands and the crafting protocol instead (live-env.ts). Must not be used when a
// host is configured.
import type { Serv, Player } from './flying-squid-fixes';
import {
  clearInventory,
  craftOnServer,
  fixRespawn,
  markLoginDone,
  requireFlyingSquidQuietly,
  stopServer,
  teleportVisible,
  trackServerIntervals,
  withOptionFixes,
} from './flying-squid-fixes';
import { Vec3 } from './runtime-deps';
import { forestGeneration, originalBlockName, stateId, SURFACE_Y, TREE_HEIGHT } from './world-gen';

export interface LocalServer {
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly worldSeed: number;
  /** Resets a logged-in player: empty inventory, full health and food, trees regrown within `regrowRadius`, then a teleport. */
  resetPlayer(username: string, x: number, y: number, z: number, regrowRadius: number): Promise<void>;
  /** Crafts a task recipe for a player server-side (flying-squid has no crafting); false when not available. */
  craft(username: string, result: string): Promise<boolean>;
  /** Server and client socket errors seen so far (bots that vanished mid-packet). */
  errors(): number;
  /** Drops this user's reference; the last one stops the server. */
  release(): Promise<void>;
}

interface Shared {
  serv: Serv;
  port: number;
  version: string;
  worldSeed: number;
  refs: number;
  timers: Set<NodeJS.Timeout>;
  untrack: () => void;
  errors: { count: number };
  stopped: boolean;
}
let shared: Promise<Shared> | undefined;

async function start(version: string, worldSeed: number): Promise<Shared> {
  const fs = requireFlyingSquidQuietly();
  fs.generations.ala_forest = forestGeneration;
  const timers = new Set<NodeJS.Timeout>();
  const untrack = trackServerIntervals(timers);
  const errors = { count: 0 };
  let serv: Serv;
  try {
    serv = fs.createMCServer(
      withOptionFixes({
        'online-mode': false,
        host: '127.0.0.1',
        port: 0,
        version,
        gameMode: 0,
        difficulty: 0,
        generation: { name: 'ala_forest', options: { seed: worldSeed } },
        'view-distance': 4,
        'max-players': 1000,
        'everybody-op': true,
        kickTimeout: 30000,
        plugins: {},
        'max-entities': 1000,
        motd: 'ALA local server',
        'player-list-text': { header: { text: 'ALA' }, footer: { text: 'local' } },
      }),
    );
    serv.on('newPlayer', (player: Player) => {
      markLoginDone(player);
      fixRespawn(player);
    });
    // socket errors of a bot that vanished (the env sees its own side of it): counted, see LocalServer.errors
    serv.on('error', () => (errors.count += 1));
    serv.on('clientError', () => (errors.count += 1));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('flying-squid did not start listening within 20 s')), 20_000);
      serv.once('listening', (p: number) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
    await serv.waitForReady(20_000);
    return { serv, port, version, worldSeed, refs: 0, timers, untrack, errors, stopped: false };
  } catch (e) {
    untrack();
    for (const t of timers) clearInterval(t);
    throw e;
  }
}

function findPlayer(s: Shared, username: string): Player {
  const p = s.serv.players.find((x: Player) => x.username === username);
  if (!p) throw new Error(`player ${username} is not on the local server`);
  return p;
}

/** Puts back the generated blocks (trees, and air where tables were placed) around (x, z), skipping cells a player stands in. */
async function regrow(s: Shared, cx: number, cz: number, radius: number): Promise<void> {
  const world = s.serv.overworld;
  const occupied = new Set<string>();
  for (const p of s.serv.players as Player[]) {
    const f = p.position.floored();
    for (const dy of [0, 1]) occupied.add(`${f.x},${f.y + dy},${f.z}`);
  }
  const ids = new Map<string, number>();
  for (let x = Math.floor(cx) - radius; x <= Math.floor(cx) + radius; x++) {
    for (let z = Math.floor(cz) - radius; z <= Math.floor(cz) + radius; z++) {
      for (let y = SURFACE_Y + 1; y <= SURFACE_Y + TREE_HEIGHT + 1; y++) {
        const name = originalBlockName(s.worldSeed, x, y, z);
        let want = ids.get(name);
        if (want === undefined) ids.set(name, (want = stateId(s.serv.registry, name)));
        const pos = Vec3(x, y, z);
        if ((await world.getBlockStateId(pos)) !== want && !occupied.has(`${x},${y},${z}`)) await s.serv.setBlock(world, pos, want);
      }
    }
  }
}

/** Starts (first call) or joins the process's local server. */
export async function acquireLocalServer(version: string, worldSeed: number): Promise<LocalServer> {
  shared ??= start(version, worldSeed).catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  const s = await shared;
  if (s.stopped) return acquireLocalServer(version, worldSeed); // the last user left while we waited: start a new one
  s.refs += 1;
  let released = false;
  return {
    host: '127.0.0.1',
    port: s.port,
    version: s.version,
    worldSeed: s.worldSeed,
    async resetPlayer(username, x, y, z, regrowRadius) {
      const player = findPlayer(s, username);
      await player.alaLoggedIn;
      clearInventory(player);
      player.updateHealth(20);
      player.updateFood(20);
      await regrow(s, x, z, regrowRadius);
      await teleportVisible(player, Vec3(x, y, z));
    },
    errors: () => s.errors.count,
    async craft(username, result) {
      return craftOnServer(s.serv, findPlayer(s, username), result);
    },
    async release() {
      if (released) return;
      released = true;
      s.refs -= 1;
      if (s.refs === 0 && !s.stopped) {
        s.stopped = true;
        shared = undefined;
        await stopServer(s.serv, s.timers);
        s.untrack();
      }
    },
  };
}
