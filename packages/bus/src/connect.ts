// Opens the NATS connection every ALA service uses: reconnect forever (the nats.js default gives up
// after ~20 s), a connection name, and status monitoring that counts and logs disconnects,
// reconnects and permission errors (NATS reports those on nc.status(), they never throw; a denied
// publish or subscribe changes nothing on the server, it is counted and logged at most every 10 s).
// Identity and TLS come from `security` (security.ts): an nkey seed file, TLS files and the
// per-identity inbox prefix. drainOnSignal wires SIGTERM/SIGINT to drain-then-exit. No
// subscriptions or publishing here; never logs a seed or key.
import { AuthorizationError, connect as natsConnect, PermissionViolationError, type Authenticator, type NatsConnection } from '@nats-io/transport-node';
import { consoleLogger, type BusLogger } from './logger';
import { resolveSecurity, type ConnectionSecurity } from './security';

export interface ConnectOptions {
  /** One or more `nats://host:port` URLs. */
  servers: string | string[];
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  user?: string;
  pass?: string;
  token?: string;
  authenticator?: Authenticator | Authenticator[];
  /** nkey seed file and TLS files (ALA_NATS_* variables, security.ts); overrides `authenticator` when it names a seed. */
  security?: ConnectionSecurity;
  /** Wait between reconnect attempts (default 250 ms; nats.js default 2 s). */
  reconnectTimeWaitMs?: number;
  /** Timeout of the first connect (default 5 s). */
  timeoutMs?: number;
  /** Keep retrying the first connect instead of failing (default false). */
  waitOnFirstConnect?: boolean;
  logger?: BusLogger;
}

export interface ConnectionStats {
  disconnects: number;
  reconnects: number;
  permissionErrors: number;
  /** Other asynchronous errors reported by the client (auth expiry, protocol errors). */
  errors: number;
  slowConsumers: number;
  staleConnections: number;
}

export interface AlaConnection {
  readonly nc: NatsConnection;
  /** Snapshot of the status counters. */
  stats(): Readonly<ConnectionStats>;
  /** Drain subscriptions and publishes, then close. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Permission denials are logged at most this often (each is counted). */
const PERMISSION_LOG_INTERVAL_MS = 10_000;
let warnedUnauthenticated = false;

/** Connects with `maxReconnectAttempts: -1` and starts status monitoring. */
export async function connect(opts: ConnectOptions): Promise<AlaConnection> {
  const logger = opts.logger ?? consoleLogger;
  const sec = resolveSecurity(opts.security);
  for (const w of sec.warnings) logger.warn(w, { name: opts.name });
  if (sec.authenticator === undefined && opts.authenticator === undefined && opts.user === undefined && opts.token === undefined && !warnedUnauthenticated) {
    warnedUnauthenticated = true;
    logger.warn('connecting to NATS without authentication (set ALA_NATS_NKEY_SEED_FILE; see docs/security.md)', { name: opts.name });
  }
  const nc = await natsConnect({
    servers: opts.servers,
    name: opts.name,
    user: opts.user,
    pass: opts.pass,
    token: opts.token,
    authenticator: sec.authenticator ?? opts.authenticator,
    ...(sec.inboxPrefix !== undefined ? { inboxPrefix: sec.inboxPrefix } : {}),
    ...(sec.tls !== undefined ? { tls: sec.tls } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 250,
    timeout: opts.timeoutMs ?? 5_000,
    waitOnFirstConnect: opts.waitOnFirstConnect ?? false,
  });
  const stats: ConnectionStats = { disconnects: 0, reconnects: 0, permissionErrors: 0, errors: 0, slowConsumers: 0, staleConnections: 0 };
  let lastPermissionLog = -Infinity;
  let unloggedPermissionErrors = 0;
  void (async () => {
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
          stats.disconnects++;
          logger.warn('nats disconnected', { name: opts.name, server: s.server });
          break;
        case 'reconnect':
          stats.reconnects++;
          logger.info('nats reconnected', { name: opts.name, server: s.server });
          break;
        case 'error':
          if (s.error instanceof PermissionViolationError || s.error instanceof AuthorizationError) {
            stats.permissionErrors++;
            unloggedPermissionErrors++;
            if (performance.now() - lastPermissionLog >= PERMISSION_LOG_INTERVAL_MS) {
              lastPermissionLog = performance.now();
              logger.error('nats permission denied', {
                name: opts.name,
                error: s.error,
                deniedSinceLastLog: unloggedPermissionErrors,
                total: stats.permissionErrors,
              });
              unloggedPermissionErrors = 0;
            }
          } else {
            stats.errors++;
            logger.error('nats error', { name: opts.name, error: s.error });
          }
          break;
        case 'slowConsumer':
          stats.slowConsumers++;
          logger.warn('nats slow consumer', { name: opts.name, subject: s.sub.getSubject(), pending: s.pending });
          break;
        case 'staleConnection':
          stats.staleConnections++;
          logger.warn('nats stale connection', { name: opts.name });
          break;
        default:
          break;
      }
    }
  })();
  return {
    nc,
    stats: () => ({ ...stats }),
    drain: () => nc.drain(),
    close: () => nc.close(),
  };
}

export interface DrainOnSignalOptions {
  /** Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Runs first (stop loops, flush state); then the connection drains. */
  beforeDrain?: () => void | Promise<void>;
  /** Give up and exit 1 after this long (default 10 s). */
  timeoutMs?: number;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
  logger?: BusLogger;
}

/**
 * On the first of `signals`: beforeDrain, drain, exit 0 (exit 1 on failure or timeout). Returns a
 * function that removes the handlers.
 */
export function drainOnSignal(conn: { drain(): Promise<void> }, opts: DrainOnSignalOptions = {}): () => void {
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const logger = opts.logger ?? consoleLogger;
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) return;
    started = true;
    logger.info('signal received: draining', { signal });
    const timer = setTimeout(() => {
      logger.error('drain timed out', { timeoutMs: opts.timeoutMs ?? 10_000 });
      exit(1);
    }, opts.timeoutMs ?? 10_000);
    timer.unref();
    void (async () => {
      try {
        await opts.beforeDrain?.();
        await conn.drain();
        clearTimeout(timer);
        exit(0);
      } catch (err) {
        clearTimeout(timer);
        logger.error('drain failed', { error: err });
        exit(1);
      }
    })();
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
