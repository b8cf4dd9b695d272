// JetStream helpers against a real nats-server >= 2.11: stream set-up read back, TTL capability
// detection, server-enforced bias TTL (Nats-TTL), msg-id dedupe across a server restart, and the
// policy KV / Object Store buckets.
import { subjects, TrajectoryChunk } from '@ala/protocol';
import { StorageType } from '@nats-io/jetstream';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import {
  BusInputError,
  connect,
  CountingBusMetrics,
  detectTtlSupport,
  ensurePolicyStores,
  ensureStreams,
  JetStreamSetupError,
  natsTtl,
  openJetStream,
  openPolicyStores,
  publishBiasStored,
  publishDurable,
  readLastBias,
  resourceNames,
  silentLogger,
  type AlaConnection,
  type JetStreamContext,
} from '../src';
import { minimalChunk } from './chunk-fixture';
import { makeBias } from './helpers';

const s = subjects('ala');
let server: NatsServerHandle;
let conn: AlaConnection;
let ctx: JetStreamContext;

beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'js-test', logger: silentLogger, reconnectTimeWaitMs: 50 });
  ctx = await openJetStream(conn.nc, { timeoutMs: 1_000 });
});
afterAll(async () => {
  await conn.close();
  await server.stop();
});

describe('JetStream set-up', () => {
  it('creates ALA_BIAS and ALA_TRAJ, reads them back, is idempotent, and reports TTL enforced on >= 2.11', async () => {
    const first = await ensureStreams(ctx, 'ala');
    const again = await ensureStreams(ctx, 'ala');
    expect(resourceNames('ala')).toEqual({ bias: 'ALA_BIAS', traj: 'ALA_TRAJ', policyKv: 'ALA_POLICY', weights: 'ALA_WEIGHTS' });
    expect(again.bias?.config.subjects).toEqual(['ala.bias.>']);
    expect(first.bias?.config.max_msgs_per_subject).toBe(1);
    expect(first.bias?.config.allow_msg_ttl).toBe(true);
    expect(first.traj?.config.storage).toBe(StorageType.File);
    expect(first.traj?.config.duplicate_window).toBe(120_000 * 1e6);
    expect(first.ttl.enforced).toBe(true);
    expect(first.ttl.serverVersion).toBe(server.version);
    expect(await detectTtlSupport(ctx, 'ALA_BIAS')).toMatchObject({ enforced: true });
  });

  it('reports "not enforced" for a stream whose config lacks allow_msg_ttl', async () => {
    await ctx.jsm.streams.add({ name: 'PLAIN', subjects: ['plain.>'], storage: StorageType.Memory });
    const support = await detectTtlSupport(ctx, 'PLAIN');
    expect(support.enforced).toBe(false);
    expect(support.reason).toMatch(/lacks allow_msg_ttl/);
    await expect(detectTtlSupport(ctx, 'NO_SUCH_STREAM')).rejects.toThrow(/cannot read the stream config/);
  });

  it('refuses an existing stream it cannot bring to the wanted config', async () => {
    await ctx.jsm.streams.add({ name: 'OTHER_BIAS', subjects: ['other.bias.>'], storage: StorageType.File });
    await expect(ensureStreams(ctx, 'other')).rejects.toThrow(/OTHER_BIAS: could not create or update the stream/);
    await expect(ensureStreams(ctx, 'bad prefix')).rejects.toThrow(/prefix/);
  });

  it('creates the policy KV and weights object store', async () => {
    const { kv, weights } = await ensurePolicyStores(ctx, 'ala');
    await kv.put('latest', '3');
    expect((await kv.get('latest'))?.string()).toBe('3');
    await weights.putBlob({ name: 'v3.onnx' }, new Uint8Array([1, 2, 3]));
    expect(await weights.getBlob('v3.onnx')).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('stored bias', () => {
  it('rounds the server TTL up to whole seconds', () => {
    expect(natsTtl(1)).toBe('1s');
    expect(natsTtl(1000)).toBe('1s');
    expect(natsTtl(1500)).toBe('2s');
  });

  it('a bias with a 1.5 s TTL is readable before expiry and gone after it (server-enforced)', async () => {
    await ensureStreams(ctx, 'ala');
    const metrics = new CountingBusMetrics();
    const t0 = Date.now();
    await publishBiasStored(ctx, s.bias('a1'), makeBias('a1'), 1500);
    const direct = () => ctx.jsm.direct.getMessage('ALA_BIAS', { last_by_subj: s.bias('a1') });
    expect(await direct()).not.toBeNull();
    const before = await readLastBias(ctx, 'a1', { metrics });
    expect(before?.value).toEqual(makeBias('a1'));
    expect(before?.remainingMs()).toBeGreaterThan(1000);
    // receiver contract: void after 1.5 s even though the server keeps whole seconds
    await new Promise((r) => setTimeout(r, Math.max(0, 1600 - (Date.now() - t0))));
    const afterTtl = await readLastBias(ctx, 'a1', { metrics });
    expect(afterTtl).toBeUndefined();
    // void by the receiver contract while the server (whole seconds) may still hold it
    if ((await direct()) !== null) expect(metrics.get('expired', 'Bias')).toBe(1);
    // server contract: the stored message itself is deleted (Nats-TTL 2s)
    await waitFor(async () => (await direct()) === null, 5_000, { intervalMs: 100, what: 'server-side expiry' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(await readLastBias(ctx, 'a1')).toBeUndefined();
  });

  it('readLastBias subtracts the age since storing from Ala-Ttl-Ms', async () => {
    const metrics = new CountingBusMetrics();
    await publishBiasStored(ctx, s.bias('a3'), makeBias('a3'), 10_000);
    const later = (ms: number) => () => Date.now() + ms;
    const at9s = await readLastBias(ctx, 'a3', { wallNow: later(9_500), metrics });
    expect(at9s?.remainingMs()).toBeGreaterThan(0);
    expect(at9s?.remainingMs()).toBeLessThanOrEqual(500);
    expect(await readLastBias(ctx, 'a3', { wallNow: later(10_500), metrics })).toBeUndefined();
    expect(metrics.get('expired', 'Bias')).toBe(1);
    // a clock behind the server's never makes the bias live longer than its TTL
    expect((await readLastBias(ctx, 'a3', { wallNow: later(-60_000) }))?.remainingMs()).toBeLessThanOrEqual(10_000);
  });

  it('keeps only the last bias per agent', async () => {
    await publishBiasStored(ctx, s.bias('a2'), { ...makeBias('a2'), stateSeq: 1 }, 10_000);
    await publishBiasStored(ctx, s.bias('a2'), { ...makeBias('a2'), stateSeq: 2 }, 10_000);
    expect((await readLastBias(ctx, 'a2'))?.value.stateSeq).toBe(2);
    expect((await ctx.jsm.streams.getMessage('ALA_BIAS', { last_by_subj: s.bias('a2') }))?.seq).toBeGreaterThan(0);
    expect(await readLastBias(ctx, 'nobody')).toBeUndefined();
  });
});

describe('openPolicyStores', () => {
  // the real context, with stream info failing as a cluster does while it elects a new stream's leader, or as a missing permission does
  const failingInfo = (failures: number, error: () => Error): { ctx: JetStreamContext; calls: () => number } => {
    let calls = 0;
    const info = (name: string) => (++calls <= failures ? Promise.reject(error()) : ctx.jsm.streams.info(name));
    return { ctx: { ...ctx, jsm: { ...ctx.jsm, streams: { ...ctx.jsm.streams, info } } } as unknown as JetStreamContext, calls: () => calls };
  };

  it('polls again after a transient stream-info error and opens the stores the learner created', async () => {
    await ensurePolicyStores(ctx, 'ops');
    const seen: string[] = [];
    const f = failingInfo(3, () => new Error('TimeoutError: timeout'));
    const stores = await openPolicyStores(f.ctx, 'ops', { pollMs: 10, onTransientError: (stream) => seen.push(stream) });
    expect(stores.kv).toBeDefined();
    expect(seen).toHaveLength(3);
    expect(f.calls()).toBeGreaterThan(3);
  });

  it('throws a permission error at once', async () => {
    const f = failingInfo(1, () => new Error("Permissions Violation for Publish to '$JS.API.STREAM.INFO.KV_ops'"));
    await expect(openPolicyStores(f.ctx, 'ops', { pollMs: 10 })).rejects.toThrow(JetStreamSetupError);
  });
});

describe('durable publish', () => {
  it('a msg-id publish retried across a server restart is stored exactly once', async () => {
    await ensureStreams(ctx, 'ala');
    const subject = s.traj('actor-1');
    const before = (await ctx.jsm.streams.info('ALA_TRAJ')).state.messages;
    const first = await publishDurable(ctx, TrajectoryChunk, subject, minimalChunk('actor-1'), 'actor-1:inc-1:0');
    expect(first.duplicate).toBe(false);
    // the server goes away mid-way: the retry with the same id starts while it is down
    await server.kill();
    const retry = publishDurable(ctx, TrajectoryChunk, subject, minimalChunk('actor-1'), 'actor-1:inc-1:0', { timeoutMs: 20_000, attemptTimeoutMs: 500 });
    await new Promise((r) => setTimeout(r, 300));
    await server.restart();
    const ack = await retry;
    expect(ack.duplicate).toBe(true);
    expect(ack.seq).toBe(first.seq);
    await waitFor(async () => (await ctx.jsm.streams.info('ALA_TRAJ')).state.messages === before + 1, 5_000);
  });

  it('a message over the server max_payload is refused at once, not retried until the deadline', async () => {
    await ensureStreams(ctx, 'ala');
    const [T, obsDim] = [8, 40_000]; // 9 x 40k float32 obs: 1.4 MB, over the default 1 MiB max_payload
    const f32 = (): Float32Array => new Float32Array(T);
    const u8 = (): Uint8Array => new Uint8Array(T);
    const big = {
      ...minimalChunk('actor-big'),
      ...{ T, obsDim, obs: new Float32Array(T * obsDim).fill(0.5), nextObs: new Float32Array(obsDim), actions: new Int32Array(T) },
      ...{ rewards: f32(), terminated: u8(), truncated: u8(), values: f32(), logpMu: f32().fill(-1), logpPk: f32().fill(-1) },
      ...{ policyVersion: new Uint32Array(T), advised: u8(), biasTaken: f32(), adviceAgeMs: f32(), truncValue: f32() },
    };
    const before = (await ctx.jsm.streams.info('ALA_TRAJ')).state.messages;
    const t0 = performance.now();
    const err: unknown = await publishDurable(ctx, TrajectoryChunk, s.traj('actor-big'), big, 'actor-big:inc-1:0', { timeoutMs: 20_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BusInputError);
    expect((err as BusInputError).message).toMatch(/max_payload/);
    expect(performance.now() - t0).toBeLessThan(5_000); // not the 20 s deadline of retries
    expect((await ctx.jsm.streams.info('ALA_TRAJ')).state.messages).toBe(before);
  });
});
