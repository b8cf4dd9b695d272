// Subject builders, the TTL header helpers and defineMessage's own checks: ids and prefixes that
// could inject subject tokens are refused with ProtocolError, and bad definitions fail at load.
import fc from 'fast-check';
import { Type, type TObject } from '@sinclair/typebox';
import {
  Advice,
  Bias,
  PolicyAnnounce,
  ServiceStatus,
  StateSnapshot,
  TrajectoryChunk,
  Vote,
  assertSubjectMatches,
  subjectFor,
  wildcardFor,
  DefinitionError,
  HEADER_TTL_MS,
  type MessageSpec,
  MAX_TTL_MS,
  ProtocolError,
  defineMessage,
  formatTtlMs,
  isValidId,
  parseTtlMs,
  subjects,
} from '../src/index';
import { SEED, arbBias, arbId } from './arbitraries';

describe('subjects', () => {
  const s = subjects();

  it('builds every subject of docs/architecture.md (Components) under the default prefix', () => {
    expect([s.state('a1'), s.advice('a1'), s.vote('a1'), s.bias('a1'), s.traj('actor-0')]).toEqual([
      'ala.state.a1',
      'ala.advice.a1',
      'ala.vote.a1',
      'ala.bias.a1',
      'ala.traj.actor-0',
    ]);
    expect(s.policyAnnounce).toBe('ala.policy.announce');
    expect([s.stateAll, s.adviceAll, s.voteAll, s.biasAll, s.trajAll]).toEqual(['ala.state.*', 'ala.advice.*', 'ala.vote.*', 'ala.bias.>', 'ala.traj.>']);
  });

  it('accepts a configurable, multi-token prefix', () => {
    const t = subjects('dev.team_1.ala');
    expect(t.bias('x')).toBe('dev.team_1.ala.bias.x');
    expect(t.biasAll).toBe('dev.team_1.ala.bias.>');
    expect(t.parse('dev.team_1.ala.bias.x')).toEqual({ kind: 'bias', id: 'x' });
  });

  it.each(['a.b', '*', '>', 'a b', '', 'x'.repeat(65), 'a\tb', 'ä', 'foo.>', undefined, 42])('rejects id %j in every builder', (bad) => {
    for (const build of [s.state, s.advice, s.vote, s.bias, s.traj]) {
      expect(() => build(bad as string)).toThrow(expect.objectContaining({ name: 'ProtocolError', reason: 'invalid-id' }));
    }
  });

  it.each(['', '.', 'ala.', '.ala', 'a..b', 'a.*', '>', 'a b', 'a.b.c.d.e', 'x'.repeat(65)])('rejects prefix %j', (bad) => {
    expect(() => subjects(bad)).toThrow(expect.objectContaining({ reason: 'invalid-subject' }));
  });

  it('every built subject has exactly one more token than its family, for any valid id', () => {
    fc.assert(
      fc.property(arbId, (id) => {
        expect(isValidId(id)).toBe(true);
        const subject = s.advice(id);
        expect(subject.split('.')).toEqual(['ala', 'advice', id]);
        expect(s.parse(subject)).toEqual({ kind: 'advice', id });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('parse refuses subjects that are not one of ours', () => {
    for (const bad of ['ala.bias', 'ala.bias.a.b', 'other.bias.a', 'ala.policy.announce', 'ala.unknown.a', 'ala.bias.*', 'alabias.a']) {
      expect(s.parse(bad)).toBeUndefined();
    }
  });
});

describe('message to subject binding', () => {
  const s = subjects('dev');
  const bias = fc.sample(arbBias, { seed: SEED, numRuns: 1 })[0] as Bias;

  it('derives each message subject from its payload and each wildcard from its definition', () => {
    expect(subjectFor(s, Bias, bias)).toBe(`dev.bias.${bias.agentId}`);
    expect(subjectFor(s, TrajectoryChunk, { actorId: 'j1' } as TrajectoryChunk)).toBe('dev.traj.j1');
    expect(subjectFor(s, PolicyAnnounce, {} as PolicyAnnounce)).toBe('dev.policy.announce');
    expect([StateSnapshot, Advice, Vote, Bias, TrajectoryChunk, PolicyAnnounce].map((d) => wildcardFor(s, d as never))).toEqual([
      'dev.state.*',
      'dev.advice.*',
      'dev.vote.*',
      'dev.bias.>',
      'dev.traj.>',
      'dev.policy.announce',
    ]);
    expect(() => wildcardFor(s, ServiceStatus as never)).toThrow(expect.objectContaining({ reason: 'invalid-subject' }));
  });

  it('refuses a payload that arrived on another agent subject', () => {
    expect(() => assertSubjectMatches(s, Bias, `dev.bias.${bias.agentId}`, bias)).not.toThrow();
    expect(() => assertSubjectMatches(s, Bias, 'dev.bias.someone-else', bias)).toThrow(
      expect.objectContaining({ reason: 'invalid-subject', message_: 'Bias' }),
    );
    expect(() => assertSubjectMatches(s, Bias, `ala.bias.${bias.agentId}`, bias)).toThrow(ProtocolError);
  });

  it('defineMessage refuses a subject bound to a field that is not a required id', () => {
    const schema = Type.Object({ v: Type.Literal(1), n: Type.Number() }, { additionalProperties: false });
    expect(() => defineMessage({ name: 'X', version: 1, maxBytes: 64, schema, subject: { family: 'bias', idField: 'n' } })).toThrow(DefinitionError);
  });
});

describe(`${HEADER_TTL_MS} header`, () => {
  it('formats whole, clamped milliseconds and parses them back', () => {
    expect(formatTtlMs(1500.9)).toBe('1500');
    expect(formatTtlMs(-3)).toBe('0');
    expect(formatTtlMs(1e12)).toBe(String(MAX_TTL_MS));
    expect(parseTtlMs('0')).toBe(0);
    expect(parseTtlMs(formatTtlMs(2500))).toBe(2500);
    expect(() => formatTtlMs(NaN)).toThrow(ProtocolError);
  });

  it.each([undefined, '', '-1', '1.5', '1e3', ' 10', '0x10', '1234567890', '99999999'])('refuses %j', (bad) => {
    expect(() => parseTtlMs(bad)).toThrow(expect.objectContaining({ reason: 'invalid-header' }));
  });
});

describe('defineMessage', () => {
  const ok = Type.Object({ v: Type.Literal(1), x: Type.Number() }, { additionalProperties: false });

  it('builds a definition with its name, version and size limit', () => {
    const def = defineMessage({ name: 'X', version: 1, maxBytes: 100, schema: ok });
    expect([def.name, def.version, def.maxBytes, def.packedFields]).toEqual(['X', 1, 100, []]);
  });

  it.each([
    ['version 0', { version: 0, maxBytes: 100, schema: ok }],
    ['maxBytes 0', { version: 1, maxBytes: 0, schema: ok }],
    ['v literal differs from version', { version: 2, maxBytes: 100, schema: ok }],
    ['no v', { version: 1, maxBytes: 100, schema: Type.Object({ x: Type.Number() }, { additionalProperties: false }) }],
    ['open object', { version: 1, maxBytes: 100, schema: Type.Object({ v: Type.Literal(1) }) }],
  ])('refuses %s', (_what, spec) => {
    expect(() => defineMessage({ name: 'Bad', ...spec } as MessageSpec<TObject>)).toThrow(DefinitionError);
  });
});
