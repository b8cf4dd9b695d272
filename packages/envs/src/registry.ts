// The env registry: `makeEnv(id, options)` builds any registered env, `makeAsyncEnvs(id, n,
// options)` builds N server-backed (asynchronous) copies, `registerEnv(spec)` adds one (user code
// can register its own env without forking), `getExpert(idOrEnv, knobs)` returns the scripted
// expert of an env, `resolveEnvId(name)` turns a family name (`CartPole`) into its registered id.
// Built-in envs are registered here on first use; optional ones (builtins.ts OPTIONAL_ENVS) on
// their first lookup. The registry stays synchronous. This module must not know about any
// concrete env beyond the built-in lists.
import type { AsyncEnv, Env } from './env';
import { EnvRegistryError, InvalidOptionError } from './errors';
import type { Expert, ExpertKnobs } from './expert';
import { builtinEnvSpecs, OPTIONAL_ENVS } from './builtins';

/** Which of how many agents an async env is (e.g. a server-backed env names its player from it). */
export interface AsyncEnvSlot {
  /** 0-based index of this env among the `agents` built together. */
  readonly index: number;
  readonly agents: number;
}

/** How to build an env (and, optionally, its expert). */
export interface EnvSpec<O extends object = Record<string, unknown>> {
  /** Unique id, Gymnasium style `Name-vN`: [A-Za-z0-9_.:-]{1,64}. */
  readonly id: string;
  /** One line for listings and advisors. */
  readonly description?: string;
  /**
   * Builds a fresh env; must validate `options` and throw InvalidOptionError on bad ones. For a
   * server-backed env (one with `createAsync`) this is an offline view that reads, exports and
   * imports states (the learner probes its spaces, an advisor plans on a copy) but cannot step.
   */
  readonly create: (options: O) => Env;
  /**
   * Builds one asynchronous env (e.g. a player on a game server), when stepping needs I/O. When
   * present, actors step this env through AsyncVectorEnv (makeAsyncEnvs); `exportState()` on the
   * returned env, if any, must be synchronous (the state captured by the last reset/step).
   */
  readonly createAsync?: (options: O & AsyncEnvSlot) => Promise<AsyncEnv>;
  /** Builds the env's scripted expert with the accuracy/adversarial knobs. */
  readonly expert?: (knobs: ExpertKnobs) => Expert;
}

/** One line of `listEnvs()`. */
export interface EnvListing {
  readonly id: string;
  readonly description: string;
  readonly hasExpert: boolean;
  /** Stepped through `createAsync` (a server-backed env). */
  readonly async: boolean;
  /** False for an optional env whose package is not installed (the description says how to install it). */
  readonly installed: boolean;
}

const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
let registry: Map<string, EnvSpec<object>> | undefined;

function specs(): Map<string, EnvSpec<object>> {
  registry ??= new Map(builtinEnvSpecs().map((s) => [s.id, s]));
  return registry;
}

/**
 * Registers an env under `spec.id`. Throws EnvRegistryError if the id is malformed or already
 * registered (pass `{ replace: true }` to override deliberately, e.g. in tests).
 */
export function registerEnv<O extends object>(spec: EnvSpec<O>, opts: { replace?: boolean } = {}): void {
  if (typeof spec.id !== 'string' || !ID_RE.test(spec.id)) {
    throw new EnvRegistryError(String(spec.id), `env id must match ${ID_RE.source}`);
  }
  if (typeof spec.create !== 'function') throw new EnvRegistryError(spec.id, 'spec.create must be a function');
  if (spec.createAsync !== undefined && typeof spec.createAsync !== 'function') throw new EnvRegistryError(spec.id, 'spec.createAsync must be a function');
  if (specs().has(spec.id) && opts.replace !== true) {
    throw new EnvRegistryError(spec.id, `env ${spec.id} is already registered (pass { replace: true } to override)`);
  }
  specs().set(spec.id, spec as EnvSpec<object>);
}

/** Removes a registered env (built-ins included); returns whether it existed. */
export function unregisterEnv(id: string): boolean {
  return specs().delete(id);
}

