// Registers a service instance with the NATS services framework (@nats-io/services) so
// `nats micro ls`, `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS` discover it, with one `status`
// endpoint answering an msgpack ServiceStatus (@ala/protocol) built from the service's stats().
// Must not touch any other subject.
import { encode, ServiceStatus } from '@ala/protocol';
import { Svcm, type Service } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';

export interface StatusEndpointOptions {
  /** Service name ([A-Za-z0-9_-]+), e.g. 'bias-router'. */
  name: string;
  /** Semantic version, e.g. '0.1.0'. */
  version: string;
  description?: string;
  /** Counters and gauges to report (finite numbers; non-finite ones are left out). */
  stats: () => Record<string, number>;
  /** Monotonic ms clock for the uptime (default performance.now). */
  now?: () => number;
  metadata?: Record<string, string>;
}

export interface StatusEndpoint {
  /** Instance id assigned by the framework. */
  readonly instanceId: string;
  readonly service: Service;
  stop(): Promise<void>;
}

/** Adds the service (subject of the endpoint: `<name>.status`, no queue group) and returns it. */
export async function registerStatusEndpoint(nc: NatsConnection, opts: StatusEndpointOptions): Promise<StatusEndpoint> {
  const now = opts.now ?? (() => performance.now());
  const startedAt = now();
  // @nats-io/services 3.0.0-25 pins its own nats-core pre-release; the connection is the same at runtime.
  const service = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name: opts.name,
    version: opts.version,
    description: opts.description ?? `ALA ${opts.name}`,
    metadata: opts.metadata,
    statsHandler: () => Promise.resolve(finite(opts.stats())),
  });
  const instanceId = service.info().id;
  service.addGroup(opts.name, '').addEndpoint('status', {
    handler: (err, msg) => {
      if (err !== null) return;
      const status: ServiceStatus = {
        v: 1,
        service: opts.name,
        instanceId,
        version: opts.version,
        uptimeS: Math.max(0, (now() - startedAt) / 1000),
        stats: finite(opts.stats()),
      };
      msg.respond(encode(ServiceStatus, status));
    },
    metadata: { encoding: 'msgpack', message: 'ala.ServiceStatus.v1' },
  });
  return {
    instanceId,
    service,
    stop: async () => {
      await service.stop();
    },
  };
}

function finite(stats: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) if (Number.isFinite(v) && /^[A-Za-z0-9_:.-]{1,128}$/.test(k) && k !== '__proto__') out[k] = v;
  return out;
}
