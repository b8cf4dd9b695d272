// Request/reply endpoints on the NATS services framework (`$SRV.PING`, `nats micro ls` discover
// every instance) with typed requests and replies: decode at the edge, failures as service error
// headers (400 for a refused request, 500 for a failing handler), counted like bus traffic.
// It must not hold service logic: handlers come from the service's own module.
import { decode, encode, ProtocolError, type MessageDef } from '@ala/protocol';
import { ServiceErrorCodeHeader, ServiceErrorHeader, Svcm, type Service, type ServiceGroup } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { consoleLogger, type BusLogger } from './logger';
import { rateLimitedLogger } from './rate-limited-log';
import { noopBusMetrics, type BusMetrics } from './metrics';

export { ServiceErrorCodeHeader, ServiceErrorHeader };
export type { Service, ServiceGroup };

export interface ServiceOptions {
  /** Service name, e.g. `bias-router` ([A-Za-z0-9_-]). */
  name: string;
  version: string;
  description?: string;
  metadata?: Record<string, string>;
  /** Queue group of the endpoints (default: the framework's `q`). */
  queue?: string;
}

/**
 * Registers a service instance with the framework (each instance gets its own id).
 * @nats-io/services 3.0.0-25 (latest on npm) types against its own pre-release nats-core; the
 * connection is the same object at runtime (tested in test/service.test.ts), hence the cast.
 */
export async function startService(nc: NatsConnection, opts: ServiceOptions): Promise<Service> {
  return new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name: opts.name,
    version: opts.version,
    description: opts.description,
    metadata: opts.metadata,
    queue: opts.queue,
  });
}

export interface EndpointOptions {
  /** Subject of the endpoint (default: the endpoint name under the group). */
  subject?: string;
  metrics?: BusMetrics;
  logger?: BusLogger;
}

/**
 * Adds endpoint `name`: the request is decoded with `reqDef` (or ignored when `reqDef` is null, as
 * for `status`), the handler's value is encoded with `resDef`. A request the codec refuses gets
 * error 400 (`decodeErrors`), a handler that throws gets 500 (`handlerErrors`).
 */
export function addTypedEndpoint<Req, Res>(
  group: ServiceGroup,
  name: string,
  reqDef: MessageDef<Req> | null,
  resDef: MessageDef<Res>,
  handler: (req: Req | undefined) => Res | Promise<Res>,
  opts: EndpointOptions = {},
): void {
  const metrics = opts.metrics ?? noopBusMetrics;
  const logger = rateLimitedLogger(opts.logger ?? consoleLogger); // per-request errors: once, then counted
  const label = reqDef?.name ?? name;
  group.addEndpoint(name, {
    subject: opts.subject,
    handler: (err, msg) => {
      if (err) {
        logger.error('service endpoint error', { endpoint: name, error: err });
        return;
      }
      metrics.count('in', label);
      let req: Req | undefined;
      try {
        req = reqDef === null ? undefined : decode(reqDef, msg.data);
      } catch (e) {
        metrics.count('decodeErrors', label);
        msg.respondError(400, e instanceof ProtocolError ? `${e.reason}: ${e.message}` : String(e));
        return;
      }
      void (async () => {
        try {
          const res = await handler(req);
          msg.respond(encode(resDef, res));
          metrics.count('out', resDef.name);
        } catch (e) {
          metrics.count('handlerErrors', label);
          logger.error('service handler failed', { endpoint: name, error: e });
          msg.respondError(500, e instanceof Error ? e.message : String(e));
        }
      })();
    },
  });
}
