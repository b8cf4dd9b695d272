// The openai-compatible backend inside the advisor service, against a local fake
// OpenAI-compatible server: a good answer becomes advice (reasoning ignored), slow answers time
// out with no advice, HTTP 503 is not retried and opens the circuit breaker (requests counted at
// the server), malformed content is counted with no advice, the cache and the token budget work.
import { InProcessBus, systemClock } from '@ala/bus';
import { Advice, StateSnapshot, subjects } from '@ala/protocol';
import { PromMetrics } from '@ala/telemetry';
import { waitFor } from '@ala/testkit';
import { CircuitBreaker, loadConfig, parseAnswer, start } from '../src';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai';

const s = subjects('ala');
let fake: FakeOpenAi;
let seq = 0;
const snap = (text: string): StateSnapshot => ({
  v: 1,
  agentId: 'a1',
  actorId: 'act',
  envId: 'CraftWorld-v0',
  seq: seq++,
  policyVersion: 0,
  episodeStep: 0,
  text,
  actionNames: ['noop', 'move_left', 'move_right'],
  legal: [true, true, true],
  createdAt: 0,
});

beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});

function setup(env: Record<string, string> = {}) {
  const bus = new InProcessBus();
  const metrics = new PromMetrics();
  const config = loadConfig({ ALA_ADVISOR_BACKEND: 'openai-compatible', ALA_ADVISOR_ID: 'llm', ALA_LLM_ENDPOINT: fake.url, ALA_LLM_TIMEOUT_MS: '300', ...env });
  const svc = start({ bus, clock: systemClock, metrics, config });
  const out: Advice[] = [];
  bus.subscribe(Advice, s.adviceAll, (a) => void out.push(a));
  const send = (text: string, ttlMs = 5_000): void => bus.publish(StateSnapshot, s.state('a1'), snap(text), { ttlMs });
  return { bus, svc, out, send, metrics, stop: async () => (await svc.stop(), await bus.close()) };
}

