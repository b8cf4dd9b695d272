// A logger that says a repeated thing once, not once per message: per kind (level + message text)
// the first line goes out at once; later ones within `intervalMs` are held back and counted, and
// the next one after the interval goes out with `suppressed: N` (so at most one line per kind per
// interval, and no count is lost). For every log call that can fire per message (a malformed
// delivery, a failed handler, a failed publish): the failure itself is counted in a metric by the
// caller. Must not: use timers (nothing to stop) or throw.
import { systemClock, type Clock } from './clock';
import type { BusLogger } from './logger';

export interface RateLimitOptions {
  /** Shortest time between two lines of one kind, ms (default 10000). */
  readonly intervalMs?: number;
  readonly clock?: Clock;
  /** Kinds remembered at once; the oldest is forgotten beyond it (default 1000). */
  readonly maxKinds?: number;
}

interface KindState {
  lastAt: number;
  held: number;
}

/** Wraps `logger`; keep message texts constant (variables go in `fields`) so repeats share a kind. */
export function rateLimitedLogger(logger: BusLogger, opts: RateLimitOptions = {}): BusLogger & { flush(): void } {
  const intervalMs = opts.intervalMs ?? 10_000;
  const clock = opts.clock ?? systemClock;
  const maxKinds = opts.maxKinds ?? 1000;
  const kinds = new Map<string, KindState>();
  const emit = (level: keyof BusLogger, msg: string, fields: Record<string, unknown> | undefined, held: number): void => {
    try {
      logger[level](msg, held > 0 ? { ...fields, suppressed: held } : fields);
    } catch {
      // a logger must not throw; one that does loses this line, nothing else
    }
  };
  const log =
    (level: keyof BusLogger) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      const key = `${level}\u0000${msg}`;
      const now = clock.now();
      const k = kinds.get(key);
      if (k === undefined) {
        if (kinds.size >= maxKinds) kinds.delete(kinds.keys().next().value as string);
        kinds.set(key, { lastAt: now, held: 0 });
        emit(level, msg, fields, 0);
      } else if (now - k.lastAt >= intervalMs) {
        emit(level, msg, fields, k.held);
        k.lastAt = now;
        k.held = 0;
      } else {
        k.held += 1;
      }
    };
  return {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    /** Says, once per kind, how many lines are still held back (e.g. on stop). */
    flush: () => {
      for (const [key, k] of kinds) {
        if (k.held === 0) continue;
        const [level, msg] = key.split('\u0000') as [keyof BusLogger, string];
        emit(level, `${msg} (repeats held back)`, undefined, k.held);
        k.held = 0;
      }
    },
  };
}
