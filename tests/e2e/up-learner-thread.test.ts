// `ala up` with the ppo-learner in a worker thread (its own NATS connection) on a real
// nats-server: versions increase while the actor steps, chunks are consumed, stop ends the worker
// after a final checkpoint (no orphan thread), a crash of the worker is reported while acting
// goes on, a learner that cannot start fails the stack clearly, `--learner-thread main` keeps the
// old one-thread shape, the in-process bus keeps the learner on the main thread, and the `ala up`
// process stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '@ala/bus';
import { waitFor, type NatsServerHandle } from '@ala/testkit';
import { runUp } from '../../packages/cli/src/commands/up';
import { startStack, type StackOptions } from '../../packages/cli/src/commands/up-stack';
import { liveLearnerThreads, LearnerThreadError, type LearnerThread } from '../../packages/cli/src/learner-thread';
import { tempDir, natsServerPerFile } from './harness';

jest.setTimeout(60_000);

const BIN = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

let n = 0;
const base = (over: Partial<StackOptions> = {}): StackOptions => ({
  envId: 'CartPole-v1',
  agents: 8,
  stepHz: 100,
  advisor: 'none',
  advisorLatencyMs: 0,
  adviceTtlMs: 100,
  seed: 3,
  natsUrl: server.url,
  prefix: `lt${process.pid}x${n++}`,
  logger: silentLogger,
  ...over,
});
const read = (dir: string, f: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;

test('the learner runs in a worker: versions increase, chunks are consumed, stop writes a checkpoint and ends the thread', async () => {
  const ckpt = tempDir('lt-ckpt');
  const updates: Record<string, number>[] = [];
  const stack = await startStack(base({ checkpointDir: ckpt, onUpdate: (m) => void updates.push(m) }));
  expect(stack.learnerThread).toBe('worker');
  expect(liveLearnerThreads()).toBe(1);
  const thread = stack.learner as LearnerThread;
  try {
    await waitFor(() => stack.stats().actor.policyVersion >= 3 && stack.stats().learner.policyVersion >= 3, 40_000, { intervalMs: 100 });
    const st = stack.stats();
    expect(st.learner.chunksIn).toBeGreaterThan(0);
    expect(st.learner.samplesTrained).toBeGreaterThan(0);
    expect(st.learner.updates).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeGreaterThanOrEqual(2); // per-update metrics came back by message
    expect(updates[0]).toHaveProperty('approxKl');
    expect(stack.learnerFailure()).toBeUndefined();
    expect(stack.stepGapUs.count).toBeGreaterThan(10);
  } finally {
    await stack.stop();
  }
  expect(await thread.exited).toBe(0);
  expect(liveLearnerThreads()).toBe(0);
  expect(stack.learnerFailure()).toBeUndefined();
  expect(stack.stats().learner.checkpoints).toBeGreaterThanOrEqual(1); // the final one, reported by 'stopped'
  expect(existsSync(path.join(ckpt, 'learner.ckpt'))).toBe(true);
});

test('a crash of the learner worker is reported once and acting goes on', async () => {
  const crashes: LearnerThreadError[] = [];
  const stack = await startStack(base({ onLearnerCrash: (e) => void crashes.push(e) }));
  try {
    await waitFor(() => stack.stats().actor.policyVersion >= 1, 30_000, { intervalMs: 50 });
    await (stack.learner as LearnerThread).terminate();
    await waitFor(() => crashes.length === 1, 5_000, { intervalMs: 20 });
    expect(crashes[0]).toBeInstanceOf(LearnerThreadError);
    expect(crashes[0]!.phase).toBe('run');
    expect(stack.learnerFailure()?.message).toMatch(/ppo-learner worker crashed: /);
    const steps = stack.stats().actor.envSteps;
    await waitFor(() => stack.stats().actor.envSteps > steps + 100, 5_000, { intervalMs: 20 });
  } finally {
    await stack.stop();
  }
  expect(liveLearnerThreads()).toBe(0);
  expect(crashes).toHaveLength(1);
});

test('a learner that cannot start (unreadable checkpoint) fails the stack with a clear error and no thread left', async () => {
  const ckpt = tempDir('lt-bad');
  mkdirSync(ckpt, { recursive: true });
  writeFileSync(path.join(ckpt, 'learner.ckpt'), 'not a checkpoint');
  const err = await startStack(base({ checkpointDir: ckpt })).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LearnerThreadError);
  expect((err as LearnerThreadError).phase).toBe('start');
  expect((err as Error).message).toMatch(/ppo-learner worker failed to start: .*checkpoint/);
  expect(liveLearnerThreads()).toBe(0);
});

test('--learner-thread main keeps the learner on the main thread; --total-timesteps reaches the learner and config.json', async () => {
  const out = tempDir('lt-main');
  const { summary } = await runUp({
    natsUrl: server.url,
    learnerThread: 'main',
    totalTimesteps: 50_000,
    agents: 8,
    stepHz: 100,
    advisor: 'none',
    maxSeconds: 4,
    evalEpisodes: 0,
    out,
    progress: 'none',
    logger: silentLogger,
  });
  expect(summary.learnerThread).toBe('main');
  expect(summary.policyVersion).toBeGreaterThan(1);
  const c = read(out, 'config.json');
  expect(c).toHaveProperty('learnerThread', 'main');
  expect(c).toHaveProperty('totalTimesteps', 50_000);
  expect(c).toHaveProperty('ppo.totalTimesteps', 50_000);
  const s = read(out, 'summary.json');
  for (const k of ['eventLoopDelayP99Ms', 'stepGapP99Ms', 'learnerThread']) expect(s).toHaveProperty(k);
});

test('paced runs anneal over stepHz x agents x maxSeconds by default; the in-process bus keeps the learner on the main thread', async () => {
  const warnings: string[] = [];
  const out = tempDir('lt-mem');
  const logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
  const { summary } = await runUp({
    transport: 'in-process',
    learnerThread: 'worker',
    agents: 4,
    stepHz: 100,
    maxSeconds: 2,
    evalEpisodes: 0,
    out,
    progress: 'none',
    logger,
  });
  expect(summary.learnerThread).toBe('main');
  expect(warnings.join('\n')).toMatch(/learner worker needs NATS/);
  expect(read(out, 'config.json')).toHaveProperty('ppo.totalTimesteps', 100 * 4 * 2);
  await expect(runUp({ learnerThread: 'elsewhere', out })).rejects.toThrow(/--learner-thread must be auto, worker or main/);
});

test('the ala up process on NATS stops cleanly on SIGTERM: summary, final checkpoint, worker ended, exit 130', async () => {
  const out = tempDir('lt-proc');
  const args = [
    BIN,
    'up',
    '--nats-url',
    server.url,
    '--agents',
    '4',
    '--step-hz',
    '100',
    '--advisor',
    'none',
    '--max-seconds',
    '120',
    '--eval-episodes',
    '0',
    '--progress',
    'plain',
    '--out',
    out,
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  try {
    await waitFor(() => /policy v([3-9]|\d\d)/.test(text), 40_000, { intervalMs: 200 });
    proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r('hung'), 20_000)))]);
    clearTimeout(timer);
    expect(code).toBe(130); // a hanging worker would keep the process alive: 'hung'
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  const s = read(out, 'summary.json');
  expect(s).toHaveProperty('stoppedBy', 'signal');
  expect(s).toHaveProperty('learnerThread', 'worker');
  expect(s.policyVersion as number).toBeGreaterThanOrEqual(3);
  expect(existsSync(path.join(out, 'learner', 'learner.ckpt'))).toBe(true);
  expect(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2);
});