/**
 * Every registered env, plus the optional ones not loaded yet (listed without loading them: an
 * optional env whose package is missing shows `installed: false` and how to install it), sorted by id.
 */
export function listEnvs(): EnvListing[] {
  const out: EnvListing[] = [...specs().values()].map((s) => ({
    id: s.id,
    description: s.description ?? '',
    hasExpert: s.expert !== undefined,
    async: s.createAsync !== undefined,
    installed: true,
  }));
  for (const o of Object.values(OPTIONAL_ENVS)) {
    if (specs().has(o.id)) continue;
    const installed = o.installed();
    out.push({
      id: o.id,
      description: installed ? o.description : `${o.description} (not installed: run ${o.setup})`,
      hasExpert: true,
      async: true,
      installed,
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function lookup(id: string): EnvSpec<object> {
  const spec = specs().get(id);
  if (spec) return spec;
  const optional = OPTIONAL_ENVS[id];
  if (optional) {
    const loaded = optional.load(); // throws EnvRegistryError naming the setup command when the package is missing
    if (loaded.id !== id) throw new EnvRegistryError(id, `the package of ${id} registers ${loaded.id}`);
    registerEnv(loaded);
    return loaded as EnvSpec<object>;
  }
  const known = listEnvs().map((e) => e.id);
  throw new EnvRegistryError(id, `unknown env id ${JSON.stringify(id)}; registered: ${known.join(', ')}`);
}

/** The spec registered under `id` (optional envs are loaded by this first lookup). */
export function envSpec(id: string): EnvSpec<object> {
  return lookup(id);
}

/** Builds a registered env. Options are env-specific (see each env's `*Options` type). */
export function makeEnv(id: string, options: object = {}): Env {
  return lookup(id).create(options);
}

/** True when `id` is stepped through `createAsync` (loads an optional env on first use). */
export function isAsyncEnv(id: string): boolean {
  return lookup(id).createAsync !== undefined;
}

/**
 * `agents` asynchronous copies of env `id`, env i built with `{ ...options, index: i, agents }`
 * through the spec's `createAsync` (all at once), else the synchronous envs of `create`. If one
 * cannot be built, those already built are closed and the first error is thrown.
 */
export async function makeAsyncEnvs(id: string, agents: number, options: object = {}): Promise<(AsyncEnv | Env)[]> {
  if (!Number.isSafeInteger(agents) || agents < 1) throw new InvalidOptionError('agents', agents, 'agents must be a positive integer');
  const spec = lookup(id);
  const createAsync = spec.createAsync;
  if (createAsync === undefined) return Array.from({ length: agents }, () => spec.create(options));
  const settled = await Promise.allSettled(Array.from({ length: agents }, (_, index) => createAsync({ ...options, index, agents })));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<AsyncEnv>).value);
  await Promise.allSettled(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])));
  throw failed.reason;
}

/**
 * The registered id for `name`: the id itself when registered (or optional), else the unique id
 * of that family (`CartPole` -> `CartPole-v1`, `Minecraft` -> `Minecraft-v0`: ids `name-v<N>`).
 * Throws EnvRegistryError when nothing matches, or when several versions do (listing them).
 */
export function resolveEnvId(name: string): string {
  const ids = listEnvs().map((e) => e.id);
  if (ids.includes(name)) return name;
  const family = ids.filter((id) => id.startsWith(`${name}-`) && /^v\d+$/.test(id.slice(name.length + 1)));
  if (family.length === 1) return family[0]!;
  if (family.length > 1) throw new EnvRegistryError(name, `env name ${JSON.stringify(name)} is ambiguous: ${family.join(', ')}`);
  throw new EnvRegistryError(name, `unknown env ${JSON.stringify(name)}; registered: ${ids.join(', ')}`);
}

/** The scripted expert for an env id or env instance (looked up by `env.id`). */
export function getExpert(envOrId: Env | string, knobs: ExpertKnobs = {}): Expert {
  const id = typeof envOrId === 'string' ? envOrId : envOrId.id;
  const spec = lookup(id);
  if (!spec.expert) throw new EnvRegistryError(id, `env ${id} has no expert`);
  return spec.expert(knobs);
}
