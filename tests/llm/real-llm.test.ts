// `npm run test:llm`: the openai-compatible advisor against a real LLM server, llama.cpp's
// llama-server with SmolLM2-135M-Instruct (scripts/install-llm.sh installs both), started on a
// free loopback port with 2 slots and 1 thread, killed at the end. A short `ala up` on CraftWorld
// and on CartPole: requests succeed, answers parse, advice is published and applied within its
// TTL, in-flight requests stay within the slots; then the server is killed mid-run: the actors
// keep running, unbiased once the last advice expired, and the failure is in the summary.
// Every wait is bounded; the whole file takes ~2.5-3.5 min on 2 cores.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runUp } from '../../packages/cli/src/commands/up';
import { startStack } from '../../packages/cli/src/commands/up-stack';
import { summarize, summaryTable } from '../../packages/cli/src/commands/up-summary';
import { startLlamaServer, waitFor, type LlamaServerHandle } from '@ala/testkit';
import type { BusLogger } from '@ala/bus';

jest.setTimeout(150_000);
// Generous: a 135M model on one thread answers in 2-6 s on 2 idle cores, 20 s and more on a busy machine.
const TTL_MS = 20_000;
let llm: LlamaServerHandle;
const dirs: string[] = [];
const saved = { ...process.env };
const lines: string[] = [];
const logger: BusLogger = {
  info: () => undefined,
  warn: (msg, f) => void lines.push(`${msg} ${JSON.stringify(f ?? {})}`),
  error: (msg, f) => void lines.push(`${msg} ${JSON.stringify(f ?? {})}`),
};
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'ala-llm-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  llm = await startLlamaServer({ slots: 2, threads: 1, startTimeoutMs: 60_000 });
  Object.assign(process.env, {
    ALA_LLM_ENDPOINT: llm.url,
    ALA_LLM_MODEL: llm.alias,
    ALA_LLM_SLOTS: String(llm.slots),
    ALA_LLM_MAX_TOKENS: '96',
    ALA_LLM_TIMEOUT_MS: '30000',
    ALA_LLM_BREAKER_FAILURES: '3',
    ALA_LLM_BREAKER_COOLDOWN_MS: '3000',
    ALA_LLM_CACHE_SIZE: '0',
    ALA_ADVISOR_ID: 'smollm2',
  });
});
afterAll(async () => {
  await llm?.stop();
  process.env = saved;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const upArgs = (env: string, maxSeconds: number) => ({
  env,
  agents: 2,
  stepHz: 4,
  advisor: 'openai-compatible',
  adviceTtlMs: TTL_MS,
  maxSeconds,
  evalEpisodes: 0,
  progress: 'none',
  out: tmp(),
  seed: 3,
  logger,
});

it.each(['CraftWorld-v0', 'CartPole-v1'])(
  'ala up --advisor openai-compatible on %s: answers parse, advice is published and applied within its TTL',
  async (env) => {
    const { outDir, summary } = await runUp(upArgs(env, 40), process.stdout);
    process.stdout.write(`${env}:\n${summaryTable(summary)}\n`); // the numbers, for the CI log
    const onDisk = JSON.parse(readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as typeof summary;
    const l = summary.llm!;
    expect(l).not.toBeNull();
    expect(onDisk.llm).toEqual(l);
    expect(l.requests).toBeGreaterThanOrEqual(3);
    expect(l.ok).toBeGreaterThanOrEqual(1); // parsed, legal answers
    expect(l.errorsByKind.http_4xx + l.errorsByKind.http_5xx + l.errorsByKind.network).toBe(0);
    expect(l.breakerState).toBe('closed');
    expect(l.completionTokens).toBeGreaterThan(0);
    expect(l.latencyP50Ms).toBeGreaterThan(0);
    expect(summary.advice.published).toBeGreaterThanOrEqual(1);
    expect(summary.advice.applied).toBeGreaterThanOrEqual(1);
    expect(summary.advice.meanAgeMs).toBeLessThan(TTL_MS); // applied only while alive
    expect(summary.error).toBeNull();
    expect(summaryTable(summary)).toContain('llm latency p50 / p95 (ms)');
  },
);

it('a server killed mid-run: actors keep running, unbiased once the advice expired, and the failure is in the summary', async () => {
  const stack = await startStack({
    envId: 'CartPole-v1',
    agents: 2,
    stepHz: 4,
    advisor: 'openai-compatible',
    advisorLatencyMs: 0,
    adviceTtlMs: TTL_MS,
    seed: 5,
    logger,
    checkpointDir: '',
  });
  try {
    await waitFor(() => (stack.stats().advisor.published ?? 0) >= 1, 60_000);
    expect(stack.stats().advisor.inFlight ?? 0).toBeLessThanOrEqual(llm.slots);
    await llm.kill();
    const killedAt = Date.now();
    // after the last advice's TTL, no step is advised any more: the actors act on the policy alone
    await new Promise((r) => setTimeout(r, TTL_MS + 1_000));
    expect(Date.now() - killedAt).toBeGreaterThan(TTL_MS);
    const a = stack.stats().actor;
    await new Promise((r) => setTimeout(r, 5_000));
    const b = stack.stats();
    expect(b.actor.envSteps - a.envSteps).toBeGreaterThanOrEqual(20); // ~4 steps/s x 2 agents x 5 s
    expect(b.actor.advisedSteps).toBe(a.advisedSteps);
    expect(b.actor.loopErrors).toBe(0);
    const summary = summarize(b, {
      envId: 'CartPole-v1',
      wallSeconds: (Date.now() - killedAt) / 1000,
      transport: stack.transport,
      ttlEnforced: stack.ttlEnforced,
      stoppedBy: 'max-seconds',
      learnerThread: stack.learnerThread,
      probes: { eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, stepGapP50Ms: 0, stepGapP99Ms: 0, stepGapMaxMs: 0 },
    });
    const l = summary.llm!;
    expect(l.errorsByKind.network + l.errorsByKind.timeout).toBeGreaterThanOrEqual(1);
    expect(l.breakerOpened + l.circuitOpenRefusals).toBeGreaterThanOrEqual(1);
    expect(Object.keys(l.lastErrors).length).toBeGreaterThanOrEqual(1);
    expect(summaryTable(summary)).toMatch(/llm last (network|timeout) error/);
    expect(lines.some((x) => x.startsWith('llm: request failed (network)') || x.startsWith('llm: request failed (timeout)'))).toBe(true);
  } finally {
    await stack.stop();
  }
});
