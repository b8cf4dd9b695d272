// The shared shell of every service's main.ts: serve /metrics, /healthz and /readyz (from the
// start, so a probe answers while NATS is still being reached), connect to NATS, build the bus
// (with its metrics adapter), start the service, register the NATS services `status` endpoint,
// and on SIGTERM/SIGINT stop the service (it flushes and checkpoints in its stop) and drain, all
// within ALA_SHUTDOWN_TIMEOUT_MS. The connection uses the identity and TLS of
// ALA_NATS_NKEY_SEED_FILE / ALA_NATS_TLS_* (docs/security.md) and exports its counters
// (`ala_nats_*`, e.g. permission denials). It must not hold any service logic: the service's own
// `start` is passed in, and its own readiness comes back with it.
import {
  connect,
  drainOnSignal,
  NatsBus,
  systemClock,
  consoleLogger,
  type AlaConnection,
  type Bus,
  type BusLogger,
  type BusMetrics,
  type Clock,
  type ConnectionSecurity,
  type ConnectionStats,
} from '@ala/bus';
import { subjects } from '@ala/protocol';
import type { CommonConfig } from './env-config';
import { promBusMetrics } from './bus-metrics';
import { registerProcessMetrics } from './process-metrics';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { PromMetrics, type ServiceMetrics } from './metrics';
import { notReady, READY, type Readiness, type ReadinessCheck } from './readiness';
import { registerStatusEndpoint, type StatusEndpoint } from './status-endpoint';
import { statsMetricsExporter, type StatsMetricDef } from './stats-exporter';

/** The connection counters every service exports (docs/metrics.md). */
export const NATS_CONNECTION_METRICS: readonly StatsMetricDef<ConnectionStats>[] = [
  {
    field: 'permissionErrors',
    name: 'ala_nats_permission_errors_total',
    kind: 'counter',
    help: 'publishes/subscribes the server denied (nothing changed; logged at most every 10 s)',
  },
  { field: 'disconnects', name: 'ala_nats_disconnects_total', kind: 'counter', help: 'NATS disconnects' },
  { field: 'reconnects', name: 'ala_nats_reconnects_total', kind: 'counter', help: 'NATS reconnects' },
];

export interface RunningServiceLike {
  stop(): Promise<void>;
  stats(): Record<string, number>;
  /** What the service itself needs to be ready (its streams, a loaded policy...); default ready. */
  ready?: ReadinessCheck;
  /**
   * Runs after every reconnect, e.g. to re-create memory streams a restarted server lost; a failure
   * is logged and counted in ala_service_reconnect_errors_total (readiness then says what is missing).
   */
  onReconnect?: () => Promise<unknown>;
}

export interface ServiceContext {
  conn: AlaConnection;
  bus: Bus;
  clock: Clock;
  metrics: ServiceMetrics;
  busMetrics: BusMetrics;
  log: BusLogger;
}

/**
 * Where and how a service connects and serves: the fields of CommonConfig (every service's config
 * carries them, so a service passes its whole config). The shutdown bound defaults to 10000 ms.
 */
export type ServiceConnectionConfig = Pick<CommonConfig, 'natsUrl' | 'prefix' | 'metricsPort'> &
  Partial<Pick<CommonConfig, 'shutdownTimeoutMs'>> &
  ConnectionSecurity;

export interface ServiceMainOptions {
  /** Service name ([A-Za-z0-9_-]), also the NATS connection name and `service` metric label. */
  name: string;
  version: string;
  /**
   * NATS URL, prefix, the /metrics, /healthz and /readyz port (0 = no server), the identity and TLS
   * files (none = no authentication) and the bound on a SIGTERM's stop + drain before exiting 1.
   */
  config: ServiceConnectionConfig;
  start: (ctx: ServiceContext) => RunningServiceLike | Promise<RunningServiceLike>;
  log?: BusLogger;
}

