// Bias (`<prefix>.bias.<agentId>`): the bounded, time-limited logit bias the router sends to the
// actor that owns the agent, and stores in stream ALA_BIAS (last per agent, per-message TTL). The
// authoritative remaining lifetime travels in the `Ala-Ttl-Ms` header, not in the payload.
// Definition only: no routing, bounding or clock logic here.
import { Type, type Static } from '@sinclair/typebox';
import { actionIndexBelow, allWithinBound } from '../checks';
import { defineMessage, type MessageDef } from '../codec';
import { MAX_ACTIONS, MAX_BIAS_BOUND, MAX_BYTES } from '../limits';
import { HEADER_TTL_MS, MAX_TTL_MS } from '../headers';
import { Count, Id, NumberVector, WallMs } from '../schema-types';

// Per-message path: imported bindings read once (a transpiled import is a property getter on every use)
const withinBound = allWithinBound;
const indexBelow = actionIndexBelow;

const schema = Type.Object(
  {
    v: Type.Literal(1),
    agentId: Id('agent the bias applies to (also the last subject token)'),
    adviceId: Id('id of the voted advice this bias comes from'),
    stateSeq: Count('seq of the state snapshot the advice answers'),
    bias: NumberVector('b: added (times beta) to the action logits; length = number of actions; |b_i| <= bound', 1, MAX_ACTIONS),
    bound: Type.Number({ exclusiveMinimum: 0, maximum: MAX_BIAS_BOUND, description: 'B: the router bound |b|_inf <= B (also the IS variance budget)' }),
    recommended: Type.Optional(Type.Integer({ minimum: 0, description: 'action index the advice recommends' })),
    ttlMs: Type.Integer({ minimum: 1, maximum: MAX_TTL_MS, description: `lifetime at publish; the remaining lifetime is the ${HEADER_TTL_MS} header` }),
    createdAt: WallMs('wall-clock ms at publish (informational, never used for expiry)'),
  },
  { additionalProperties: false, $id: 'ala.Bias.v1', description: 'Bounded, time-limited logit bias for one agent' },
);

export type Bias = Static<typeof schema>;

export const Bias: MessageDef<Bias> = defineMessage({
  name: 'Bias',
  version: 1,
  maxBytes: MAX_BYTES.bias,
  schema,
  subject: { family: 'bias', idField: 'agentId' },
  // checked on every message a relay or actor receives: first violation in order, no closures
  check: (m) => withinBound('/bias', m.bias, m.bound) ?? indexBelow('/recommended', m.recommended, m.bias.length),
});
