// The advice log file format and the replay comparison, pure: records from stored messages
// (decoded payloads, offsets from the run's start with the server's sub-millisecond digits,
// headers), the JSONL round trip, refusal of bad files with the line named, and what the
// comparison accepts (equal advice, timing jitter within the tolerance, votes by content) and
// refuses (a changed payload, a reordering, a missing advice, a late offset).
import { Advice, encode, subjects, Vote } from '@ala/protocol';
import {
  AdviceLogFormatError,
  formatAdviceLog,
  parseAdviceLog,
  timestampMs,
  toRecord,
  type AdviceLog,
  type AdviceLogMeta,
  type AdviceLogRecord,
} from '../src/replay/advice-log-file';
import { canonical, compareAdviceLogs } from '../src/replay/advice-log-compare';

const s = subjects('ala');
const START = Date.parse('2026-12-06T06:00:00.000Z');
const advice = (i: number, agentId = `a-${i % 2}`): Advice => ({
  v: 1,
  adviceId: `adv-${i}`,
  advisorId: 'llm-0',
  agentId,
  priority: 1,
  stateSeq: i,
  bias: [0.5, -0.25],
  confidence: 0.8,
  model: 'm',
  latencyMs: 3,
});
const vote = (a: Advice, method: 'select' | 'blend' = 'select', id = a.adviceId): Vote => ({
  v: 1,
  adviceId: id,
  agentId: a.agentId,
  stateSeq: a.stateSeq,
  adviceIds: [a.adviceId],
  advisorIds: [a.advisorId],
  bias: a.bias,
  confidence: a.confidence,
  method,
  agreement: 1,
});
const at = (ms: number): string =>
  `2026-12-06T06:00:${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(Math.round((ms % 1000) * 1e6)).padStart(9, '0')}Z`;
const stored = (seq: number, offsetMs: number, subject: string, data: Uint8Array, headers: Record<string, string> = { 'Ala-Ttl-Ms': '40' }) => ({
  seq,
  subject,
  timestamp: at(offsetMs),
  headers,
  data,
});

function log(records: AdviceLogRecord[]): AdviceLog {
  const meta: AdviceLogMeta = {
    format: 'ala.advice-log',
    v: 1,
    prefix: 'ala',
    stream: 'ALA_ADVICE_LOG',
    startedAt: new Date(START).toISOString(),
    startedAtMs: START,
    durationMs: 2_000,
    afterSeq: 0,
    lastSeq: records.length,
    lost: 0,
    records: records.length,
  };
  return { meta, records };
}

/** A run's log: advice i at 100 i + jitter(i) ms, each followed by its vote 6 ms later. */
function runLog(jitter: (i: number) => number = () => 0, n = 6): AdviceLog {
  const recs: AdviceLogRecord[] = [];
  for (let i = 0; i < n; i++) {
    const a = advice(i);
    recs.push(
      toRecord(stored(2 * i + 1, 100 * i + 10 + jitter(i), s.advice(a.agentId), encode(Advice, a), { 'Ala-Ttl-Ms': '40', 'Nats-Msg-Id': `m${i}` }), START, s),
    );
    recs.push(toRecord(stored(2 * i + 2, 100 * i + 16 + jitter(i), s.vote(a.agentId), encode(Vote, vote(a))), START, s));
  }
  return log(recs);
}

test('server timestamps keep their sub-millisecond digits', () => {
  expect(timestampMs('2026-12-06T06:00:01.234567891Z') - START).toBeCloseTo(1234.567891, 3); // an epoch in ms keeps ~0.0002 ms in a double
  expect(timestampMs('2026-12-06T06:00:01Z') - START).toBe(1000);
  expect(timestampMs('2026-12-06T08:00:01.5+02:00') - START).toBe(1500);
  expect(() => timestampMs('yesterday')).toThrow(AdviceLogFormatError);
});

test('a stored message becomes a record: kind by subject, decoded payload, offset, TTL and msg id headers', () => {
  const a = advice(3, 'agent-7');
  const r = toRecord(stored(9, 1234.5678, s.advice('agent-7'), encode(Advice, a), { 'Ala-Ttl-Ms': '37', 'Nats-Msg-Id': 'x1' }), START, s);
  expect(r).toEqual({
    seq: 9,
    subject: 'ala.advice.agent-7',
    offsetMs: 1234.57,
    ttlMs: 37,
    msgId: 'x1',
    headers: { 'Ala-Ttl-Ms': '37', 'Nats-Msg-Id': 'x1' },
    kind: 'advice',
    payload: a,
  });
  const v = toRecord(stored(10, 5, s.vote('agent-7'), encode(Vote, vote(a)), {}), START, s);
  expect(v).toMatchObject({ kind: 'vote', ttlMs: null, msgId: null, payload: vote(a) });
  // undecodable, or on another agent's subject: kept for the audit, never a payload
  const bad = toRecord(stored(11, 5, s.advice('agent-7'), new Uint8Array([1, 2, 3])), START, s);
  expect(bad).toMatchObject({ kind: 'invalid', dataB64: 'AQID' });
  expect(toRecord(stored(12, 5, s.advice('agent-8'), encode(Advice, a)), START, s)).toMatchObject({
    kind: 'invalid',
    error: expect.stringMatching(/belongs on/),
  });
});

