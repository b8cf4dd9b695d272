// The advice log stream against a real nats-server >= 2.11: ALA_ADVICE_LOG captures every advice
// and vote published on core NATS with their ids and headers, keeps them past their Ala-Ttl-Ms (and
// a Nats-TTL header does not shorten it), reads back in order after a given sequence, and obeys
// its size and age limits (discard old, counted as lost).
import { Advice, decode, encode, subjects, Vote } from '@ala/protocol';
import { StorageType } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import {
  adviceLogPosition,
  adviceLogStreamName,
  connect,
  ensureAdviceLog,
  JetStreamSetupError,
  NatsBus,
  openJetStream,
  readAdviceLog,
  silentLogger,
  type AlaConnection,
  type JetStreamContext,
} from '../src';

let server: NatsServerHandle;
let conn: AlaConnection;
let ctx: JetStreamContext;
let bus: NatsBus;

beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'advice-log-test', logger: silentLogger });
  ctx = await openJetStream(conn.nc, { timeoutMs: 2_000 });
  bus = new NatsBus(conn.nc, { logger: silentLogger });
});
afterAll(async () => {
  await bus.close();
  await conn.close();
  await server.stop();
});

const advice = (agentId: string, i: number): Advice => ({
  v: 1,
  adviceId: `adv-${i}`,
  advisorId: 'llm-0',
  agentId,
  priority: 1,
  stateSeq: i,
  bias: [1, -1],
  recommended: 0,
  confidence: 0.75,
  model: 'test',
  latencyMs: 12,
});
const vote = (a: Advice): Vote => ({
  v: 1,
  adviceId: a.adviceId,
  agentId: a.agentId,
  stateSeq: a.stateSeq,
  adviceIds: [a.adviceId],
  advisorIds: [a.advisorId],
  bias: a.bias,
  recommended: 0,
  confidence: a.confidence,
  method: 'select',
  agreement: 1,
});

test('creates the log for a prefix, reads its config back, and updates only what differs', async () => {
  const info = await ensureAdviceLog(ctx, 'lg.a', { maxAgeMs: 60_000, maxBytes: 1 << 20 });
  expect(adviceLogStreamName('lg.a')).toBe('LG_A_ADVICE_LOG');
  expect(adviceLogStreamName()).toBe('ALA_ADVICE_LOG');
  expect(info.config).toMatchObject({ subjects: ['lg.a.advice.*', 'lg.a.vote.*'], storage: StorageType.File, max_age: 60_000 * 1e6, max_bytes: 1 << 20 });
  expect(info.config.allow_msg_ttl).not.toBe(true); // an entry lives the log's max_age, never a message's TTL
  const again = await ensureAdviceLog(ctx, 'lg.a', { maxAgeMs: 60_000, maxBytes: 1 << 20 });
  expect(again.created).toEqual(info.created);
  const bigger = await ensureAdviceLog(ctx, 'lg.a', { maxAgeMs: 120_000, maxBytes: 1 << 21 });
  expect(bigger.config).toMatchObject({ max_age: 120_000 * 1e6, max_bytes: 1 << 21 });
  await expect(ensureAdviceLog(ctx, 'lg.a', { maxBytes: -5 })).rejects.toBeInstanceOf(JetStreamSetupError);
});

