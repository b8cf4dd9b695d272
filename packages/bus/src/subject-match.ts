// NATS subject syntax for the in-process bus and input checks: tokens separated by '.', '*'
// matches one token, '>' (last token only) matches one or more. Pure functions, no I/O.
import { BusInputError } from './errors';

const TOKEN = /^[^\s.*>]+$/;

/** Publishable subjects already checked (a process publishes on few subjects); starts over when full. */
const checkedSubjects = new Set<string>();
const CHECKED_MAX = 4096;

/** Throws BusInputError unless `subject` is a concrete subject (no wildcards) for publishing. */
export function assertPublishSubject(subject: string): void {
  if (checkedSubjects.has(subject)) return;
  if (typeof subject !== 'string' || subject.length === 0 || !subject.split('.').every((t) => TOKEN.test(t))) {
    throw new BusInputError('subject', `${JSON.stringify(subject)} is not a publishable subject (non-empty tokens, no wildcards or spaces)`);
  }
  if (checkedSubjects.size >= CHECKED_MAX) checkedSubjects.clear();
  checkedSubjects.add(subject);
}

/** Throws BusInputError unless `subject` is a valid subscription subject ('*' tokens, '>' last). */
export function assertSubscribeSubject(subject: string): void {
  const tokens = typeof subject === 'string' && subject.length > 0 ? subject.split('.') : [];
  const ok = tokens.length > 0 && tokens.every((t, i) => TOKEN.test(t) || t === '*' || (t === '>' && i === tokens.length - 1));
  if (!ok) throw new BusInputError('subject', `${JSON.stringify(subject)} is not a valid subscription subject`);
}

/** True when concrete `subject` matches `pattern` (which may contain '*' and a final '>'). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return p.length === s.length;
}
