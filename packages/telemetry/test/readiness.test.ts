// /readyz of the metrics server and the readiness combinators: 200 with {ready:true}, 503 with the
// first failing check's reason, a hung or throwing check answers 503 within its bound, and the
// JetStream check names the missing stream or consumer (real nats-server).
import { request } from 'node:http';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '@ala/testkit';
import { allOf, jetStreamReadiness, notReady, PromMetrics, READY, startMetricsServer, withTimeout, type Readiness } from '../src';

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

test('/readyz answers what the check says, 503 with a reason; /healthz stays 200', async () => {
  let verdict: Readiness = notReady('starting');
  const server = await startMetricsServer(0, new PromMetrics().registry, { host: '127.0.0.1', ready: () => verdict });
  try {
    expect(await get(server.port, '/readyz')).toEqual({ status: 503, body: '{"ready":false,"reason":"starting"}\n' });
    expect((await get(server.port, '/healthz')).status).toBe(200);
    verdict = READY;
    expect(await get(server.port, '/readyz')).toEqual({ status: 200, body: '{"ready":true}\n' });
  } finally {
    await server.close();
  }
});

test('a hung check answers 503 within its bound; a throwing one 503 with its message; allOf takes the first failure', async () => {
  const t0 = performance.now();
  expect(await withTimeout(() => new Promise<Readiness>(() => undefined), 50)()).toEqual(notReady('readiness check took more than 50 ms'));
  expect(performance.now() - t0).toBeLessThan(1_000);
  expect(
    await withTimeout(() => {
      throw new Error('boom');
    }, 50)(),
  ).toEqual(notReady('readiness check failed: boom'));
  expect(
    await allOf(
      () => READY,
      () => notReady('a'),
      () => notReady('b'),
    )(),
  ).toEqual(notReady('a'));
  expect(
    await allOf(
      () => READY,
      async () => READY,
    )(),
  ).toEqual(READY);
});

test('jetStreamReadiness names the missing stream, then the missing consumer, then is ready', async () => {
  const nats = await startNatsServer();
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const check = jetStreamReadiness(jsm, { streams: ['RDY'], consumers: [['RDY', 'worker']], cacheMs: 0 });
    expect(await check()).toMatchObject({ ready: false, reason: expect.stringMatching(/^stream RDY: /) });
    await jsm.streams.add({ name: 'RDY', subjects: ['rdy.>'] });
    expect(await check()).toMatchObject({ ready: false, reason: expect.stringMatching(/^consumer worker on RDY: /) });
    await jsm.consumers.add('RDY', { durable_name: 'worker' });
    expect(await check()).toEqual(READY);
  } finally {
    await nc.close();
    await nats.stop();
  }
});
