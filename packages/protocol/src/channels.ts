// Binds each message definition to its subject, so a message's subject is derived from the
// message itself (`subjectFor`) and a receiver can check that the subject it arrived on names the
// same agent or actor as the payload (`assertSubjectMatches`): NATS permissions are per subject,
// so a payload that claims another agent than its subject is refused. No I/O here.
import { ProtocolError } from './errors';
import type { MessageDef } from './codec';
import type { SubjectKind, Subjects } from './subjects';

/** Where a message travels: a per-id family (token from a payload field) or the policy announce subject. */
export type SubjectBinding = { readonly family: SubjectKind; readonly idField: string } | { readonly family: 'policyAnnounce' };

function bindingOf(def: MessageDef<unknown>) {
  const b = def.subject;
  if (b === undefined) throw new ProtocolError('invalid-subject', def.name, 'this message has no subject (request/reply only)');
  return b;
}

/** The concrete subject `msg` is published on, e.g. `ala.bias.<msg.agentId>`. */
export function subjectFor<T>(s: Subjects, def: MessageDef<T>, msg: T): string {
  const b = bindingOf(def as MessageDef<unknown>);
  if (b.family === 'policyAnnounce') return s.policyAnnounce;
  const id = (msg as Record<string, unknown>)[b.idField];
  return s[b.family](id as string);
}

/** The subject a subscriber listens on for every instance of `def` (e.g. `ala.bias.>`). */
export function wildcardFor(s: Subjects, def: MessageDef<unknown>): string {
  const b = bindingOf(def);
  switch (b.family) {
    case 'policyAnnounce':
      return s.policyAnnounce;
    case 'state':
      return s.stateAll;
    case 'advice':
      return s.adviceAll;
    case 'vote':
      return s.voteAll;
    case 'bias':
      return s.biasAll;
    case 'traj':
      return s.trajAll;
  }
}

/** Throws ProtocolError('invalid-subject') unless `subject` is exactly the subject of `msg`. */
export function assertSubjectMatches<T>(s: Subjects, def: MessageDef<T>, subject: string, msg: T): void {
  const expected = subjectFor(s, def, msg);
  if (subject !== expected) {
    throw new ProtocolError('invalid-subject', def.name, `arrived on ${JSON.stringify(subject)} but the payload belongs on ${JSON.stringify(expected)}`);
  }
}
