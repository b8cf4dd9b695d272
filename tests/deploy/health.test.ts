// Health, readiness and SIGTERM of every service as a real `ala <service>` process against a real
// nats-server (interfaces: /healthz, /readyz next to /metrics; ALA_SHUTDOWN_TIMEOUT_MS): /readyz
// is 503 while NATS is unreachable, the actor stays 503 until a policy is loaded, every service
// turns 200 once connected with its streams, 503 after the server dies and 200 again after it
// comes back; SIGTERM exits 0 within the bound with the learner's final checkpoint written, and
// during a NATS outage still exits within the bound after writing it (the drain itself fails).
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { freePort, startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { tempDir } from '../e2e/harness';
import { killAll, probe, startAla, type AlaProcess } from './processes';

jest.setTimeout(120_000);

const SHUTDOWN_MS = 8_000;
const SERVICES = ['actor-runner', 'ppo-learner', 'advisor-worker', 'vote-aggregator', 'bias-router'] as const;
type Service = (typeof SERVICES)[number];

let server: NatsServerHandle | undefined;
afterAll(async () => {
  await killAll();
  await server?.stop();
});

const reason = async (port: number): Promise<string> => {
  const r = await probe(port, '/readyz');
  return r.status === 503 ? (JSON.parse(r.body) as { reason: string }).reason : String(r.status);
};

test('readyz follows connect, streams and policy; SIGTERM drains within the bound with a checkpoint', async () => {
  const natsPort = await freePort();
  const ckpt = tempDir('health-learner');
  const ports = {} as Record<Service, number>;
  for (const s of SERVICES) ports[s] = await freePort();
  const common = { ALA_NATS_URL: `nats://127.0.0.1:${natsPort}`, ALA_PREFIX: 'health', ALA_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_MS) };
  const env: Record<Service, Record<string, string>> = {
    'actor-runner': { ALA_AGENTS: '4', ALA_ACTOR_ID: 'health-0', ALA_STEP_HZ: '50' },
    'ppo-learner': { ALA_CHECKPOINT_DIR: ckpt, ALA_CHECKPOINT_EVERY_S: '3600' },
    'advisor-worker': {},
    'vote-aggregator': {},
    'bias-router': {},
  };
  const procs = {} as Record<Service, AlaProcess>;
  const start = (s: Service): void => {
    procs[s] = startAla(s, [s], { ...common, ALA_METRICS_PORT: String(ports[s]), ...env[s] });
  };
  const waitReason = (s: Service, want: string, ms: number): Promise<void> =>
    waitFor(async () => (await reason(ports[s])) === want, ms, { intervalMs: 200, what: `${s} /readyz ${want} (${procs[s].output()})` });

  // No server yet: alive (/healthz 200) but not ready.
  for (const s of SERVICES) if (s !== 'ppo-learner') start(s);
  for (const s of SERVICES)
    if (s !== 'ppo-learner') {
      await waitFor(async () => (await probe(ports[s], '/healthz')).status === 200, 30_000, { intervalMs: 200, what: `${s} /healthz` });
      expect(await reason(ports[s])).toBe('connecting to NATS');
    }

  // Server up: the advice services are ready; the actor is still starting: it waits for the
  // ppo-learner to create the policy stores, which under least privilege only the learner may do.
  server = await startNatsServer({ port: natsPort });
  for (const s of ['advisor-worker', 'vote-aggregator', 'bias-router'] as const) await waitReason(s, '200', 15_000);
  await waitReason('actor-runner', 'starting', 15_000);
  expect((await probe(ports['actor-runner'], '/metrics')).body).toContain('ala_');

  // The learner publishes version 1: it and then the actor are ready.
  start('ppo-learner');
  await waitReason('ppo-learner', '200', 30_000);
  await waitReason('actor-runner', '200', 15_000);

  // Server dies: nobody is ready (but all alive); it comes back with its store: ready again.
  await server.kill();
  for (const s of SERVICES) await waitReason(s, 'not connected to NATS', 10_000);
  for (const s of SERVICES) expect((await probe(ports[s], '/healthz')).status).toBe(200);
  await server.restart();
  for (const s of SERVICES) await waitReason(s, '200', 15_000);

  // SIGTERM: each exits 0 within the bound; the learner writes its final checkpoint.
  const sent = Date.now();
  const exits = await Promise.all(
    SERVICES.map(async (s) => {
      procs[s].proc.kill('SIGTERM');
      const code = await procs[s].exited;
      return { s, code, ms: Date.now() - sent };
    }),
  );
  for (const e of exits) {
    expect({ service: e.s, code: e.code }).toEqual({ service: e.s, code: 0 });
    expect(e.ms).toBeLessThan(SHUTDOWN_MS);
  }
  expect(statSync(path.join(ckpt, 'learner.ckpt')).mtimeMs).toBeGreaterThanOrEqual(sent - 1);
});

test('SIGTERM while NATS is down: the learner checkpoints and exits within the bound', async () => {
  const nats = await startNatsServer();
  try {
    const ckpt = tempDir('health-outage');
    const port = await freePort();
    const learner = startAla('ppo-learner', ['ppo-learner'], {
      ALA_NATS_URL: nats.url,
      ALA_PREFIX: 'outage',
      ALA_METRICS_PORT: String(port),
      ALA_CHECKPOINT_DIR: ckpt,
      ALA_CHECKPOINT_EVERY_S: '3600',
      ALA_SHUTDOWN_TIMEOUT_MS: '3000',
    });
    await waitFor(async () => (await reason(port)) === '200', 30_000, { intervalMs: 200, what: `learner ready (${learner.output()})` });
    await nats.kill();
    await waitFor(async () => (await reason(port)) === 'not connected to NATS', 10_000, { intervalMs: 200 });
    const sent = Date.now();
    learner.proc.kill('SIGTERM');
    const code = await learner.exited;
    expect(code).not.toBeNull(); // exited by itself, not killed
    expect(Date.now() - sent).toBeLessThan(3_000 + 1_000);
    expect(statSync(path.join(ckpt, 'learner.ckpt')).mtimeMs).toBeGreaterThanOrEqual(sent - 1);
  } finally {
    await nats.stop();
  }
});
