// The shared shell of every service's main.ts: connect to NATS, build the Prometheus metrics and
// the bus (with its metrics adapter), start the service, serve /metrics, register the NATS
// services `status` endpoint, and on SIGTERM/SIGINT stop the service and drain. The connection
// uses the identity and TLS of ALA_NATS_NKEY_SEED_FILE / ALA_NATS_TLS_* (docs/security.md) and
// exports its counters (`ala_nats_*`, e.g. permission denials). It must not hold any service
// logic: the service's own `start` is passed in.
import { connect, drainOnSignal, NatsBus, systemClock, consoleLogger, type AlaConnection, type Bus, type BusLogger, type BusMetrics, type Clock, type ConnectionStats, type ConnectionSecurity } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { promBusMetrics } from './bus-metrics';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { PromMetrics, type ServiceMetrics } from './metrics';
import { registerStatusEndpoint, type StatusEndpoint } from './status-endpoint';
import { statsMetricsExporter, type StatsMetricDef } from './stats-exporter';

/** The connection counters every service exports (docs/metrics.md). */
export const NATS_CONNECTION_METRICS: readonly StatsMetricDef<ConnectionStats>[] = [
  { field: 'permissionErrors', name: 'ala_nats_permission_errors_total', kind: 'counter', help: 'publishes/subscribes the server denied (nothing changed; logged at most every 10 s)' },
  { field: 'disconnects', name: 'ala_nats_disconnects_total', kind: 'counter', help: 'NATS disconnects' },
  { field: 'reconnects', name: 'ala_nats_reconnects_total', kind: 'counter', help: 'NATS reconnects' },
];

export interface RunningServiceLike {
  stop(): Promise<void>;
  stats(): Record<string, number>;
}

export interface ServiceContext {
  conn: AlaConnection;
  bus: Bus;
  clock: Clock;
  metrics: ServiceMetrics;
  busMetrics: BusMetrics;
  log: BusLogger;
}

export interface ServiceMainOptions {
  /** Service name ([A-Za-z0-9_-]), also the NATS connection name and `service` metric label. */
  name: string;
  version: string;
  natsUrl: string;
  prefix: string;
  /** /metrics port (0 = no server). */
  metricsPort: number;
  start: (ctx: ServiceContext) => RunningServiceLike | Promise<RunningServiceLike>;
  log?: BusLogger;
  /** Identity and TLS files (ALA_NATS_NKEY_SEED_FILE, ALA_NATS_TLS_*: every service's CommonConfig carries them); none = no authentication. */
  security?: ConnectionSecurity;
}

export interface ServiceMainHandle {
  readonly ctx: ServiceContext;
  readonly running: RunningServiceLike;
  readonly metricsServer: MetricsServer | undefined;
  readonly status: StatusEndpoint;
  /** Stops everything and drains the connection (what SIGTERM does, without exiting). */
  shutdown(): Promise<void>;
}

export async function runServiceMain(opts: ServiceMainOptions): Promise<ServiceMainHandle> {
  const log = opts.log ?? consoleLogger;
  const security = opts.security ?? {};
  const conn = await connect({ servers: opts.natsUrl, name: opts.name, logger: log, waitOnFirstConnect: true, security });
  const metrics = new PromMetrics({ defaultLabels: { service: opts.name } });
  const exportConn = statsMetricsExporter(metrics, NATS_CONNECTION_METRICS);
  const connTimer = setInterval(() => exportConn(conn.stats() as ConnectionStats), 1000);
  connTimer.unref();
  const busMetrics = promBusMetrics(metrics);
  const bus = new NatsBus(conn.nc, { metrics: busMetrics, clock: systemClock, logger: log, subjects: subjects(opts.prefix) });
  const ctx: ServiceContext = { conn, bus, clock: systemClock, metrics, busMetrics, log };
  const running = await opts.start(ctx);
  const metricsServer = opts.metricsPort > 0 ? await startMetricsServer(opts.metricsPort, metrics.registry) : undefined;
  const status = await registerStatusEndpoint(conn.nc, {
    name: opts.name,
    version: opts.version,
    stats: () => ({ ...running.stats(), ...prefixed('nats_', conn.stats() as unknown as Record<string, number>) }),
  });
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(connTimer);
      exportConn(conn.stats() as ConnectionStats);
      await running.stop();
      await status.stop();
      await metricsServer?.close();
    })());
  drainOnSignal(conn, { beforeDrain: stopAll, logger: log });
  log.info(`${opts.name} started`, { nats: opts.natsUrl, metricsPort: metricsServer?.port ?? 0, instance: status.instanceId });
  return {
    ctx,
    running,
    metricsServer,
    status,
    shutdown: async () => {
      await stopAll();
      await conn.drain();
    },
  };
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