describe('openai-compatible backend', () => {
  it('a good answer is published as advice; reasoning is ignored; the request is well formed', async () => {
    fake.mode = { kind: 'answer', content: '{"action": 2, "confidence": 0.75, "rationale": "go right"}' };
    fake.requests.length = 0;
    const t = setup();
    t.send('you see a tree to the right');
    await waitFor(() => t.out.length === 1, 3_000);
    expect(t.out[0]).toMatchObject({ advisorId: 'llm', recommended: 2, confidence: 0.75, model: 'gpt-oss-20b', bias: [-0.5, -0.5, 1] });
    const req = fake.requests[0]!;
    expect(req.model).toBe('gpt-oss-20b');
    expect((req.response_format as { type: string }).type).toBe('json_schema');
    expect(JSON.stringify(req.messages)).toContain('you see a tree to the right');
    expect(JSON.stringify(req.messages)).toContain('2: move_right');
    expect(t.svc.stats()).toMatchObject({ llmRequests: 1, llmOk: 1, llmPromptTokens: 120, llmCompletionTokens: 30 });
    expect(await t.metrics.exposition()).toContain('ala_llm_tokens_total{advisor="llm",kind="prompt"} 120');
    await t.stop();
  });

  it('slow answers time out: no advice, timeout counted', async () => {
    fake.mode = { kind: 'answer', content: '{"action":1,"confidence":1}', delayMs: 1_000 };
    const t = setup({ ALA_LLM_TIMEOUT_MS: '100' });
    t.send('slow state');
    await waitFor(() => t.svc.stats().dropped_timeout === 1, 3_000);
    expect(t.out).toEqual([]);
    expect(t.svc.stats()).toMatchObject({ llmTimeouts: 1, published: 0 });
    await t.stop();
  });

  it('a snapshot whose TTL ends before the server answers is dropped as expired', async () => {
    fake.mode = { kind: 'hang' };
    const t = setup({ ALA_LLM_TIMEOUT_MS: '5000' });
    t.send('hanging state', 80);
    await waitFor(() => t.svc.stats().dropped_expired === 1, 3_000);
    expect(t.out).toEqual([]);
    await t.stop();
  });

  it('HTTP 503 is not retried, and the breaker stops calling after k failures', async () => {
    fake.mode = { kind: 'status', status: 503 };
    fake.requests.length = 0;
    const t = setup({ ALA_LLM_BREAKER_FAILURES: '3', ALA_LLM_BREAKER_COOLDOWN_MS: '60000', ALA_ADVISOR_MAX_IN_FLIGHT: '1' });
    for (let i = 0; i < 3; i++) {
      t.send(`state ${i}`);
      await waitFor(() => t.svc.stats().dropped_unavailable === i + 1, 3_000);
    }
    expect(fake.requests.length).toBe(3); // one request per snapshot: no retry storm
    for (let i = 3; i < 8; i++) {
      t.send(`state ${i}`);
      await waitFor(() => t.svc.stats().dropped_circuit_open === i - 2, 3_000);
    }
    expect(fake.requests.length).toBe(3); // open circuit: the server is left alone
    expect(t.out).toEqual([]);
    expect(t.svc.stats()).toMatchObject({ llmHttpErrors: 3, llmCircuitOpen: 5, llmBreakerState: 1, llmBreakerOpened: 1 });
    await t.stop();
  });

  it('malformed content is counted and gives no advice', async () => {
    const t = setup();
    const bad = [
      'not json at all',
      '{"action": 7, "confidence": 0.5}',
      '{"action": 1}',
      '{"action": 1, "confidence": 3}',
      '',
      '{"scores": [1, "x", 2], "confidence": 1}',
    ];
    for (const content of bad) {
      fake.mode = { kind: 'answer', content };
      t.send(`malformed ${content}`);
      await waitFor(() => (t.svc.stats().llmInvalid ?? 0) === bad.indexOf(content) + 1, 3_000);
    }
    expect(t.svc.stats()).toMatchObject({ dropped_invalid_answer: bad.length, llmBreakerState: 0 });
    expect(t.out).toEqual([]);
    await t.stop();
  });

  it('answers repeated state texts from the cache and stops at the token budget', async () => {
    fake.mode = { kind: 'answer', content: '```json\n{"scores": [0, 1, 3], "confidence": 0.5}\n```' };
    fake.requests.length = 0;
    const t = setup({ ALA_LLM_TOKEN_BUDGET: '300' });
    t.send('same');
    await waitFor(() => t.out.length === 1, 3_000);
    t.send('same');
    await waitFor(() => t.out.length === 2, 3_000);
    expect(fake.requests.length).toBe(1);
    t.send('other'); // 150 + 150 tokens: budget reached after this one
    await waitFor(() => t.out.length === 3, 3_000);
    t.send('third');
    await waitFor(() => t.svc.stats().dropped_budget === 1, 3_000);
    expect(fake.requests.length).toBe(2);
    expect(t.svc.stats()).toMatchObject({ llmCacheHits: 1, llmBudgetRefused: 1 });
    await t.stop();
  });
});

describe('CircuitBreaker', () => {
  it('opens after k failures, half-opens after the cool-down with one trial, closes on success', () => {
    const b = new CircuitBreaker({ failures: 2, cooldownMs: 100 });
    b.failure(0);
    expect(b.tryAcquire(1)).toBe(true);
    b.failure(1);
    expect(b.state(2)).toBe('open');
    expect(b.tryAcquire(50)).toBe(false);
    expect(b.tryAcquire(101)).toBe(true); // the trial
    expect(b.tryAcquire(102)).toBe(false); // only one
    b.failure(103);
    expect(b.state(150)).toBe('open');
    expect(b.tryAcquire(203)).toBe(true);
    b.success();
    expect(b.state(204)).toBe('closed');
    expect(b.opened).toBe(2);
  });
});

describe('parseAnswer', () => {
  it('accepts an action name and refuses an illegal action', () => {
    const st = { ...snap('x'), legal: [true, false, true] };
    expect(parseAnswer('{"action":"move_right","confidence":0.1}', st, 'm')).toMatchObject({ action: 2 });
    expect(() => parseAnswer('{"action":1,"confidence":0.1}', st, 'm')).toThrow('illegal');
  });
});
