// External-env bridge (`<prefix>.env.<envInstanceId>`, core NATS request/reply): an environment
// served by another process (another language, a real robot) answers `EnvRequest`s with
// `EnvReply`s, so ALA can use it as a remote env. One request subject per env instance; the op
// is in the payload. Observations are packed little-endian float32, legal masks packed uint8.
// Definition only: no env logic and no transport here.
import { Type, type Static } from '@sinclair/typebox';
import { allBinary, firstViolation } from './checks';
import { defineMessage, type MessageDef } from './codec';
import { ProtocolError } from './errors';
import { isValidId } from './ids';
import { MAX_ACTIONS, MAX_NAME, MAX_OBS_DIM, MAX_TEXT } from './limits';
import { Count, Id, PackedF32, PackedU8, PositiveInt } from './schema-types';
import { isValidPrefix } from './subjects';

/** Operations an env server answers. */
export const ENV_OPS = ['spec', 'reset', 'step', 'describe', 'close'] as const;
export type EnvOp = (typeof ENV_OPS)[number];

/** Error kinds an env server reports (mirrors @ala/envs error classes). */
export const ENV_ERROR_KINDS = ['invalid-action', 'reset-needed', 'invalid-option', 'bad-request', 'internal'] as const;
export type EnvErrorKind = (typeof ENV_ERROR_KINDS)[number];

const requestSchema = Type.Object(
  {
    v: Type.Literal(1),
    op: Type.Union(
      ENV_OPS.map((op) => Type.Literal(op)),
      { description: 'spec | reset | step | describe | close' },
    ),
    seed: Type.Optional(Count('reset: seed (non-negative integer); omit to continue the env generator')),
    action: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ACTIONS - 1, description: 'step: action index' })),
  },
  { additionalProperties: false, $id: 'ala.EnvRequest.v1', description: 'A request to a remote env' },
);
export type EnvRequest = Static<typeof requestSchema>;

export const EnvRequest: MessageDef<EnvRequest> = defineMessage({
  name: 'EnvRequest',
  version: 1,
  maxBytes: 1024,
  schema: requestSchema,
  check: (m) => (m.op === 'step' && m.action === undefined ? { reason: 'schema', path: '/action', detail: 'step needs an action' } : undefined),
});

const replySchema = Type.Object(
  {
    v: Type.Literal(1),
    ok: Type.Boolean({ description: 'false: the request failed and `error` says why; nothing changed' }),
    errorKind: Type.Optional(Type.Union(ENV_ERROR_KINDS.map((k) => Type.Literal(k)))),
    errorMessage: Type.Optional(Type.String({ maxLength: MAX_TEXT })),
    envId: Type.Optional(Id('spec: env id, e.g. CartPole-v1')),
    obsDim: Type.Optional(PositiveInt('spec: observation length', MAX_OBS_DIM)),
    actionNames: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: MAX_NAME }), { minItems: 1, maxItems: MAX_ACTIONS })),
    obs: Type.Optional(PackedF32('reset/step: observation')),
    reward: Type.Optional(Type.Number({ description: 'step: reward' })),
    terminated: Type.Optional(Type.Boolean()),
    truncated: Type.Optional(Type.Boolean()),
    legal: Type.Optional(PackedU8('reset/step: legal-action mask, 1 = legal')),
    text: Type.Optional(Type.String({ maxLength: MAX_TEXT, description: 'describe: text for advisors' })),
  },
  { additionalProperties: false, $id: 'ala.EnvReply.v1', description: 'The reply of a remote env' },
);
export type EnvReply = Static<typeof replySchema>;

export const EnvReply: MessageDef<EnvReply> = defineMessage({
  name: 'EnvReply',
  version: 1,
  maxBytes: 4 * MAX_OBS_DIM + 64 * 1024,
  schema: replySchema,
  check: (m) =>
    firstViolation(
      () => (m.ok || m.errorKind !== undefined ? undefined : { reason: 'schema', path: '/errorKind', detail: 'a failed reply needs errorKind' }),
      () => (m.legal === undefined ? undefined : allBinary('/legal', m.legal)),
      () => (m.obs !== undefined && m.obs.length > MAX_OBS_DIM ? { reason: 'length', path: '/obs', detail: `more than ${MAX_OBS_DIM} elements` } : undefined),
    ),
});

/** `<prefix>.env.<envInstanceId>`; throws ProtocolError for a bad prefix or id. */
export function envBridgeSubject(prefix: string, envInstanceId: string): string {
  if (!isValidPrefix(prefix)) throw new ProtocolError('invalid-subject', 'subject', `bad prefix ${JSON.stringify(String(prefix))}`);
  if (!isValidId(envInstanceId)) throw new ProtocolError('invalid-id', 'subject', `env instance id must match [A-Za-z0-9_-]{1,64}`);
  return `${prefix}.env.${envInstanceId}`;
}
