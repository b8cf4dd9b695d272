// `ala up` end to end (runUp, the function behind the command): on a real nats-server with the
// scripted advisor, and on the in-process bus; both write summary.json and config.json with the
// documented fields. Bad flags are refused before anything starts.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { silentLogger } from '@ala/bus';
import { runUp } from '../../packages/cli/src/commands/up';
import type { NatsServerHandle } from '@ala/testkit';
import { startFakeOpenAi } from '../../services/advisor-worker/test/fake-openai';
import { tempDir, natsServerPerFile } from './harness';

jest.setTimeout(60_000);

let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) });
  return { stream, text: () => text };
}

const read = (dir: string, f: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;

test('ala up on NATS: the whole system trains with advice and writes summary.json/config.json', async () => {
  const out = tempDir('up-nats');
  const o = sink();
  const { summary } = await runUp({ natsUrl: server.url, agents: 8, stepHz: 100, maxSeconds: 4, out, progress: 'plain', logger: silentLogger }, o.stream);
  expect(summary.transport).toBe('nats');
  expect(summary.stoppedBy).toBe('max-seconds');
  expect(summary.envSteps).toBeGreaterThan(1000);
  expect(summary.advice.published).toBeGreaterThan(10);
  expect(summary.advice.applied).toBeGreaterThan(100);
  expect(summary.advisedStepFraction).toBeGreaterThan(0.2);
  expect(summary.advice.invalid).toBe(0);
  expect(summary.policyVersion).toBeGreaterThan(1);
  expect(summary.evalEpisodes).toBe(40); // the final policy alone, without advice
  expect(summary.evalReturnUnadvised).toBeGreaterThan(8);
  const s = read(out, 'summary.json');
  for (const k of ['envSteps', 'wallSeconds', 'episodes', 'meanReturnLast100', 'policyVersion', 'advice', 'advisedStepFraction']) expect(s).toHaveProperty(k);
  for (const k of ['published', 'applied', 'expired', 'invalid']) expect(s.advice).toHaveProperty(k);
  const c = read(out, 'config.json');
  expect(c).toHaveProperty('seed', 1);
  expect(c).toHaveProperty('versions.node', process.version);
  expect(existsSync(path.join(out, 'learner', 'learner.ckpt'))).toBe(true);
  expect(o.text()).toMatch(/steps .*\/s \| return .* \| advised \d+% .* \| policy v\d+/);
  expect(o.text()).toMatch(/advice applied \(steps\)\s+\d+/);
  expect(o.text()).toMatch(/final policy alone \(no advice\)\s+[\d.]+ \(40 episodes\)/);
});

test('ala up without a server runs on the in-process bus', async () => {
  const out = tempDir('up-mem');
  const { summary } = await runUp({ transport: 'in-process', agents: 4, stepHz: 100, maxSeconds: 3, out, progress: 'none', logger: silentLogger });
  expect(summary.transport).toBe('in-process');
  expect(summary.ttlEnforcedByServer).toBe(false);
  expect(summary.envSteps).toBeGreaterThan(500);
  expect(summary.advice.applied).toBeGreaterThan(0);
  expect(summary.policyVersion).toBeGreaterThan(1);
  expect(read(out, 'summary.json')).toHaveProperty('envSteps', summary.envSteps);
});

test('ala up --advisor openai-compatible: an LLM that answers steers the agents, one that hangs changes nothing', async () => {
  const fake = await startFakeOpenAi();
  const saved = { ...process.env };
  Object.assign(process.env, { ALA_LLM_ENDPOINT: fake.url, ALA_LLM_TIMEOUT_MS: '2000', ALA_LLM_BREAKER_FAILURES: '1000', ALA_LLM_CACHE_SIZE: '0' });
  try {
    fake.mode = { kind: 'answer', content: '{"action": 1, "confidence": 0.9}', delayMs: 5 };
    const answering = await runUp({
      natsUrl: server.url,
      advisor: 'openai-compatible',
      agents: 4,
      stepHz: 100,
      adviceTtlMs: 300,
      maxSeconds: 3,
      out: tempDir('up-llm'),
      progress: 'none',
      logger: silentLogger,
    });
    expect(fake.requests.length).toBeGreaterThan(10);
    expect(answering.summary.advice.published).toBeGreaterThan(5);
    expect(answering.summary.advice.applied).toBeGreaterThan(50);
    fake.mode = { kind: 'hang' };
    await new Promise((r) => setTimeout(r, 400)); // let the biases stored by the first run (TTL 300 ms) expire: a restarting actor would rightly apply them
    const hanging = await runUp({
      natsUrl: server.url,
      advisor: 'openai-compatible',
      agents: 4,
      stepHz: 100,
      adviceTtlMs: 300,
      maxSeconds: 3,
      out: tempDir('up-llm-hang'),
      progress: 'none',
      logger: silentLogger,
    });
    expect(hanging.summary.advice.applied).toBe(0);
    expect(hanging.summary.advice.published).toBe(0);
    expect(hanging.summary.advice.expired).toBeGreaterThan(0); // timed out at the snapshot deadline
    expect(hanging.summary.envSteps).toBeGreaterThan(0.5 * answering.summary.envSteps); // acting never waited
  } finally {
    process.env = saved;
    await fake.close();
  }
});

test('ala up with no server to be found falls back to the in-process bus with a warning', async () => {
  const saved = { ...process.env };
  const warnings: string[] = [];
  process.env.NATS_SERVER_BIN = '/nonexistent/nats-server';
  delete process.env.NATS_URL;
  try {
    const logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    const { summary } = await runUp({ agents: 2, stepHz: 50, maxSeconds: 2, out: tempDir('up-auto'), progress: 'none', logger });
    expect(summary.transport).toBe('in-process');
    expect(summary.envSteps).toBeGreaterThan(0);
    expect(warnings.join('\n')).toMatch(/no usable nats-server .*in-process bus/);
  } finally {
    process.env = saved;
  }
});

test('bad flags are refused before anything starts', async () => {
  const out = path.join(tempDir('up-bad'), 'run');
  await expect(runUp({ advisor: 'oracle', out })).rejects.toThrow(/--advisor must be scripted, openai-compatible or none/);
  await expect(runUp({ env: 'Pong-v9', out })).rejects.toThrow(/--env Pong-v9 is not registered/);
  expect(existsSync(out)).toBe(false);
});
