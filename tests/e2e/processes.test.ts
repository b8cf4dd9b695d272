// The deployed shape: `ala ppo-learner` and `ala actor-runner` as separate processes (what the
// containers run) on a real nats-server, configured only by environment variables. Both answer
// `ala status` (NATS services framework), the actor follows the learner's versions, and SIGTERM
// drains both with exit code 0 and a final learner checkpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { collectStatus, type InstanceStatus } from '../../packages/cli/src/commands/status';
import { tempDir } from './harness';

jest.setTimeout(90_000);

const BIN = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
let server: NatsServerHandle;
let nc: NatsConnection;
const procs: ChildProcess[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await nc?.close();
  await server?.stop();
});

function run(service: string, env: Record<string, string>): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [BIN, service], {
    env: { ...process.env, NATS_URL: server.url, ALA_PREFIX: 'proc', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  procs.push(proc);
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) =>
    proc.once('exit', (code) => {
      if (code !== 0) process.stderr.write(`${service} exited ${code}: ${err.slice(-2000)}\n`);
      r(code);
    }),
  );
  return { proc, exited };
}

test('ala ppo-learner + ala actor-runner as processes: status, versions, SIGTERM drain', async () => {
  const ckpt = tempDir('proc-learner');
  const learner = run('ppo-learner', { ALA_CHECKPOINT_DIR: ckpt, ALA_CHECKPOINT_EVERY_S: '3600' });
  const actor = run('actor-runner', { ALA_AGENTS: '8', ALA_ACTOR_ID: 'proc-actor', ALA_SNAPSHOT_EVERY: '0' });
  let list: InstanceStatus[] = [];
  const find = (name: string): InstanceStatus | undefined => list.find((i) => i.service === name);
  await waitFor(
    async () => {
      list = await collectStatus(nc, 300);
      return (find('actor-runner')?.stats.policyVersion ?? 0) >= 3 && (find('ppo-learner')?.stats.updates ?? 0) >= 2;
    },
    60_000,
    { intervalMs: 500 },
  );
  expect(find('actor-runner')!.stats.chunksPublished).toBeGreaterThan(0);
  expect(find('actor-runner')!.stats.policyLoadErrors).toBe(0);
  actor.proc.kill('SIGTERM');
  learner.proc.kill('SIGTERM');
  expect(await actor.exited).toBe(0);
  expect(await learner.exited).toBe(0);
  expect(existsSync(path.join(ckpt, 'learner.ckpt'))).toBe(true); // written on stop
});
