// Validation helpers for env constructor options: unknown keys and out-of-range numbers become
// InvalidOptionError before any env state exists. Must not hold env-specific defaults.
import { InvalidOptionError } from './errors';

/** Throws if `options` is not a plain object or has keys outside `allowed`. */
export function checkOptionKeys(envId: string, options: unknown, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `${envId} options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidOptionError(
        key,
        (options as Record<string, unknown>)[key],
        `${envId} has no option ${JSON.stringify(key)}; known: ${allowed.join(', ')}`,
      );
    }
  }
}

/** An integer option in [min, max], or the default when undefined. */
export function intOption(name: string, value: unknown, dflt: number, min: number, max: number): number {
  const v = value ?? dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InvalidOptionError(name, value, `${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return v;
}

/** A number option in [min, max], or the default when undefined. */
export function numberOption(name: string, value: unknown, dflt: number, min: number, max: number): number {
  const v = value ?? dflt;
  if (typeof v !== 'number' || !(v >= min && v <= max)) {
    throw new InvalidOptionError(name, value, `${name} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
  return v;
}

/** One of `choices`, or the default when undefined. */
export function enumOption<T extends string>(name: string, value: unknown, dflt: T, choices: readonly T[]): T {
  const v = value ?? dflt;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new InvalidOptionError(name, value, `${name} must be one of ${choices.join(', ')}, got ${String(value)}`);
  }
  return v as T;
}
