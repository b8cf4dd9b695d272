// NatsBus against a real nats-server: TTL metadata, malformed bytes, queue groups across
// connections, request/reply, connection status counters (disconnect, reconnect, permission
// denial) and drain on signal.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Bias, encode, HEADER_TTL_MS, subjects } from '@ala/protocol';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { collect, nextMessage, startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { connect, CountingBusMetrics, drainOnSignal, NatsBus, silentLogger, type AlaConnection, type MessageMeta } from '../src';
import { makeBias } from './helpers';

const s = subjects('ala');
let server: NatsServerHandle;
let conns: AlaConnection[] = [];

async function open(name: string): Promise<AlaConnection> {
  const c = await connect({ servers: server.url, name, logger: silentLogger, reconnectTimeWaitMs: 50 });
  conns.push(c);
  return c;
}

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  await Promise.all(conns.map((c) => c.close()));
  conns = [];
});
afterAll(async () => {
  await server.stop();
});

describe('NatsBus', () => {
  it('delivers typed messages with a deadline on the receiver clock', async () => {
    const conn = await open('ttl');
    const bus = new NatsBus(conn.nc, { logger: silentLogger });
    const got = nextMessage<{ v: Bias; meta: MessageMeta }>((push) => bus.subscribe(Bias, s.biasAll, (v, meta) => push({ v, meta })));
    await bus.flush();
    bus.publish(Bias, s.bias('a7'), makeBias('a7'), { ttlMs: 1500, headers: { 'X-Trace': 't1' } });
    const { v, meta } = await got;
    expect(v).toEqual(makeBias('a7'));
    expect(meta.subject).toBe('ala.bias.a7');
    expect(meta.ttlMs).toBe(1500);
    expect(meta.deadline).toBeCloseTo(meta.receivedAt + 1500, 6);
    expect(meta.remainingMs()).toBeGreaterThan(1400);
    expect(meta.header('X-Trace')).toBe('t1');
  });

  it('counts and drops malformed bytes and headers; the subscription keeps working', async () => {
    const conn = await open('malformed');
    const metrics = new CountingBusMetrics();
    const bus = new NatsBus(conn.nc, { metrics, logger: silentLogger });
    const got = collect<Bias>((push) => bus.subscribe(Bias, s.bias('a1'), (v) => push(v)), { count: 1 });
    await bus.flush();
    conn.nc.publish(s.bias('a1'), new Uint8Array([0x92, 0x01])); // truncated msgpack array
    conn.nc.publish(s.bias('a1'), new TextEncoder().encode('{"not":"msgpack"}'));
    const bad = natsHeaders();
    bad.set(HEADER_TTL_MS, 'soon');
    conn.nc.publish(s.bias('a1'), encode(Bias, makeBias()), { headers: bad });
    const zero = natsHeaders();
    zero.set(HEADER_TTL_MS.toLowerCase(), '0'); // header names are case-insensitive
    conn.nc.publish(s.bias('a1'), encode(Bias, makeBias()), { headers: zero });
    conn.nc.publish(s.bias('a1'), encode(Bias, { ...makeBias(), stateSeq: 99 }));
    const [ok] = await got;
    expect(ok?.stateSeq).toBe(99);
    expect(metrics.get('decodeErrors', 'Bias')).toBe(3);
    expect(metrics.get('expired', 'Bias')).toBe(1);
    expect(metrics.get('in', 'Bias')).toBe(5);
  });

  it('splits a queue group across connections and fans out to plain subscribers', async () => {
    const [c1, c2, c3] = [await open('q1'), await open('q2'), await open('pub')];
    const b1 = new NatsBus(c1.nc, { logger: silentLogger });
    const b2 = new NatsBus(c2.nc, { logger: silentLogger });
    const pub = new NatsBus(c3.nc, { logger: silentLogger });
    const q1: string[] = [];
    const q2: string[] = [];
    const all: string[] = [];
    b1.subscribe(Bias, s.biasAll, (v) => void q1.push(v.agentId), { queue: 'router' });
    b2.subscribe(Bias, s.biasAll, (v) => void q2.push(v.agentId), { queue: 'router' });
    b2.subscribe(Bias, 'ala.*.*', (v) => void all.push(v.agentId));
    await Promise.all([b1.flush(), b2.flush()]);
    for (let i = 0; i < 40; i++) pub.publish(Bias, s.bias(`a${i}`), makeBias(`a${i}`));
    await pub.flush();
    await waitFor(() => q1.length + q2.length === 40 && all.length === 40, 5_000);
    expect(new Set([...q1, ...q2]).size).toBe(40);
  });

  it('answers requests and types the failures', async () => {
    const conn = await open('req');
    const bus = new NatsBus(conn.nc, { logger: silentLogger });
    bus.subscribe(Bias, 'ala.svc.echo', (v, meta) => meta.respond(Bias, { ...v, stateSeq: v.stateSeq + 1 }, { ttlMs: 100 }));
    await bus.flush();
    expect((await bus.request(Bias, 'ala.svc.echo', makeBias(), Bias, { timeoutMs: 1_000 })).stateSeq).toBe(8);
    await expect(bus.request(Bias, 'ala.svc.nobody', makeBias(), Bias, { timeoutMs: 1_000 })).rejects.toMatchObject({ reason: 'no-responders' });
    await bus.close();
    expect(() => bus.publish(Bias, s.bias('a1'), makeBias())).toThrow(/closed/);
  });
});

describe('connect', () => {
  it('counts disconnects and reconnects across a server restart and keeps subscriptions', async () => {
    const conn = await open('restart');
    const bus = new NatsBus(conn.nc, { logger: silentLogger });
    const got: number[] = [];
    bus.subscribe(Bias, s.bias('a1'), (v) => void got.push(v.stateSeq));
    await bus.flush();
    await server.restart();
    await waitFor(() => conn.stats().reconnects === 1, 10_000);
    expect(conn.stats().disconnects).toBeGreaterThanOrEqual(1);
    await bus.flush();
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 5 });
    await waitFor(() => got.includes(5), 5_000);
  });

  it('counts a permission denial (it arrives on status, not as a throw)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ala-auth-'));
    const conf = path.join(dir, 'auth.conf');
    writeFileSync(conf, 'authorization { users = [ { user: actor, password: pw, permissions: { publish: { deny: ["ala.bias.>"] } } } ] }\n');
    const authServer = await startNatsServer({ args: ['-c', conf] });
    try {
      const conn = await connect({ servers: authServer.url, name: 'denied', user: 'actor', pass: 'pw', logger: silentLogger });
      conns.push(conn);
      const bus = new NatsBus(conn.nc, { logger: silentLogger });
      bus.publish(Bias, s.bias('a1'), makeBias()); // does not throw
      await waitFor(() => conn.stats().permissionErrors === 1, 5_000);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
      conns = [];
      await authServer.stop();
    }
  });

  it('drainOnSignal drains then exits 0', async () => {
    const conn = await open('drain');
    const exits: number[] = [];
    const order: string[] = [];
    const remove = drainOnSignal(
      {
        drain: async () => {
          order.push('drain');
          await conn.drain();
        },
      },
      { signals: ['SIGUSR2'], exit: (code) => void exits.push(code), beforeDrain: () => void order.push('before'), logger: silentLogger },
    );
    process.emit('SIGUSR2', 'SIGUSR2');
    await waitFor(() => exits.length === 1, 5_000);
    remove();
    expect(exits).toEqual([0]);
    expect(order).toEqual(['before', 'drain']);
    expect(conn.nc.isClosed()).toBe(true);
  });
});
