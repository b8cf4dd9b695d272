// The env registry: `makeEnv(id, options)` builds any registered env, `registerEnv(spec)` adds
// one (user code can register its own env without forking), `getExpert(idOrEnv, knobs)` returns
// the scripted expert of an env. Built-in envs are registered here on first use. This module
// must not know about any concrete env beyond the built-in list.
import type { Env } from './env';
import { EnvRegistryError } from './errors';
import type { Expert, ExpertKnobs } from './expert';
import { builtinEnvSpecs } from './builtins';

/** How to build an env (and, optionally, its expert). */
export interface EnvSpec<O extends object = Record<string, unknown>> {
  /** Unique id, Gymnasium style `Name-vN`: [A-Za-z0-9_.:-]{1,64}. */
  readonly id: string;
  /** One line for listings and advisors. */
  readonly description?: string;
  /** Builds a fresh env; must validate `options` and throw InvalidOptionError on bad ones. */
  readonly create: (options: O) => Env;
  /** Builds the env's scripted expert with the accuracy/adversarial knobs. */
  readonly expert?: (knobs: ExpertKnobs) => Expert;
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
  if (specs().has(spec.id) && opts.replace !== true) {
    throw new EnvRegistryError(spec.id, `env ${spec.id} is already registered (pass { replace: true } to override)`);
  }
  specs().set(spec.id, spec as EnvSpec<object>);
}

/** Removes a registered env (built-ins included); returns whether it existed. */
export function unregisterEnv(id: string): boolean {
  return specs().delete(id);
}

/** Ids and descriptions of every registered env, sorted by id. */
export function listEnvs(): { id: string; description: string; hasExpert: boolean }[] {
  return [...specs().values()]
    .map((s) => ({ id: s.id, description: s.description ?? '', hasExpert: s.expert !== undefined }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function lookup(id: string): EnvSpec<object> {
  const spec = specs().get(id);
  if (!spec) throw new EnvRegistryError(id, `unknown env id ${JSON.stringify(id)}; registered: ${[...specs().keys()].join(', ')}`);
  return spec;
}

/** Builds a registered env. Options are env-specific (see each env's `*Options` type). */
export function makeEnv(id: string, options: object = {}): Env {
  return lookup(id).create(options);
}

/** The scripted expert for an env id or env instance (looked up by `env.id`). */
export function getExpert(envOrId: Env | string, knobs: ExpertKnobs = {}): Expert {
  const id = typeof envOrId === 'string' ? envOrId : envOrId.id;
  const spec = lookup(id);
  if (!spec.expert) throw new EnvRegistryError(id, `env ${id} has no expert`);
  return spec.expert(knobs);
}
