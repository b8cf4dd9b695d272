// Minecraft-v0's options: what the env does (task, maxSteps, ticksPerStep, start area, world
// seed) and how it connects (host, port, version, auth, username prefix, step timeout), checked
// once into a typed config. Connection settings not given as options come from the environment
// (ALA_MINECRAFT_HOST, _PORT, _VERSION, _AUTH, _STEP_TIMEOUT_MS; docs/configuration.md), so
// pointing the system at an existing server is configuration only. Bad values throw
// InvalidOptionError before anything connects. Must not open sockets.
import { createHash } from 'node:crypto';
import { InvalidOptionError } from '@ala/envs';
import { MAX_MAX_STEPS } from './state';
import { MINECRAFT_ID, TASKS, type Task } from './rules';

export interface MinecraftOptions {
  /** 'logs' (default): +1 per log; 'techtree': milestones up to a wooden pickaxe. */
  readonly task?: Task;
  /** Time limit in steps (truncation). Default 250 (50 s of game time at the default ticksPerStep). */
  readonly maxSteps?: number;
  /** Physics ticks (50 ms each) per step, 1..20. Default 4 (200 ms: a log takes ~15 dig steps). */
  readonly ticksPerStep?: number;
  /** A dig continues through actions that neither turn the bot nor step back (true, default); false: any other action stops it. */
  readonly digThroughActions?: boolean;
  /** Side of the square (centred on the world origin) where episode starts are drawn, 8..4096. Default 64. */
  readonly startArea?: number;
  /** World seed of the local server (trees). Default 0. */
  readonly worldSeed?: number;
  /** Server host; unset = start a local flying-squid server on a free loopback port. */
  readonly host?: string;
  /** Server port. Default 25565 with a host; the free port of the local server without. */
  readonly port?: number;
  /** Minecraft version. Default '1.16.5' (the local server's). */
  readonly version?: string;
  /** 'offline' (default) or 'microsoft'. */
  readonly auth?: 'offline' | 'microsoft';
  /** Bot name prefix (names are prefix + actor hash + '_' + index, at most 16 characters). Default 'ala'. */
  readonly usernamePrefix?: string;
  /** A step that takes longer ends the episode (truncated, info.timeout). Default 2000. */
  readonly stepTimeoutMs?: number;
  /** Which agent this env is (0-based) and of how many (names and start spreading). */
  readonly index?: number;
  readonly agents?: number;
  /** The actor that owns the bots (makes names unique across actors). */
  readonly actorId?: string;
  /** Registry id reported by `env.id`. */
  readonly id?: string;
}

export interface MinecraftConfig {
  readonly id: string;
  readonly task: Task;
  readonly maxSteps: number;
  readonly ticksPerStep: number;
  readonly digThroughActions: boolean;
  readonly startArea: number;
  readonly worldSeed: number;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly version: string;
  readonly auth: 'offline' | 'microsoft';
  readonly usernamePrefix: string;
  readonly stepTimeoutMs: number;
  readonly index: number;
  readonly agents: number;
  readonly actorId: string;
}

const KEYS = [
  'task',
  'maxSteps',
  'ticksPerStep',
  'digThroughActions',
  'startArea',
  'worldSeed',
  'host',
  'port',
  'version',
  'auth',
  'usernamePrefix',
  'stepTimeoutMs',
  'index',
  'agents',
  'actorId',
  'id',
];

function int(name: string, v: unknown, dflt: number, min: number, max: number): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min || x > max)
    throw new InvalidOptionError(name, v, `${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  return x;
}
function oneOf<T extends string>(name: string, v: unknown, dflt: T, choices: readonly T[]): T {
  const x = v ?? dflt;
  if (typeof x !== 'string' || !(choices as readonly string[]).includes(x))
    throw new InvalidOptionError(name, v, `${name} must be one of ${choices.join(', ')}, got ${String(v)}`);
  return x as T;
}
function str(name: string, v: unknown, dflt: string, re: RegExp): string {
  const x = v ?? dflt;
  if (typeof x !== 'string' || !re.test(x)) throw new InvalidOptionError(name, v, `${name} must match ${re.source}, got ${JSON.stringify(v)}`);
  return x;
}
function bool(name: string, v: unknown, dflt: boolean): boolean {
  const x = v ?? dflt;
  if (typeof x !== 'boolean') throw new InvalidOptionError(name, v, `${name} must be true or false, got ${String(v)}`);
  return x;
}
const numEnv = (v: string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v));
const strEnv = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** Checks options (falling back to `env` for the connection settings) into a config; throws InvalidOptionError. */
export function minecraftConfig(options: MinecraftOptions = {}, env: NodeJS.ProcessEnv = process.env): MinecraftConfig {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError('options', options, `${MINECRAFT_ID} options must be an object`);
  for (const k of Object.keys(options))
    if (!KEYS.includes(k))
      throw new InvalidOptionError(k, (options as Record<string, unknown>)[k], `${MINECRAFT_ID} has no option ${JSON.stringify(k)}; known: ${KEYS.join(', ')}`);
  const host = options.host ?? strEnv(env.ALA_MINECRAFT_HOST);
  if (host !== undefined) str('host', host, '', /^[A-Za-z0-9.:[\]-]{1,253}$/);
  const port = options.port ?? numEnv(env.ALA_MINECRAFT_PORT);
  const agents = int('agents', options.agents, 1, 1, 1000);
  return {
    id: str('id', options.id, MINECRAFT_ID, /^[A-Za-z0-9_.:-]{1,64}$/),
    task: oneOf('task', options.task, 'logs', TASKS),
    maxSteps: int('maxSteps', options.maxSteps, 250, 1, MAX_MAX_STEPS),
    ticksPerStep: int('ticksPerStep', options.ticksPerStep, 4, 1, 20),
    digThroughActions: bool('digThroughActions', options.digThroughActions, true),
    startArea: int('startArea', options.startArea, 64, 8, 4096),
    worldSeed: int('worldSeed', options.worldSeed, 0, 0, 2 ** 31 - 1),
    host,
    port: port === undefined ? undefined : int('port', port, 0, 1, 65535),
    version: str('version', options.version ?? strEnv(env.ALA_MINECRAFT_VERSION), '1.16.5', /^\d+\.\d+(\.\d+)?$/),
    auth: oneOf('auth', options.auth ?? strEnv(env.ALA_MINECRAFT_AUTH), 'offline', ['offline', 'microsoft'] as const),
    usernamePrefix: str('usernamePrefix', options.usernamePrefix, 'ala', /^[A-Za-z0-9_]{1,6}$/),
    stepTimeoutMs: int('stepTimeoutMs', options.stepTimeoutMs ?? numEnv(env.ALA_MINECRAFT_STEP_TIMEOUT_MS), 2000, 10, 600_000),
    index: int('index', options.index, 0, 0, agents - 1),
    agents,
    actorId: str('actorId', options.actorId, '', /^[\s\S]{0,200}$/),
  };
}

/** The bot's name: prefix + 4 hex digits of the actor id's hash + '_' + index (<= 16 characters, unique per actor and index). */
export function botUsername(c: MinecraftConfig): string {
  const tag = createHash('sha256').update(c.actorId).digest('hex').slice(0, 4);
  return `${c.usernamePrefix}${tag}_${c.index}`;
}
