// Per-service NATS identities on a real nats-server (issue #13 point 2): a stranger cannot
// connect; every identity is denied (reported, nothing delivered or stored) outside its edges;
// nobody but the bias-router publishes `ala.bias.*` or writes ALA_BIAS; the JetStream reads each
// service needs (stored bias, policy KV, weights Object Store) work under its own identity.
import { createUser } from '@nats-io/nkeys';
import { connect as natsConnect, headers, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { Advice, Bias, encode, HEADER_TTL_MS } from '@ala/protocol';
import {
  ensureAdviceLog,
  ensurePolicyStores,
  ensureStreams,
  IDENTITIES,
  openJetStream,
  publishBiasStored,
  readAdviceLog,
  readLastBias,
  type Identity,
} from '@ala/bus';
import { waitFor } from '@ala/testkit';
import { startSecureServer, type SecureServer } from './secure-server';

jest.setTimeout(60_000);

let sec: SecureServer;
/** One connection per identity for the whole file, with the denials the server reported to it. */
const as = {} as Record<Identity, { conn: NatsConnection; denials: string[] }>;
beforeAll(async () => {
  sec = await startSecureServer();
  for (const i of IDENTITIES) {
    const c = await sec.connectAs(i);
    as[i] = { conn: c.conn.nc, denials: c.denials };
  }
});
afterAll(async () => {
  await sec.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bias = (agentId: string, b = [1, -1]): Bias => ({ v: 1, agentId, adviceId: 'adv1', stateSeq: 1, bias: b, bound: 1, ttlMs: 5000, createdAt: Date.now() });

test('a stranger without credentials, or with an nkey the server does not know, cannot connect', async () => {
  await expect(natsConnect({ servers: sec.server.url, reconnect: false, timeout: 2000 })).rejects.toThrow(/Authorization Violation/i);
  const unknown = createUser();
  await expect(natsConnect({ servers: sec.server.url, reconnect: false, timeout: 2000, authenticator: nkeyAuthenticator(unknown.getSeed()) })).rejects.toThrow(
    /Authorization Violation/i,
  );
});

/** Subjects each identity alone may publish, with the identity whose core subscription would see them. */
const OWNED: [string, Identity, Identity | undefined][] = [
  ['ala.state.a1', 'actor-runner', 'advisor-worker'],
  ['ala.advice.a1', 'advisor-worker', 'vote-aggregator'],
  ['ala.vote.a1', 'vote-aggregator', 'bias-router'],
  ['ala.bias.a1', 'bias-router', 'actor-runner'],
  ['ala.policy.announce', 'ppo-learner', 'actor-runner'],
  ['ala.traj.actor-0', 'actor-runner', undefined],
  ['$KV.ALA_POLICY.latest', 'ppo-learner', undefined],
];

test.each(OWNED)('only its owner may publish %s (%s); every other identity is denied and nothing arrives', async (subject, owner, reader) => {
  const received: string[] = [];
  let readerConn: NatsConnection | undefined;
  if (reader !== undefined) {
    readerConn = (await sec.connectAs(reader)).conn.nc;
    readerConn.subscribe(subject, { callback: (_e, m) => void received.push(new TextDecoder().decode(m.data)) });
    await readerConn.flush();
  }
  for (const who of IDENTITIES) {
    const { conn, denials } = as[who];
    const before = denials.length;
    conn.publish(subject, new TextEncoder().encode(who));
    await conn.flush();
    if (who === owner) {
      expect(denials.length).toBe(before);
    } else {
      await waitFor(() => denials.length > before, 5000, { intervalMs: 5 });
      expect(denials[before]).toMatch(/Permissions Violation for Publish/);
    }
  }
  await sleep(100);
  if (reader !== undefined) expect(received).toEqual([owner]); // the owner's own publish is the positive control
});

/** What each identity may subscribe to among the data subjects. */
const READS: [string, Identity | undefined][] = [
  ['ala.state.*', 'advisor-worker'],
  ['ala.advice.*', 'vote-aggregator'],
  ['ala.vote.*', 'bias-router'],
  ['ala.bias.*', 'actor-runner'],
  ['ala.policy.announce', 'actor-runner'],
  ['ala.traj.*', undefined],
  ['ala.>', undefined],
  ['>', undefined],
  ['_INBOX.>', undefined],
  ['$KV.ALA_POLICY.>', undefined],
];

test.each(READS)('subscribing to %s is denied to everyone but %s', async (subject, allowed) => {
  for (const who of IDENTITIES) {
    const { conn, denials } = as[who];
    const before = denials.length;
    const sub = conn.subscribe(subject);
    await conn.flush();
    if (who === allowed) expect(denials.length).toBe(before);
    else {
      await waitFor(() => denials.length > before, 5000, { intervalMs: 5 });
      expect(denials[before]).toMatch(/Permissions Violation for Subscription/);
    }
    sub.unsubscribe();
  }
});

test("no identity can read another identity's inbox (replies are per identity)", async () => {
  const { conn, denials } = as['advisor-worker'];
  const before = denials.length;
  const sub = conn.subscribe(`_INBOX_${sec.creds.identities['ppo-learner'].publicKey}.>`);
  await conn.flush();
  await waitFor(() => denials.length > before, 5000, { intervalMs: 5 });
  expect(denials[before]).toMatch(/Permissions Violation for Subscription to "_INBOX_/);
  sub.unsubscribe();
});

test('nobody but the bias-router writes ALA_BIAS: stored publishes, purge, delete, update and message deletes are denied', async () => {
  const router = await sec.connectAs('bias-router');
  const rjs = await openJetStream(router.conn.nc);
  await ensureStreams(rjs, 'ala', { ensure: ['bias'] });
  await publishBiasStored(rjs, 'ala.bias.a2', bias('a2'), 5000);
  expect(router.denials).toEqual([]);
  const hdr = headers();
  hdr.set(HEADER_TTL_MS, '5000');
  for (const who of IDENTITIES.filter((i) => i !== 'bias-router')) {
    const { conn } = as[who];
    // a stored publish is a request on the stream's subject: denied before JetStream sees it
    await expect(conn.request('ala.bias.a2', encode(Bias, bias('a2', [-1, 1])), { timeout: 1000, headers: hdr })).rejects.toThrow(
      /Permissions Violation for Publish to "ala.bias.a2"/,
    );
    for (const op of ['STREAM.PURGE', 'STREAM.DELETE', 'STREAM.UPDATE', 'STREAM.MSG.DELETE']) {
      await expect(conn.request(`$JS.API.${op}.ALA_BIAS`, new TextEncoder().encode('{}'), { timeout: 1000 })).rejects.toThrow(
        /Permissions Violation for Publish/,
      );
    }
  }
  // the router's bias is still the stored one, unchanged, readable by the actor under its identity
  const actor = await sec.connectAs('actor-runner');
  const stored = await readLastBias(await openJetStream(actor.conn.nc), 'a2', { prefix: 'ala' });
  expect(stored?.value.bias).toEqual([1, -1]);
  expect(actor.denials).toEqual([]);
});

test('the vote-aggregator owns the advice log: it creates it and reads back what the advisor published; no one else creates, changes or reads it', async () => {
  const agg = await sec.connectAs('vote-aggregator');
  const ajs = await openJetStream(agg.conn.nc);
  await ensureAdviceLog(ajs, 'ala');
  const advice: Advice = {
    v: 1,
    adviceId: 'logged-1',
    advisorId: 'scripted-0',
    agentId: 'a3',
    priority: 1,
    stateSeq: 1,
    bias: [1, -1],
    confidence: 1,
    model: 'm',
    latencyMs: 1,
  };
  const hdr = headers();
  hdr.set(HEADER_TTL_MS, '50');
  as['advisor-worker'].conn.publish('ala.advice.a3', encode(Advice, advice), { headers: hdr });
  await as['advisor-worker'].conn.flush();
  const got = await readAdviceLog(ajs, 'ala', { settleMs: 50 });
  expect(got.messages.map((m) => m.subject)).toContain('ala.advice.a3');
  expect(agg.denials).toEqual([]);
  for (const who of IDENTITIES.filter((i) => i !== 'vote-aggregator')) {
    const { conn } = as[who];
    for (const op of ['STREAM.CREATE', 'STREAM.UPDATE', 'STREAM.PURGE', 'STREAM.DELETE', 'STREAM.MSG.DELETE', 'DIRECT.GET']) {
      await expect(conn.request(`$JS.API.${op}.ALA_ADVICE_LOG`, new TextEncoder().encode('{}'), { timeout: 1000 })).rejects.toThrow(
        /Permissions Violation for Publish/,
      );
    }
  }
});

test('the learner writes the policy stores; the actor reads KV and a large object (ordered consumer) without a denial, and cannot write them', async () => {
  const learner = await sec.connectAs('ppo-learner');
  const ljs = await openJetStream(learner.conn.nc);
  await ensureStreams(ljs, 'ala', { ensure: ['traj'] });
  const ls = await ensurePolicyStores(ljs, 'ala');
  const blob = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
  await ls.weights.putBlob({ name: 'v1.onnx' }, blob);
  await ls.kv.put('latest', '1');
  const actor = await sec.connectAs('actor-runner');
  const ajs = await openJetStream(actor.conn.nc);
  await ensureStreams(ajs, 'ala', { ensure: ['traj'] });
  const as = await ensurePolicyStores(ajs, 'ala');
  expect((await as.kv.get('latest'))?.string()).toBe('1');
  expect(await as.weights.getBlob('v1.onnx')).toEqual(blob);
  expect(actor.denials).toEqual([]);
  expect(learner.denials).toEqual([]);
  await expect(as.kv.put('latest', '99')).rejects.toThrow();
  await expect(as.weights.putBlob({ name: 'v99.onnx' }, new Uint8Array(10))).rejects.toThrow();
  expect((await ls.kv.get('latest'))?.string()).toBe('1');
});
