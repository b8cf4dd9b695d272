// TrajectoryChunk (`<prefix>.traj.<actorId>`): T steps of nAgents agents from one actor, sent to
// the learner through stream ALA_TRAJ. Per-step arrays are flat, row-major [T][nAgents](...),
// packed as raw little-endian typed arrays; the bootstrap fields describe the state after the
// last step. Definition only: no GAE, IS or batching logic here.
import { Type, type Static } from '@sinclair/typebox';
import { allBinary, allInRange, firstViolation, lengthIs } from '../checks';
import { defineMessage, type MessageDef, type Violation } from '../codec';
import { MAX_ACTIONS, MAX_AGENTS, MAX_BYTES, MAX_CHUNK_STEPS, MAX_OBS_DIM } from '../limits';
import { Count, Id, PackedF32, PackedI32, PackedU32, PackedU8, PositiveInt } from '../schema-types';

const schema = Type.Object(
  {
    v: Type.Literal(1),
    actorId: Id('actor that produced the chunk (also the last subject token)'),
    chunkSeq: Count('per-actor chunk sequence number (with actorId: the JetStream msg id)'),
    T: PositiveInt('steps in the chunk', MAX_CHUNK_STEPS),
    nAgents: PositiveInt('agents per step', MAX_AGENTS),
    obsDim: PositiveInt('observation length', MAX_OBS_DIM),
    nActions: PositiveInt('number of discrete actions', MAX_ACTIONS),
    obs: PackedF32('[T][nAgents][obsDim] observation s_t'),
    actions: PackedI32('[T][nAgents] action a_t in [0, nActions)'),
    rewards: PackedF32('[T][nAgents] reward r_t'),
    terminated: PackedU8('[T][nAgents] 1 when s_{t+1} is terminal'),
    truncated: PackedU8('[T][nAgents] 1 when the episode was cut by a time limit'),
    values: PackedF32('[T][nAgents] critic value V(s_t)'),
    logpMu: PackedF32('[T][nAgents] log mu(a_t|s_t), mu = softmax(z + beta b): the behaviour policy'),
    logpPk: PackedF32('[T][nAgents] log pi_k(a_t|s_t), the unbiased policy that acted'),
    policyVersion: PackedU32('[T][nAgents] policy version that produced z (as @ala/policy Rollout)'),
    advised: PackedU8('[T][nAgents] 1 when a live bias was applied'),
    biasTaken: PackedF32('[T][nAgents] beta * b[a_t] (0 when not advised): the seed IS mode needs it'),
    adviceAgeMs: PackedF32('[T][nAgents] age of the applied advice in ms (>= 0; 0 when not advised)'),
    truncValue: PackedF32('[T][nAgents] V(final obs) when truncated, else 0'),
    nextObs: PackedF32('[nAgents][obsDim] observation after the last step (bootstrap)'),
    nextValue: PackedF32('[nAgents] V(nextObs)'),
    nextDone: PackedU8('[nAgents] 1 when nextObs starts a new episode (no bootstrap)'),
    legal: Type.Optional(PackedU8('[T][nAgents][nActions] 1 when the action was legal')),
  },
  { additionalProperties: false, $id: 'ala.TrajectoryChunk.v1', description: 'T steps x nAgents of experience' },
);

export type TrajectoryChunk = Static<typeof schema>;

/** Per-step arrays with one element per agent-step, checked for length T*nAgents. */
const STEP_FIELDS = [
  'actions',
  'rewards',
  'terminated',
  'truncated',
  'values',
  'logpMu',
  'logpPk',
  'policyVersion',
  'advised',
  'biasTaken',
  'adviceAgeMs',
  'truncValue',
] as const;

function lengths(m: TrajectoryChunk): Violation | undefined {
  const steps = m.T * m.nAgents;
  if (steps > MAX_CHUNK_STEPS) return { reason: 'length', path: '/T', detail: `T*nAgents = ${steps} exceeds ${MAX_CHUNK_STEPS}` };
  for (const key of STEP_FIELDS) {
    const v = lengthIs(`/${key}`, m[key].length, steps, 'T*nAgents');
    if (v !== undefined) return v;
  }
  return firstViolation(
    () => lengthIs('/obs', m.obs.length, steps * m.obsDim, 'T*nAgents*obsDim'),
    () => lengthIs('/nextObs', m.nextObs.length, m.nAgents * m.obsDim, 'nAgents*obsDim'),
    () => lengthIs('/nextValue', m.nextValue.length, m.nAgents, 'nAgents'),
    () => lengthIs('/nextDone', m.nextDone.length, m.nAgents, 'nAgents'),
    () => (m.legal === undefined ? undefined : lengthIs('/legal', m.legal.length, steps * m.nActions, 'T*nAgents*nActions')),
  );
}

/** Cross-field rules: taken actions are legal, unadvised steps carry no bias, truncValue only when truncated. */
function consistency(m: TrajectoryChunk): Violation | undefined {
  for (let k = 0; k < m.actions.length; k++) {
    const a = m.actions[k] as number;
    if (m.legal !== undefined && m.legal[k * m.nActions + a] !== 1) {
      return { reason: 'range', path: `/actions/${k}`, detail: `action ${a} was not legal` };
    }
    if (m.advised[k] === 0 && m.biasTaken[k] !== 0) {
      return { reason: 'range', path: `/biasTaken/${k}`, detail: 'non-zero bias on an unadvised step' };
    }
    if (m.truncated[k] === 0 && m.truncValue[k] !== 0) {
      return { reason: 'range', path: `/truncValue/${k}`, detail: 'truncValue set on a step that was not truncated' };
    }
  }
  return undefined;
}

export const TrajectoryChunk: MessageDef<TrajectoryChunk> = defineMessage({
  name: 'TrajectoryChunk',
  version: 1,
  maxBytes: MAX_BYTES.trajectoryChunk,
  schema,
  subject: { family: 'traj', idField: 'actorId' },
  check: (m) =>
    firstViolation(
      () => lengths(m),
      () => allInRange('/actions', m.actions, 0, m.nActions - 1),
      () => allInRange('/adviceAgeMs', m.adviceAgeMs, 0, Number.MAX_VALUE),
      () => allBinary('/terminated', m.terminated),
      () => allBinary('/truncated', m.truncated),
      () => allBinary('/advised', m.advised),
      () => allBinary('/nextDone', m.nextDone),
      () => (m.legal === undefined ? undefined : allBinary('/legal', m.legal)),
      () => consistency(m),
    ),
});
