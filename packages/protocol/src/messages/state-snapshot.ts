// StateSnapshot (`<prefix>.state.<agentId>`): what an advisor sees of one agent at one step: a
// text description, the actions with names and legality, optional structured observation and
// the policy's probabilities, and optionally the env's full state in the env's own versioned
// binary form (`envState`), so a scripted advisor can restore the env and plan from it. Its
// remaining lifetime travels in the `Ala-Ttl-Ms` header.
// Definition only: no env or policy logic here.
import { Type, type Static } from '@sinclair/typebox';
import { firstViolation, lengthIs } from '../checks';
import { defineMessage, type MessageDef, type Violation } from '../codec';
import { MAX_ACTIONS, MAX_BYTES, MAX_ENV_STATE_BYTES, MAX_NAME, MAX_SNAPSHOT_OBS, MAX_TEXT } from '../limits';
import { Count, Id, NumberVector, PackedU8, Unit, WallMs } from '../schema-types';

/** Tolerance on sum(probs) = 1 (float32 softmax rounding is far below this). */
export const PROBS_SUM_TOLERANCE = 1e-3;

const schema = Type.Object(
  {
    v: Type.Literal(1),
    agentId: Id('agent described (also the last subject token)'),
    actorId: Id('actor process that runs the agent'),
    envId: Id('environment id, e.g. CartPole-v1'),
    seq: Count('per-agent snapshot sequence number; advice echoes it as stateSeq'),
    policyVersion: Count('policy version that produced probs'),
    episodeStep: Count('step index within the current episode'),
    text: Type.String({ maxLength: MAX_TEXT, description: 'describe() output for the advisor' }),
    actionNames: Type.Array(Type.String({ minLength: 1, maxLength: MAX_NAME }), { minItems: 1, maxItems: MAX_ACTIONS }),
    legal: Type.Array(Type.Boolean(), { minItems: 1, maxItems: MAX_ACTIONS, description: 'legal[i]: action i may be taken; same length as actionNames' }),
    obs: Type.Optional(NumberVector('structured observation', 0, MAX_SNAPSHOT_OBS)),
    probs: Type.Optional(
      Type.Array(Unit('pi(a|s)'), { minItems: 1, maxItems: MAX_ACTIONS, description: 'policy probabilities, same length as actionNames, summing to 1' }),
    ),
    envState: Type.Optional(
      PackedU8(`full env state, env-defined and versioned by the env (e.g. CraftWorldEnv.exportState()), 1..${MAX_ENV_STATE_BYTES} bytes`),
    ),
    createdAt: WallMs('wall-clock ms when the snapshot was taken (informational, never used for expiry)'),
  },
  { additionalProperties: false, $id: 'ala.StateSnapshot.v1', description: 'One agent state for advisors' },
);

export type StateSnapshot = Static<typeof schema>;

function probsCheck(probs: readonly number[] | undefined, nActions: number): Violation | undefined {
  if (probs === undefined) return undefined;
  const len = lengthIs('/probs', probs.length, nActions, 'one probability per action');
  if (len !== undefined) return len;
  let sum = 0;
  for (const p of probs) sum += p;
  if (Math.abs(sum - 1) > PROBS_SUM_TOLERANCE) return { reason: 'range', path: '/probs', detail: `probabilities sum to ${sum}, not 1` };
  return undefined;
}

function envStateCheck(envState: Uint8Array | undefined): Violation | undefined {
  if (envState === undefined) return undefined;
  if (envState.length >= 1 && envState.length <= MAX_ENV_STATE_BYTES) return undefined;
  return { reason: 'length', path: '/envState', detail: `${envState.length} bytes, expected 1..${MAX_ENV_STATE_BYTES}` };
}

export const StateSnapshot: MessageDef<StateSnapshot> = defineMessage({
  name: 'StateSnapshot',
  version: 1,
  maxBytes: MAX_BYTES.stateSnapshot,
  schema,
  subject: { family: 'state', idField: 'agentId' },
  check: (m) =>
    firstViolation(
      () => lengthIs('/legal', m.legal.length, m.actionNames.length, 'one flag per action name'),
      () => (m.legal.includes(true) ? undefined : { reason: 'range', path: '/legal', detail: 'no legal action' }),
      () => probsCheck(m.probs, m.actionNames.length),
      () => envStateCheck(m.envState),
    ),
});
