// Every NATS subject of ALA, built in one place from a validated prefix and validated ids, so no
// caller ever concatenates subject strings and no id can inject a token ('.', '*', '>'). Must not
// publish or subscribe (that is @ala/bus).
import { ProtocolError } from './errors';
import { isValidId } from './ids';

/** Subject families that end in one id token. */
export type SubjectKind = 'state' | 'advice' | 'vote' | 'bias' | 'traj';

export interface Subjects {
  /** The validated prefix, e.g. 'ala'. */
  readonly prefix: string;
  /** `<prefix>.state.<agentId>`: state snapshots for advisors. */
  state(agentId: string): string;
  /** `<prefix>.advice.<agentId>`: advice from one advisor. */
  advice(agentId: string): string;
  /** `<prefix>.vote.<agentId>`: voted advice. */
  vote(agentId: string): string;
  /** `<prefix>.bias.<agentId>`: bounded, time-limited bias (also stored in stream ALA_BIAS). */
  bias(agentId: string): string;
  /** `<prefix>.traj.<actorId>`: trajectory chunks (stream ALA_TRAJ). */
  traj(actorId: string): string;
  /** `<prefix>.policy.announce`: new policy versions. */
  readonly policyAnnounce: string;
  /** `<prefix>.state.*` */
  readonly stateAll: string;
  /** `<prefix>.advice.*` */
  readonly adviceAll: string;
  /** `<prefix>.vote.*` */
  readonly voteAll: string;
  /** `<prefix>.bias.>` (the subject filter of stream ALA_BIAS). */
  readonly biasAll: string;
  /** `<prefix>.traj.>` (the subject filter of stream ALA_TRAJ). */
  readonly trajAll: string;
  /** Split a concrete subject of this prefix into its kind and id; undefined when it is not one. */
  parse(subject: string): { kind: SubjectKind; id: string } | undefined;
}

const PREFIX_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const KINDS: readonly SubjectKind[] = ['state', 'advice', 'vote', 'bias', 'traj'];

/** True when `prefix` is 1-4 dot-separated tokens of `[A-Za-z0-9_-]{1,64}`. */
export function isValidPrefix(prefix: unknown): prefix is string {
  if (typeof prefix !== 'string') return false;
  const tokens = prefix.split('.');
  return tokens.length <= 4 && tokens.every((t) => PREFIX_TOKEN.test(t));
}

function checkedId(kind: string, id: unknown): string {
  if (!isValidId(id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}...` : id) : typeof id;
    throw new ProtocolError('invalid-id', 'subject', `${kind} id ${shown} must match [A-Za-z0-9_-]{1,64}`);
  }
  return id;
}

/** The subjects of one deployment; throws ProtocolError('invalid-subject') for a bad prefix. */
export function subjects(prefix = 'ala'): Subjects {
  if (!isValidPrefix(prefix)) {
    throw new ProtocolError('invalid-subject', 'subject', `prefix ${JSON.stringify(String(prefix))} must be 1-4 dot-separated tokens of [A-Za-z0-9_-]{1,64}`);
  }
  const p = prefix;
  const depth = p.split('.').length;
  return {
    prefix: p,
    state: (agentId) => `${p}.state.${checkedId('agent', agentId)}`,
    advice: (agentId) => `${p}.advice.${checkedId('agent', agentId)}`,
    vote: (agentId) => `${p}.vote.${checkedId('agent', agentId)}`,
    bias: (agentId) => `${p}.bias.${checkedId('agent', agentId)}`,
    traj: (actorId) => `${p}.traj.${checkedId('actor', actorId)}`,
    policyAnnounce: `${p}.policy.announce`,
    stateAll: `${p}.state.*`,
    adviceAll: `${p}.advice.*`,
    voteAll: `${p}.vote.*`,
    biasAll: `${p}.bias.>`,
    trajAll: `${p}.traj.>`,
    parse(subject) {
      if (typeof subject !== 'string' || !subject.startsWith(`${p}.`)) return undefined;
      const rest = subject.slice(p.length + 1).split('.');
      if (rest.length !== 2 || depth + 2 !== subject.split('.').length) return undefined;
      const [kind, id] = rest as [string, string];
      if (!(KINDS as readonly string[]).includes(kind) || !isValidId(id)) return undefined;
      return { kind: kind as SubjectKind, id };
    },
  };
}
