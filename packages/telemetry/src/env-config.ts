// Typed reading of service settings from environment variables, shared by every service's
// config.ts: each read names the variable, its default and its range, and a bad value throws
// ConfigError naming the variable (nothing starts half-configured). Must not read process.env
// itself: the caller passes the environment.

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** Environment variable concerned. */
    readonly variable: string,
    /** The refused value. */
    readonly value: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}=${JSON.stringify(value)}: ${detail}`, options);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReader {
  string(name: string, def: string, opts?: { pattern?: RegExp }): string;
  /** Optional string: undefined when unset or empty. */
  optional(name: string): string | undefined;
  number(name: string, def: number, opts?: { min?: number; max?: number }): number;
  int(name: string, def: number, opts?: { min?: number; max?: number }): number;
  oneOf<T extends string>(name: string, def: T, allowed: readonly T[]): T;
  bool(name: string, def: boolean): boolean;
}

/** A reader over `env` (unset and empty variables take the default). */
export function envReader(env: Env): EnvReader {
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const number = (name: string, def: number, opts: { min?: number; max?: number } = {}, int = false): number => {
    const v = raw(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new ConfigError(name, v, 'not a finite number');
    if (int && !Number.isInteger(n)) throw new ConfigError(name, v, 'not an integer');
    if (opts.min !== undefined && n < opts.min) throw new ConfigError(name, v, `must be >= ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw new ConfigError(name, v, `must be <= ${opts.max}`);
    return n;
  };
  return {
    string(name, def, opts = {}) {
      const v = raw(name) ?? def;
      if (opts.pattern !== undefined && !opts.pattern.test(v)) throw new ConfigError(name, v, `must match ${String(opts.pattern)}`);
      return v;
    },
    optional: raw,
    number: (name, def, opts) => number(name, def, opts, false),
    int: (name, def, opts) => number(name, def, opts, true),
    oneOf(name, def, allowed) {
      const v = raw(name);
      if (v === undefined) return def;
      const hit = allowed.find((a) => a === v);
      if (hit === undefined) throw new ConfigError(name, v, `must be one of ${allowed.join(', ')}`);
      return hit;
    },
    bool(name, def) {
      const v = raw(name);
      if (v === undefined) return def;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      throw new ConfigError(name, v, 'must be true/false (or 1/0, yes/no, on/off)');
    },
  };
}
