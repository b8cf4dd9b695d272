// Minimal logging seam of the bus (connection status, handler failures). Default: one line on
// stderr; services inject their own. Must not throw.

export interface BusLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function line(level: string, msg: string, fields?: Record<string, unknown>): string {
  const extra = fields === undefined ? '' : ` ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}`;
  return `[ala-bus] ${level} ${msg}${extra}`;
}

export const consoleLogger: BusLogger = {
  info: (msg, fields) => console.info(line('info', msg, fields)),
  warn: (msg, fields) => console.warn(line('warn', msg, fields)),
  error: (msg, fields) => console.error(line('error', msg, fields)),
};

export const silentLogger: BusLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
