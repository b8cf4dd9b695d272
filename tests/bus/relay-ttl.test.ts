// Receiver-enforced TTL across a relay chain on a real nats-server (docs/architecture.md, Advice lifetime): each hop
// subtracts its dwell time, and advice whose lifetime ran out while a relay held it is dropped by
// the next receiver and counted, never handed to its handler. Real clocks, three connections.
import { Bias, formatTtlMs, HEADER_TTL_MS, encode, subjects } from '@ala/protocol';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { connect, CountingBusMetrics, forward, NatsBus, silentLogger, type AlaConnection, type MessageMeta } from '@ala/bus';

const s = subjects('ala');
let server: NatsServerHandle;
let conns: AlaConnection[];
let publisher: NatsBus;
let relay: NatsBus;
let receiver: NatsBus;
let relayMetrics: CountingBusMetrics;
let receiverMetrics: CountingBusMetrics;

function bias(stateSeq: number): Bias {
  return { v: 1, agentId: 'a1', adviceId: `adv-${stateSeq}`, stateSeq, bias: Array.from({ length: 20 }, () => 0.1), bound: 1, ttlMs: 1000, createdAt: 0 };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startNatsServer();
  conns = await Promise.all(['pub', 'relay', 'recv'].map((name) => connect({ servers: server.url, name, logger: silentLogger })));
  relayMetrics = new CountingBusMetrics();
  receiverMetrics = new CountingBusMetrics();
  publisher = new NatsBus(conns[0]!.nc, { logger: silentLogger });
  relay = new NatsBus(conns[1]!.nc, { metrics: relayMetrics, logger: silentLogger });
  receiver = new NatsBus(conns[2]!.nc, { metrics: receiverMetrics, logger: silentLogger });
});
afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await server.stop();
});

describe('TTL through a relay', () => {
  it('subtracts the dwell time of each hop', async () => {
    const got: MessageMeta[] = [];
    const subIn = relay.subscribe(Bias, 'ala.in.a1', async (v, meta) => {
      await sleep(150); // dwell
      forward(relay, Bias, s.vote('a1'), v, meta, { metrics: relayMetrics });
    });
    const subOut = receiver.subscribe(Bias, s.vote('a1'), (_v, meta) => void got.push(meta));
    await Promise.all([relay.flush(), receiver.flush()]);
    publisher.publish(Bias, 'ala.in.a1', bias(1), { ttlMs: 1000 });
    await waitFor(() => got.length === 1, 5_000);
    expect(got[0]!.ttlMs).toBeLessThanOrEqual(1000 - 150);
    expect(got[0]!.ttlMs).toBeGreaterThan(500);
    await Promise.all([subIn.unsubscribe(), subOut.unsubscribe()]);
  });

  it('a relay that held advice past its TTL sends 0 left: the next receiver drops and counts it', async () => {
    const handled: number[] = [];
    // a relay written against raw NATS that re-stamps the remaining lifetime honestly (clamped at 0)
    const subIn = relay.subscribe(Bias, 'ala.in2.a1', async (v, meta) => {
      await sleep(v.stateSeq === 2 ? 300 : 0); // holds seq 2 longer than its 200 ms TTL
      const h = natsHeaders();
      h.set(HEADER_TTL_MS, formatTtlMs(meta.remainingMs()));
      conns[1]!.nc.publish(s.vote('a1'), encode(Bias, v), { headers: h });
    });
    const subOut = receiver.subscribe(Bias, s.vote('a1'), (v) => void handled.push(v.stateSeq));
    await Promise.all([relay.flush(), receiver.flush()]);
    const expiredBefore = receiverMetrics.get('expired', 'Bias');
    publisher.publish(Bias, 'ala.in2.a1', bias(2), { ttlMs: 200 });
    publisher.publish(Bias, 'ala.in2.a1', bias(3), { ttlMs: 5_000 });
    await waitFor(() => handled.includes(3), 5_000);
    expect(handled).toEqual([3]);
    expect(receiverMetrics.get('expired', 'Bias') - expiredBefore).toBe(1);
    await Promise.all([subIn.unsubscribe(), subOut.unsubscribe()]);
  });

  it('forward() refuses to send advice that expired in the relay and counts it there', async () => {
    const handled: number[] = [];
    const results: boolean[] = [];
    const subIn = relay.subscribe(Bias, 'ala.in3.a1', async (v, meta) => {
      await sleep(250);
      results.push(forward(relay, Bias, s.vote('a1'), v, meta, { metrics: relayMetrics }));
    });
    const subOut = receiver.subscribe(Bias, s.vote('a1'), (v) => void handled.push(v.stateSeq));
    await Promise.all([relay.flush(), receiver.flush()]);
    publisher.publish(Bias, 'ala.in3.a1', bias(4), { ttlMs: 200 });
    await waitFor(() => results.length === 1, 5_000);
    await sleep(50);
    expect(results).toEqual([false]);
    expect(handled).toEqual([]);
    expect(relayMetrics.get('expired', 'Bias')).toBe(1);
    await Promise.all([subIn.unsubscribe(), subOut.unsubscribe()]);
  });

  it('advice that expires while the receiver is busy is dropped at handler start', async () => {
    const handled: number[] = [];
    const subOut = receiver.subscribe(Bias, 'ala.busy.a1', async (v) => {
      handled.push(v.stateSeq);
      if (v.stateSeq === 5) await sleep(200); // busy with the previous message
    });
    await receiver.flush();
    const expiredBefore = receiverMetrics.get('expired', 'Bias');
    publisher.publish(Bias, 'ala.busy.a1', bias(5), { ttlMs: 5_000 });
    publisher.publish(Bias, 'ala.busy.a1', bias(6), { ttlMs: 50 });
    publisher.publish(Bias, 'ala.busy.a1', bias(7), { ttlMs: 5_000 });
    await waitFor(() => handled.includes(7), 5_000);
    expect(handled).toEqual([5, 7]);
    expect(receiverMetrics.get('expired', 'Bias') - expiredBefore).toBe(1);
    await subOut.unsubscribe();
  });
});
