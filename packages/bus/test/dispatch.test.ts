// Dispatch timing of a subscription on a real nats-server: messages of one socket read are handed
// to a synchronous handler one per microtask turn, so work a handler starts (a promise it does not
// return, e.g. an advisor's answer) gets its turn before the next message, as with an awaited
// handler; an asynchronous handler still runs one call at a time.
import { Bias, subjects } from '@ala/protocol';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { connect, NatsBus, silentLogger, type AlaConnection } from '../src';
import { makeBias } from './helpers';

const s = subjects('ala');
let server: NatsServerHandle;
let conn: AlaConnection;

beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'dispatch', logger: silentLogger });
});
afterAll(async () => {
  await conn.close();
  await server.stop();
});

it('gives work started by a synchronous handler a microtask turn before the next message', async () => {
  const bus = new NatsBus(conn.nc, { logger: silentLogger });
  let started = 0;
  let settled = 0;
  const seenInFlight: number[] = [];
  bus.subscribe(Bias, s.biasAll, () => {
    seenInFlight.push(started - settled);
    started += 1;
    void Promise.resolve().then(() => (settled += 1));
  });
  await bus.flush();
  for (let i = 0; i < 50; i++) bus.publish(Bias, s.bias(`a${i}`), makeBias(`a${i}`), { ttlMs: 5_000 }); // one batch on the wire
  await waitFor(() => settled === 50);
  expect(seenInFlight.every((n) => n === 0)).toBe(true);
  await bus.close();
});

it('runs an asynchronous handler one call at a time, in arrival order', async () => {
  const bus = new NatsBus(conn.nc, { logger: silentLogger });
  let running = 0;
  let most = 0;
  const order: number[] = [];
  bus.subscribe(Bias, s.biasAll, async (b) => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 1));
    order.push(b.stateSeq);
    running -= 1;
  });
  await bus.flush();
  for (let i = 0; i < 20; i++) bus.publish(Bias, s.bias('a1'), { ...makeBias('a1'), stateSeq: i }, { ttlMs: 5_000 });
  await waitFor(() => order.length === 20);
  expect(most).toBe(1);
  expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  await bus.close();
});
