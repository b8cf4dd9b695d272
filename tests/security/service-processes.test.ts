// The deployed shape with identities on: all five services as separate `ala <service>` processes
// (what the containers run), each with only its own seed (ALA_NATS_NKEY_SEED_FILE), on a
// nats-server that includes `ala creds`' auth.conf. `ala status` as the ops identity sees them
// all; advice flows and is applied; no service reports a single permission denial (status
// counters and stderr); SIGTERM drains every one with exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { type Identity } from '@ala/bus';
import { waitFor } from '@ala/testkit';
import { collectStatus, type InstanceStatus } from '../../packages/cli/src/commands/status';
import { tempDir } from '../e2e/harness';
import { startSecureServer, type SecureServer } from './secure-server';

jest.setTimeout(120_000);

const BIN = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
let sec: SecureServer;
const procs: ChildProcess[] = [];
beforeAll(async () => {
  sec = await startSecureServer({ prefix: 'proc' });
});
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await sec?.stop();
});

function run(service: Identity, env: Record<string, string>): { exited: Promise<number | null>; stderr: () => string; proc: ChildProcess } {
  const proc = spawn(process.execPath, [BIN, service], {
    env: { ...process.env, NATS_URL: sec.server.url, ALA_PREFIX: 'proc', ALA_NATS_NKEY_SEED_FILE: sec.security(service).nkeySeedFile!, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  procs.push(proc);
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { exited, stderr: () => err, proc };
}

test('five service processes, each as its own identity: advice applied, ala status (ops) sees all, zero denials, clean SIGTERM', async () => {
  const ops = await sec.connectAs('ops'); // before five processes start compiling on two cores
  const running = [
    run('ppo-learner', { ALA_CHECKPOINT_DIR: tempDir('sec-proc'), ALA_CHECKPOINT_EVERY_S: '3600' }),
    run('actor-runner', { ALA_AGENTS: '4', ALA_ACTOR_ID: 'a', ALA_STEP_HZ: '50', ALA_SNAPSHOT_EVERY: '1', ALA_ADVICE_TTL_MS: '300' }),
    run('advisor-worker', { ALA_SCRIPTED_LATENCY_MS: '5' }),
    run('vote-aggregator', { ALA_AGG_WINDOW_MS: '5' }),
    run('bias-router', {}),
  ];
  let list: InstanceStatus[] = [];
  const find = (name: string): InstanceStatus | undefined => list.find((i) => i.service === name);
  try {
    await waitFor(
      async () => {
        list = await collectStatus(ops.conn.nc, 500);
        return list.length === 5 && (find('actor-runner')?.stats.advisedSteps ?? 0) > 50 && (find('actor-runner')?.stats.policyVersion ?? 0) >= 2;
      },
      90_000,
      { intervalMs: 500 },
    );
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; status: ${JSON.stringify(list.map((i) => [i.service, i.stats]))}; stderr: ${running.map((r) => r.stderr().slice(-1500)).join('\n---\n')}`,
      { cause: err },
    );
  } finally {
    for (const r of running) r.proc.kill('SIGTERM');
  }
  expect(ops.denials).toEqual([]);
  for (const i of list) expect([i.service, i.stats.nats_permissionErrors]).toEqual([i.service, 0]);
  expect(find('bias-router')!.stats.routed).toBeGreaterThan(0);
  expect(find('actor-runner')!.stats.biasClipped).toBe(0);
  const codes = await Promise.all(running.map((r) => r.exited));
  expect(codes).toEqual([0, 0, 0, 0, 0]);
  for (const r of running) expect(r.stderr()).not.toMatch(/permission denied|Violation|SU[A-Z2-7]{50,}/);
});
