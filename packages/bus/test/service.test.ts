// Typed service endpoints on the NATS services framework against a real server: discovery via
// $SRV.PING, typed replies, 400 for a refused request, 500 for a failing handler.
import { Bias, decode, ServiceStatus } from '@ala/protocol';
import { Svcm } from '@nats-io/services';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { addTypedEndpoint, BusRequestError, connect, CountingBusMetrics, NatsBus, silentLogger, startService, type AlaConnection } from '../src';
import { makeBias } from './helpers';

let server: NatsServerHandle;
let conn: AlaConnection;

beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'svc-test', logger: silentLogger });
});
afterAll(async () => {
  await conn.close();
  await server.stop();
});

describe('typed service endpoints', () => {
  it('serves status and typed requests, with service errors for bad input and failing handlers', async () => {
    const metrics = new CountingBusMetrics();
    const svc = await startService(conn.nc, { name: 'bias-router', version: '0.1.0', description: 'test' });
    const status: ServiceStatus = { v: 1, service: 'bias-router', instanceId: 'i1', version: '0.1.0', uptimeS: 3, stats: { routed: 7 } };
    const group = svc.addGroup('ala.svc.bias-router');
    addTypedEndpoint(group, 'status', null, ServiceStatus, () => status, { metrics, logger: silentLogger });
    addTypedEndpoint(
      group,
      'echo',
      Bias,
      Bias,
      (b) => {
        if (b?.stateSeq === 13) throw new Error('unlucky');
        return { ...b!, stateSeq: b!.stateSeq + 1 };
      },
      { metrics, logger: silentLogger },
    );

    const pings = await new Svcm(conn.nc as unknown as ConstructorParameters<typeof Svcm>[0]).client().ping('bias-router');
    const found: string[] = [];
    for await (const p of pings) found.push(p.name);
    expect(found).toEqual(['bias-router']);

    const raw = await conn.nc.request('ala.svc.bias-router.status', new Uint8Array(0), { timeout: 1_000 });
    expect(decode(ServiceStatus, raw.data)).toEqual(status);

    const bus = new NatsBus(conn.nc, { logger: silentLogger });
    expect((await bus.request(Bias, 'ala.svc.bias-router.echo', makeBias(), Bias, { timeoutMs: 1_000 })).stateSeq).toBe(8);

    const bad = await conn.nc.request('ala.svc.bias-router.echo', new Uint8Array([0xc1]), { timeout: 1_000 });
    expect(bad.headers?.get('Nats-Service-Error-Code')).toBe('400');
    expect(metrics.get('decodeErrors', 'Bias')).toBe(1);

    const failing = bus.request(Bias, 'ala.svc.bias-router.echo', { ...makeBias(), stateSeq: 13 }, Bias, { timeoutMs: 1_000 });
    await expect(failing).rejects.toBeInstanceOf(BusRequestError);
    await expect(bus.request(Bias, 'ala.svc.bias-router.echo', { ...makeBias(), stateSeq: 13 }, Bias, { timeoutMs: 1_000 })).rejects.toMatchObject({
      reason: 'service-error',
      serviceError: { code: 500, description: 'unlucky' },
    });
    expect(metrics.get('handlerErrors', 'Bias')).toBe(2);
    await svc.stop();
  });
});
