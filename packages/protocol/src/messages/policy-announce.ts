// PolicyAnnounce (`<prefix>.policy.announce`): the learner tells actors a new policy version is
// in the Object Store (and in KV). Carries the digest so an actor verifies what it loads, and the
// dimensions so a mismatched model is refused before a session is built. Definition only.
import { Type, type Static } from '@sinclair/typebox';
import { defineMessage, type MessageDef } from '../codec';
import { MAX_ACTIONS, MAX_BYTES, MAX_OBS_DIM } from '../limits';
import { PositiveInt, WallMs } from '../schema-types';

const schema = Type.Object(
  {
    v: Type.Literal(1),
    version: PositiveInt('policy version, monotonic, >= 1'),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'lower-case hex SHA-256 of the ONNX bytes' }),
    bytes: PositiveInt('size of the ONNX model in bytes'),
    createdAt: WallMs('wall-clock ms when the version was exported (informational)'),
    objectName: Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', description: 'Object Store name of the ONNX model' }),
    obsDim: PositiveInt('observation length the model expects', MAX_OBS_DIM),
    nActions: PositiveInt('number of action logits the model outputs', MAX_ACTIONS),
  },
  { additionalProperties: false, $id: 'ala.PolicyAnnounce.v1', description: 'A new policy version is available' },
);

export type PolicyAnnounce = Static<typeof schema>;

export const PolicyAnnounce: MessageDef<PolicyAnnounce> = defineMessage({
  name: 'PolicyAnnounce',
  version: 1,
  maxBytes: MAX_BYTES.policyAnnounce,
  schema,
  subject: { family: 'policyAnnounce' },
});
