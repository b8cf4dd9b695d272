// Service settings from environment variables, declared once per service: each setting names its
// variable(s), its default and its rule, and defineConfig() derives from that one table the
// defaults, load(env) (parse and check; a bad value throws ConfigError naming the variable, so
// nothing starts half-configured), validate(config) (the same checks on a config built in code,
// e.g. by `ala up`, naming the field) and `env`, every variable load reads (a service's CONFIG_ENV).
// Must not read process.env itself: the caller passes the environment.
import { isValidPrefix } from '@ala/protocol';

/** A setting is invalid (from the environment or built in code); nothing was started. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** Config field, dotted for nested ones (`llm.timeoutMs`). */
    readonly field: string,
    /** Environment variable the value came from (undefined for a config built in code). */
    readonly variable: string | undefined,
    /** The refused value. */
    readonly value: unknown,
    /** What the value must be ("an integer in [1, 10000]"). */
    readonly rule: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable ?? field}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}: ${field} must be ${rule}`, options);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;
type Scalar = string | number | boolean | undefined;

/** One setting: the variables it is read from (first set one wins), its default and its rule. */
export class Setting<T extends Scalar> {
  constructor(
    readonly env: readonly string[],
    readonly def: T,
    readonly rule: string,
    /** Text -> value; undefined when the text is not of this type. */
    readonly parse: (raw: string) => T | undefined,
    readonly ok: (v: T) => boolean,
  ) {}
}

/** A config's table: a Setting per scalar field, a nested table per object field. */
export type Schema<C> = { readonly [K in keyof C]-?: C[K] extends Scalar ? Setting<C[K]> : Schema<C[K]> };

/** Bounds of a numeric setting (`above` is an exclusive lower bound). */
export interface Range {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
}

const names = (env: string | readonly string[]): readonly string[] => (typeof env === 'string' ? [env] : env);

function numeric(kind: 'an integer' | 'a number', env: string | readonly string[], def: number, r: Range): Setting<number> {
  const bounds = [r.min !== undefined ? `>= ${r.min}` : r.above !== undefined ? `> ${r.above}` : '', r.max !== undefined ? `<= ${r.max}` : ''].filter(Boolean);
  const rule = r.min !== undefined && r.max !== undefined ? `${kind} in [${r.min}, ${r.max}]` : [kind, bounds.join(' and ')].filter(Boolean).join(' ');
  const typeOk = kind === 'an integer' ? Number.isSafeInteger : Number.isFinite;
  const inRange = (x: number): boolean =>
    !(r.min !== undefined && x < r.min) && !(r.above !== undefined && x <= r.above) && !(r.max !== undefined && x > r.max);
  return new Setting(
    names(env),
    def,
    rule,
    (raw) => Number(raw),
    (x) => typeOk(x) && inRange(x),
  );
}

/** Constructors of settings: `setting.int('ALA_AGENTS', 20, { min: 1, max: 10_000 })`. */
export const setting = {
  int: (env: string | readonly string[], def: number, range: Range = {}): Setting<number> => numeric('an integer', env, def, range),
  number: (env: string | readonly string[], def: number, range: Range = {}): Setting<number> => numeric('a number', env, def, range),
  string: (env: string | readonly string[], def: string, check?: { test: (s: string) => boolean; rule: string }): Setting<string> =>
    new Setting(names(env), def, check?.rule ?? 'a string', (raw) => raw, check?.test ?? (() => true)),
  /** A string that may stay unset (undefined). */
  optional: (env: string | readonly string[]): Setting<string | undefined> =>
    new Setting<string | undefined>(
      names(env),
      undefined,
      'a string',
      (raw) => raw,
      () => true,
    ),
  oneOf: <T extends string>(env: string | readonly string[], def: T, allowed: readonly T[]): Setting<T> =>
    new Setting(
      names(env),
      def,
      `one of ${allowed.join(', ')}`,
      (raw) => allowed.find((a) => a === raw),
      (v) => allowed.includes(v),
    ),
  bool: (env: string | readonly string[], def: boolean): Setting<boolean> =>
    new Setting(
      names(env),
      def,
      'true/false (or 1/0, yes/no, on/off)',
      (raw) => (/^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : undefined),
      (v) => typeof v === 'boolean',
    ),
};

/** A cross-field rule: [field, holds, rule]. */
export type Refinement = readonly [field: string, ok: boolean, rule: string];

export interface ConfigDef<C> {
  readonly defaults: C;
  /** Every variable load() reads, in table order. */
  readonly env: readonly string[];
  /** Config from `env`; unset or empty variables take the value in `defaults` (default: the table's). */
  load(env: Env, defaults?: C): C;
  /** Checks a config built in code; returns it, or throws ConfigError naming the field. */
  validate(config: C): C;
}

type Leaf = { path: string[]; s: Setting<Scalar> };

function leaves(schema: object, path: string[] = []): Leaf[] {
  return Object.entries(schema).flatMap(([k, v]: [string, unknown]) =>
    v instanceof Setting ? [{ path: [...path, k], s: v }] : leaves(v as object, [...path, k]),
  );
}
const get = (o: unknown, path: readonly string[]): unknown => path.reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o);
function build(ls: readonly Leaf[], value: (l: Leaf) => Scalar): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of ls) {
    let o = out;
    for (const k of l.path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[l.path[l.path.length - 1]!] = value(l);
  }
  return out;
}

/** The defaults, loader, validator and variable list of one config table. */
export function defineConfig<C>(schema: Schema<C>, refine: (c: C) => readonly Refinement[] = () => []): ConfigDef<C> {
  const ls = leaves(schema);
  const fieldOf = (l: Leaf): string => l.path.join('.');
  const envOf = new Map(ls.map((l) => [fieldOf(l), l.s.env[0]]));
  const refined = (c: C, fromEnv: (field: string) => string | undefined): C => {
    for (const [field, ok, rule] of refine(c)) if (!ok) throw new ConfigError(field, fromEnv(field), get(c, field.split('.')), rule);
    return c;
  };
  const validate = (c: C): C => {
    for (const l of ls) {
      const v = get(c, l.path) as Scalar;
      if (!l.s.ok(v)) throw new ConfigError(fieldOf(l), undefined, v, l.s.rule);
    }
    return refined(c, () => undefined);
  };
  const defaults = build(ls, (l) => l.s.def) as C;
  return {
    defaults: validate(defaults),
    env: ls.flatMap((l) => l.s.env),
    validate,
    load(env, base = defaults) {
      const set = new Set<string>();
      const c = build(ls, (l) => {
        let hit: { name: string; raw: string } | undefined;
        for (const name of l.s.env) {
          const raw = env[name]?.trim();
          if (hit === undefined && raw !== undefined && raw !== '') hit = { name, raw };
        }
        if (hit === undefined) {
          const v = get(base, l.path) as Scalar;
          if (!l.s.ok(v)) throw new ConfigError(fieldOf(l), undefined, v, l.s.rule);
          return v;
        }
        set.add(fieldOf(l));
        const v = l.s.parse(hit.raw);
        if (v === undefined || !l.s.ok(v)) throw new ConfigError(fieldOf(l), hit.name, hit.raw, l.s.rule);
        return v;
      }) as C;
      return refined(c, (field) => (set.has(field) ? envOf.get(field) : undefined));
    },
  };
}

/** Settings every service reads. */
export interface CommonConfig {
  /** NATS server URL(s) (ALA_NATS_URL, else NATS_URL). */
  readonly natsUrl: string;
  /** Subject prefix, 1-4 dot-separated tokens. */
  readonly prefix: string;
  /** Port of the /metrics HTTP server (0 = no server). */
  readonly metricsPort: number;
  /** The service's nkey seed file (`ala creds` writes them; docs/security.md); unset = no authentication. */
  readonly nkeySeedFile: string | undefined;
  /** CA bundle that verifies the server's TLS certificate. */
  readonly tlsCaFile: string | undefined;
  /** Client certificate and key for mutual TLS (both or neither). */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  /** Bound on a SIGTERM's stop (flush, checkpoint) + drain before the process exits 1, ms. */
  readonly shutdownTimeoutMs: number;
}

export const COMMON_SETTINGS: Schema<CommonConfig> = {
  natsUrl: setting.string(['ALA_NATS_URL', 'NATS_URL'], 'nats://127.0.0.1:4222'),
  prefix: setting.string('ALA_PREFIX', 'ala', { test: isValidPrefix, rule: '1-4 dot-separated tokens of [A-Za-z0-9_-]' }),
  metricsPort: setting.int('ALA_METRICS_PORT', 0, { min: 0, max: 65535 }),
  nkeySeedFile: setting.optional('ALA_NATS_NKEY_SEED_FILE'),
  tlsCaFile: setting.optional('ALA_NATS_TLS_CA_FILE'),
  tlsCertFile: setting.optional('ALA_NATS_TLS_CERT_FILE'),
  tlsKeyFile: setting.optional('ALA_NATS_TLS_KEY_FILE'),
  shutdownTimeoutMs: setting.int('ALA_SHUTDOWN_TIMEOUT_MS', 10_000, { min: 100, max: 3_600_000 }),
};

const COMMON = defineConfig<CommonConfig>(COMMON_SETTINGS);

/** The settings every service reads, for a process that is not one of the five (`ala status`, `ala up` on a given server). */
export function loadCommonConfig(env: Env = process.env): CommonConfig {
  return COMMON.load(env);
}
