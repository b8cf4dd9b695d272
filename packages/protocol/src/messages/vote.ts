// Vote (`<prefix>.vote.<agentId>`): the aggregator's combined advice for one agent and one state
// (the winner, or a blend of several advisors), sent to the bias router. Definition only: no
// voting logic here.
import { Type, type Static } from '@sinclair/typebox';
import { actionIndexBelow, lengthIs } from '../checks';
import { defineMessage, type MessageDef } from '../codec';
import { MAX_ACTIONS, MAX_BYTES, MAX_VOTE_INPUTS } from '../limits';
import { Count, Id, NumberVector, Unit } from '../schema-types';

// Per-message path: imported bindings read once (a transpiled import is a property getter on every use)
const sameLength = lengthIs;
const indexBelow = actionIndexBelow;

const schema = Type.Object(
  {
    v: Type.Literal(1),
    adviceId: Id('id of the voted advice: the winner id for select, a fresh id for blend'),
    agentId: Id('agent advised (also the last subject token)'),
    stateSeq: Count('seq of the state snapshot the contributing advice answers'),
    adviceIds: Type.Array(Id('contributing advice id'), { minItems: 1, maxItems: MAX_VOTE_INPUTS }),
    advisorIds: Type.Array(Id('advisor of the advice at the same index'), { minItems: 1, maxItems: MAX_VOTE_INPUTS }),
    bias: NumberVector('voted bias; length = number of actions', 1, MAX_ACTIONS),
    recommended: Type.Optional(Type.Integer({ minimum: 0, description: 'voted action index' })),
    confidence: Unit('confidence of the vote'),
    method: Type.Union([Type.Literal('select'), Type.Literal('blend')], { description: 'select: one winner; blend: weighted mix' }),
    agreement: Unit('agreement among the contributing advisors in [0, 1]'),
  },
  { additionalProperties: false, $id: 'ala.Vote.v1', description: 'Combined advice for one agent' },
);

export type Vote = Static<typeof schema>;

export const Vote: MessageDef<Vote> = defineMessage({
  name: 'Vote',
  version: 1,
  maxBytes: MAX_BYTES.vote,
  schema,
  subject: { family: 'vote', idField: 'agentId' },
  // checked on every message the router receives: first violation in order, no closures
  check: (m) =>
    sameLength('/advisorIds', m.advisorIds.length, m.adviceIds.length, 'one advisor per advice id') ?? indexBelow('/recommended', m.recommended, m.bias.length),
});
