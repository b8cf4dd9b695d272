// Advice (`<prefix>.advice.<agentId>`): one advisor's answer to one state snapshot, a bias over
// the agent's actions with a priority and a confidence, sent to the vote aggregator. Definition
// only: no voting or LLM logic here.
import { Type, type Static } from '@sinclair/typebox';
import { actionIndexBelow } from '../checks';
import { defineMessage, type MessageDef } from '../codec';
import { MAX_ACTIONS, MAX_BYTES, MAX_NAME, MAX_RATIONALE } from '../limits';
import { Count, Id, NonNegative, NumberVector, Unit } from '../schema-types';

// Per-message path: imported bindings read once (a transpiled import is a property getter on every use)
const indexBelow = actionIndexBelow;

const schema = Type.Object(
  {
    v: Type.Literal(1),
    adviceId: Id('unique id of this advice'),
    advisorId: Id('advisor that produced it'),
    agentId: Id('agent advised (also the last subject token)'),
    priority: NonNegative('vote weight of the advisor'),
    stateSeq: Count('seq of the state snapshot answered'),
    bias: NumberVector('bias or action scores over the actions; length = number of actions', 1, MAX_ACTIONS),
    recommended: Type.Optional(Type.Integer({ minimum: 0, description: 'action index recommended' })),
    confidence: Unit('advisor confidence in [0, 1]'),
    model: Type.String({ minLength: 1, maxLength: MAX_NAME, description: 'model or prompt name' }),
    latencyMs: NonNegative('time from snapshot receipt to advice'),
    rationale: Type.Optional(Type.String({ maxLength: MAX_RATIONALE, description: 'short explanation, for logs only' })),
    promptVersion: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9._:-]+$',
        description: 'version of the prompt that produced an LLM answer (absent in older messages and from non-LLM advisors)',
      }),
    ),
  },
  { additionalProperties: false, $id: 'ala.Advice.v1', description: 'One advisor answer to one state snapshot' },
);

export type Advice = Static<typeof schema>;

export const Advice: MessageDef<Advice> = defineMessage({
  name: 'Advice',
  version: 1,
  maxBytes: MAX_BYTES.advice,
  schema,
  subject: { family: 'advice', idField: 'agentId' },
  check: (m) => indexBelow('/recommended', m.recommended, m.bias.length),
});