test('the file round-trips, and a bad file is refused with its line', () => {
  const l = runLog();
  const text = formatAdviceLog(l);
  expect(text.split('\n')).toHaveLength(l.records.length + 2); // meta, records, final newline
  expect(parseAdviceLog(text)).toEqual(l);
  const lines = text.split('\n');
  const swap = (i: number, line: string): string => lines.map((x, j) => (j === i ? line : x)).join('\n');
  expect(() => parseAdviceLog('')).toThrow(/line 1: empty file/);
  expect(() => parseAdviceLog(swap(0, '{"format":"other"}'))).toThrow(/line 1: not an ala.advice-log v1/);
  expect(() => parseAdviceLog(swap(2, '{oops'))).toThrow(/line 3: not JSON/);
  const rec = JSON.parse(lines[1]!) as { payload: Record<string, unknown> };
  expect(() => parseAdviceLog(swap(1, JSON.stringify({ ...rec, payload: { ...rec.payload, confidence: 3 } })))).toThrow(/line 2: payload/);
  expect(() => parseAdviceLog(swap(1, JSON.stringify({ ...rec, subject: 'ala.advice.other' })))).toThrow(/line 2: payload.*belongs on/);
  expect(() => parseAdviceLog(swap(1, JSON.stringify({ ...rec, kind: 'bias' })))).toThrow(/line 2: kind/);
  expect(() => parseAdviceLog(lines.slice(0, -2).join('\n'))).toThrow(/meta says 12 records, the file has 11/);
});

test('the comparison: equal advice with jitter within the tolerance is identical, votes compared by content', () => {
  const c = compareAdviceLogs(
    runLog(),
    runLog((i) => (i % 2 ? 3 : -2)),
    { offsetToleranceMs: 5 },
  );
  expect(c.identical).toBe(true);
  expect(c.advice).toMatchObject({ original: 6, replay: 6, mismatched: 0, offsetDiffMs: { p50: 3, max: 3 }, firstDifference: null });
  expect(c.votes).toMatchObject({ original: 6, replay: 6, matched: 6, missing: 0, extra: 0, differing: 0, samePerAgentOrder: true, sameGlobalOrder: true });
  // beyond the tolerance
  expect(
    compareAdviceLogs(
      runLog(),
      runLog((i) => (i === 4 ? 30 : 0)),
      { offsetToleranceMs: 5 },
    ),
  ).toMatchObject({
    identical: false,
    advice: { mismatched: 0, offsetDiffMs: { max: 30 }, firstDifference: 'an offset differs by 30 ms > 5 ms' },
  });
});

test('the comparison refuses a changed payload or header, a reordering and a missing advice', () => {
  const orig = runLog();
  const edit = (f: (r: AdviceLogRecord[]) => AdviceLogRecord[]): AdviceLog => log(f([...orig.records]));
  const changed = edit((r) =>
    r.map((x) => (x.kind === 'advice' && x.payload.adviceId === 'adv-2' ? { ...x, payload: { ...x.payload, bias: [0.5, -0.24] } } : x)),
  );
  expect(compareAdviceLogs(orig, changed, { offsetToleranceMs: 5 })).toMatchObject({ identical: false, advice: { mismatched: 1 } });
  const ttl = edit((r) => r.map((x) => (x.seq === 1 ? { ...x, ttlMs: 39 } : x)));
  expect(compareAdviceLogs(orig, ttl, { offsetToleranceMs: 5 }).identical).toBe(false);
  const swapped = edit((r) => [r[2]!, r[3]!, r[0]!, r[1]!, ...r.slice(4)]);
  expect(compareAdviceLogs(orig, swapped, { offsetToleranceMs: 1_000 })).toMatchObject({
    identical: false,
    advice: { mismatched: 2 },
    votes: { sameGlobalOrder: false },
  });
  const missing = edit((r) => r.filter((x) => x.seq !== 5));
  expect(compareAdviceLogs(orig, missing, { offsetToleranceMs: 5 })).toMatchObject({ identical: false, advice: { replay: 5 } });
});

test('votes: one side only (timing) is counted missing/extra, a different payload on the same advice is differing, a blend id is free', () => {
  const orig = runLog();
  const rep = log(
    orig.records.flatMap((x): AdviceLogRecord[] => {
      if (x.kind !== 'vote') return [x];
      if (x.payload.stateSeq === 0) return []; // expired before its vote in the replay
      if (x.payload.stateSeq === 1) return [{ ...x, payload: { ...x.payload, confidence: 0.5 } }];
      return [x];
    }),
  );
  expect(compareAdviceLogs(orig, rep, { offsetToleranceMs: 5 })).toMatchObject({ identical: true, votes: { matched: 4, missing: 2, differing: 1, extra: 0 } });
  const a = advice(0);
  const blend = (id: string): AdviceLog => log([toRecord(stored(1, 5, s.vote(a.agentId), encode(Vote, vote(a, 'blend', id))), START, s)]);
  expect(compareAdviceLogs(blend('blend-x-1'), blend('blend-y-1'), { offsetToleranceMs: 5 }).votes).toMatchObject({ matched: 1, differing: 0 });
  expect(canonical({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
});
