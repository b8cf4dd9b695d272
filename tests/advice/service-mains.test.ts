// The three service entry points as real processes (tsx) on a real nats-server: each registers
// with the NATS services framework ($SRV.PING), answers `<name>.status`, serves /metrics, passes
// a snapshot down the chain to a bias, and exits 0 on SIGTERM after draining.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { connect, NatsBus, silentLogger, type AlaConnection } from '@ala/bus';
import { Bias, decode, ServiceStatus, StateSnapshot } from '@ala/protocol';
import { freePort, startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { cartPoleSnapshot, s } from './chain-fixture';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
let server: NatsServerHandle;
let conn: AlaConnection;
const procs: { name: string; child: ChildProcess; port: number; exit: Promise<number | null>; stderr: string[] }[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'mains-test', logger: silentLogger });
  for (const name of ['advisor-worker', 'vote-aggregator', 'bias-router']) {
    const port = await freePort();
    const child = spawn(tsx, [path.join(root, 'services', name, 'src', 'main.ts')], {
      env: { ...process.env, ALA_NATS_URL: server.url, ALA_METRICS_PORT: String(port), ALA_AGG_QUORUM: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr?.on('data', (d: Buffer) => void stderr.push(d.toString()));
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    procs.push({ name, child, port, exit, stderr });
  }
}, 60_000);
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await conn.close();
  await server.stop();
});

it('each service is discoverable, reports status and metrics, routes advice, and drains on SIGTERM', async () => {
  for (const p of procs) {
    await waitFor(
      async () => {
        try {
          const ping = await conn.nc.request(`$SRV.PING.${p.name}`, undefined, { timeout: 500 });
          return ping.json<{ name: string }>().name === p.name;
        } catch {
          return false;
        }
      },
      30_000,
      { what: `${p.name} on $SRV.PING`, intervalMs: 200 },
    ).catch((err: unknown) => {
      throw new Error(`${p.name} did not come up; stderr:\n${p.stderr.join('')}`, { cause: err });
    });
  }
  const bus = new NatsBus(conn.nc, { logger: silentLogger });
  const got: Bias[] = [];
  bus.subscribe(Bias, s.biasAll, (b) => void got.push(b));
  await bus.flush();
  bus.publish(StateSnapshot, s.state('m1'), cartPoleSnapshot('m1', 1), { ttlMs: 5_000 });
  await waitFor(() => got.length === 1, 5_000, { what: 'a bias from the process chain' });
  expect(got[0]).toMatchObject({ agentId: 'm1', bias: [-1, 1], bound: 1 });

  const status = decode(ServiceStatus, (await conn.nc.request('bias-router.status', undefined, { timeout: 2_000 })).data);
  expect(status.stats).toMatchObject({ routed: 1, stored: 1 });
  const text = await (await fetch(`http://127.0.0.1:${procs[2]!.port}/metrics`)).text();
  expect(text).toContain('ala_router_votes_total{outcome="routed",service="bias-router"} 1');
  expect(text).toContain('ala_bus_messages_received_total{message="Vote",service="bias-router"} 1');

  for (const p of procs) p.child.kill('SIGTERM');
  expect(await Promise.all(procs.map((p) => p.exit))).toEqual([0, 0, 0]);
}, 60_000);
