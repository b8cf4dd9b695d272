// The NATS services status endpoint on a real nats-server: `$SRV.PING` discovers the instance
// and `<name>.status` answers a valid msgpack ServiceStatus built from the service's stats.
import { connect, silentLogger, type AlaConnection } from '@ala/bus';
import { decode, ServiceStatus } from '@ala/protocol';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { registerStatusEndpoint } from '../src';

let server: NatsServerHandle;
let conn: AlaConnection;

beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'status-test', logger: silentLogger });
});
afterAll(async () => {
  await conn.close();
  await server.stop();
});

it('is discovered by $SRV.PING and answers status with the service stats', async () => {
  let n = 0;
  const ep = await registerStatusEndpoint(conn.nc, { name: 'bias-router', version: '0.1.0', stats: () => ({ routed: ++n, bad: NaN }) });
  try {
    const ping = await conn.nc.request('$SRV.PING.bias-router', undefined, { timeout: 2_000 });
    const id = ping.json<{ name: string; id: string; version: string }>();
    expect(id).toMatchObject({ name: 'bias-router', id: ep.instanceId, version: '0.1.0' });
    const reply = await conn.nc.request('bias-router.status', undefined, { timeout: 2_000 });
    const status = decode(ServiceStatus, reply.data);
    expect(status).toMatchObject({ service: 'bias-router', instanceId: ep.instanceId, version: '0.1.0', stats: { routed: 1 } });
    expect(status.stats.bad).toBeUndefined(); // non-finite values are left out
    expect(status.uptimeS).toBeGreaterThanOrEqual(0);
  } finally {
    await ep.stop();
  }
});
