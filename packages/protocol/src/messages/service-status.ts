// ServiceStatus: the reply of every service's `status` endpoint (NATS services framework), so
// `nats micro` and the CLI can show what each instance is doing. Definition only.
import { Type, type Static } from '@sinclair/typebox';
import { defineMessage, type MessageDef } from '../codec';
import { MAX_BYTES, MAX_NAME, MAX_STATS } from '../limits';
import { Id, NonNegative } from '../schema-types';

const schema = Type.Object(
  {
    v: Type.Literal(1),
    service: Id('service name, e.g. bias-router'),
    instanceId: Id('instance id'),
    version: Type.String({ minLength: 1, maxLength: MAX_NAME, description: 'software version string' }),
    uptimeS: NonNegative('seconds since start'),
    // `__proto__` is excluded: msgpackr renames that key on decode (prototype-pollution guard).
    stats: Type.Record(Type.String({ pattern: '^(?!__proto__$)[A-Za-z0-9_:.-]{1,128}$' }), Type.Number(), {
      additionalProperties: false,
      maxProperties: MAX_STATS,
      description: 'free counters and gauges (finite numbers), keys [A-Za-z0-9_:.-]{1,128} except __proto__',
    }),
  },
  { additionalProperties: false, $id: 'ala.ServiceStatus.v1', description: 'Status reply of one service instance' },
);

export type ServiceStatus = Static<typeof schema>;

export const ServiceStatus: MessageDef<ServiceStatus> = defineMessage({
  name: 'ServiceStatus',
  version: 1,
  maxBytes: MAX_BYTES.serviceStatus,
  schema,
});