export interface ServiceMainHandle {
  readonly ctx: ServiceContext;
  readonly running: RunningServiceLike;
  readonly metricsServer: MetricsServer | undefined;
  readonly status: StatusEndpoint;
  /** What GET /readyz answers now. */
  readiness(): Promise<Readiness>;
  /** Stops everything and drains the connection (what SIGTERM does, without exiting). */
  shutdown(): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export async function runServiceMain(opts: ServiceMainOptions): Promise<ServiceMainHandle> {
  const log = opts.log ?? consoleLogger;
  const { config } = opts;
  const shutdownTimeoutMs = config.shutdownTimeoutMs ?? 10_000;
  let phase: 'connecting' | 'starting' | 'running' | 'stopping' = 'connecting';
  let conn: AlaConnection | undefined;
  let connected = false;
  let running: RunningServiceLike | undefined;
  let connTimer: NodeJS.Timeout | undefined;
  const readiness = async (): Promise<Readiness> => {
    if (phase === 'connecting') return notReady('connecting to NATS');
    if (phase === 'stopping') return notReady('shutting down');
    if (conn === undefined || conn.nc.isClosed() || !connected) return notReady('not connected to NATS');
    if (phase === 'starting' || running === undefined) return notReady('starting');
    return running.ready ? running.ready() : READY;
  };

  const metrics = new PromMetrics({ defaultLabels: { service: opts.name } });
  registerProcessMetrics(metrics.registry); // process_resident_memory_bytes, nodejs_eventloop_lag_p99_seconds (docs/metrics.md)
  metrics.define([{ name: 'ala_service_reconnect_errors_total', kind: 'counter', help: 'work after a NATS reconnect (re-creating streams) that failed' }]);
  const metricsServer = config.metricsPort > 0 ? await startMetricsServer(config.metricsPort, metrics.registry, { ready: readiness }) : undefined;
  // Until the service runs there is nothing to flush: a signal exits at once.
  const exitEarly = (signal: NodeJS.Signals): void => {
    log.info(`${opts.name}: ${signal} before the service started: exiting`);
    process.exit(0);
  };
  for (const s of SIGNALS) process.once(s, exitEarly);
  const removeEarly = (): void => {
    for (const s of SIGNALS) process.removeListener(s, exitEarly);
  };
  try {
    conn = await connect({ servers: config.natsUrl, name: opts.name, logger: log, waitOnFirstConnect: true, security: config });
    connected = true;
    const connStats = conn;
    const exportConn = statsMetricsExporter(metrics, NATS_CONNECTION_METRICS);
    connTimer = setInterval(() => exportConn(connStats.stats() as ConnectionStats), 1000);
    connTimer.unref();
    void trackConnection(conn, (up) => {
      connected = up;
      if (up && running?.onReconnect) {
        running.onReconnect().catch((err: unknown) => {
          metrics.inc('ala_service_reconnect_errors_total');
          log.error(`${opts.name}: after reconnecting: ${(err as Error).message}`, { error: err });
        });
      }
    });
    const busMetrics = promBusMetrics(metrics);
    const bus = new NatsBus(conn.nc, { metrics: busMetrics, clock: systemClock, logger: log, subjects: subjects(config.prefix) });
    const ctx: ServiceContext = { conn, bus, clock: systemClock, metrics, busMetrics, log };
    phase = 'starting';
    const svc = await opts.start(ctx);
    running = svc;
    const c = conn;
    const status = await registerStatusEndpoint(c.nc, {
      name: opts.name,
      version: opts.version,
      stats: () => ({ ...svc.stats(), ...prefixed('nats_', c.stats() as unknown as Record<string, number>) }),
    });
    phase = 'running';
    let stopping: Promise<void> | undefined;
    const stopService = (): Promise<void> =>
      (stopping ??= (async () => {
        phase = 'stopping';
        clearInterval(connTimer);
        exportConn(c.stats() as ConnectionStats);
        await svc.stop();
        await status.stop();
      })());
    drainOnSignal(c, { beforeDrain: stopService, timeoutMs: shutdownTimeoutMs, logger: log });
    removeEarly();
    log.info(`${opts.name} started`, { nats: config.natsUrl, metricsPort: metricsServer?.port ?? 0, instance: status.instanceId, shutdownTimeoutMs });
    return {
      ctx,
      running: svc,
      metricsServer,
      status,
      readiness,
      shutdown: async () => {
        await stopService();
        await c.drain();
        await metricsServer?.close();
      },
    };
  } catch (err) {
    removeEarly();
    clearInterval(connTimer);
    await metricsServer?.close();
    await conn?.close();
    throw err;
  }
}

/** Follows disconnects and reconnects of the connection (for /readyz). */
async function trackConnection(conn: AlaConnection, set: (up: boolean) => void): Promise<void> {
  for await (const s of conn.nc.status()) {
    if (s.type === 'disconnect') set(false);
    else if (s.type === 'reconnect') set(true);
  }
}

function prefixed(p: string, stats: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) if (typeof v === 'number') out[`${p}${k}`] = v;
  return out;
}

/** A service's main.ts run as a program: `if (require.main === module) runAsProgram('bias-router', main)`. */
export function runAsProgram(name: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