test('captures advice and votes with their ids and headers, in order, and keeps them past their TTL', async () => {
  const s = subjects('lg.b');
  await ensureAdviceLog(ctx, 'lg.b');
  const before = (await adviceLogPosition(ctx, 'lg.b')).lastSeq;
  const sent: Advice[] = [];
  for (let i = 0; i < 20; i++) {
    const a = advice(`agent-${i % 3}`, i);
    sent.push(a);
    bus.publish(Advice, s.advice(a.agentId), a, { ttlMs: 1, headers: { 'Nats-Msg-Id': `m-${i}` } });
    bus.publish(Vote, s.vote(a.agentId), vote(a), { ttlMs: 1 });
  }
  await bus.flush();
  await new Promise((r) => setTimeout(r, 1_100)); // every Ala-Ttl-Ms (1 ms) has long passed
  const got = await readAdviceLog(ctx, 'lg.b', { afterSeq: before });
  expect(got.lost).toBe(0);
  const [adv, votes] = [got.messages.filter((m) => m.subject.includes('.advice.')), got.messages.filter((m) => m.subject.includes('.vote.'))];
  expect(adv.slice(0, 20).map((m) => decode(Advice, m.data).adviceId)).toEqual(sent.map((a) => a.adviceId));
  expect(adv.slice(0, 20).map((m) => m.headers['Nats-Msg-Id'])).toEqual(sent.map((_, i) => `m-${i}`));
  expect(adv.slice(0, 20).every((m) => m.headers['Ala-Ttl-Ms'] === '1' && m.subject === s.advice(decode(Advice, m.data).agentId))).toBe(true);
  expect(votes.map((m) => decode(Vote, m.data).adviceIds[0])).toEqual(sent.map((a) => a.adviceId));
  expect(got.messages.map((m) => m.seq)).toEqual(got.messages.map((_, i) => before + 1 + i));
  expect(got.messages.every((m) => !('Nats-Sequence' in m.headers) && !('Nats-Stream' in m.headers))).toBe(true); // publisher headers only
  expect(got.messages.every((m) => /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(m.timestamp))).toBe(true);
  // afterSeq: only what came later
  const later = await readAdviceLog(ctx, 'lg.b', { afterSeq: got.lastSeq - 3, settleMs: 10 });
  expect(later.messages.map((m) => m.seq)).toEqual([got.lastSeq - 2, got.lastSeq - 1, got.lastSeq]);

  // a Nats-TTL header (a storage lifetime) could only shorten an entry's life, so the log has no
  // allow_msg_ttl and the server refuses such a message; ALA's advisors and aggregator never set it
  const h = natsHeaders();
  h.set('Nats-TTL', '30s');
  conn.nc.publish(s.advice('agent-9'), encode(Advice, advice('agent-9', 99)), { headers: h });
  await expect(ctx.js.publish(s.advice('agent-9'), encode(Advice, advice('agent-9', 98)), { ttl: '30s' })).rejects.toThrow(/per-message TTL is disabled/);
  await conn.nc.flush();
  expect((await readAdviceLog(ctx, 'lg.b', { afterSeq: got.lastSeq, settleMs: 50 })).messages).toEqual([]);
});

test('obeys its limits: the oldest entries go first past max_bytes, every entry after max_age; a reader counts them lost', async () => {
  const s = subjects('lg.c');
  await ensureAdviceLog(ctx, 'lg.c', { maxBytes: 65_536, maxAgeMs: 60_000 });
  for (let i = 0; i < 1_000; i++) bus.publish(Advice, s.advice('agent-0'), advice('agent-0', i), { ttlMs: 50 });
  await bus.flush();
  await waitFor(async () => (await adviceLogPosition(ctx, 'lg.c')).lastSeq === 1_000, 5_000, { what: '1000 advice logged' });
  const info = await ctx.jsm.streams.info(adviceLogStreamName('lg.c'));
  expect(info.state.bytes).toBeLessThanOrEqual(65_536);
  expect(info.state.first_seq).toBeGreaterThan(1); // discard old
  const got = await readAdviceLog(ctx, 'lg.c', { settleMs: 10 });
  expect(got.lost).toBe(info.state.first_seq - 1);
  expect(got.messages.length).toBe(1_000 - got.lost);
  expect(decode(Advice, got.messages.at(-1)!.data).adviceId).toBe('adv-999');

  await ensureAdviceLog(ctx, 'lg.d', { maxAgeMs: 1_000 });
  bus.publish(Advice, subjects('lg.d').advice('agent-0'), advice('agent-0', 1), { ttlMs: 60_000 });
  await bus.flush();
  await waitFor(async () => (await adviceLogPosition(ctx, 'lg.d')).lastSeq === 1, 2_000);
  await waitFor(async () => (await ctx.jsm.streams.info(adviceLogStreamName('lg.d'))).state.messages === 0, 5_000, { what: 'max_age removal' });
  expect((await readAdviceLog(ctx, 'lg.d', { settleMs: 10 })).lost).toBe(1);
});
