// What a real LLM server taught the openai-compatible backend, checked against the local fake
// OpenAI server: requests in flight never exceed the server's slots (ALA_LLM_SLOTS); a server
// that refuses the JSON-schema response_format gets `json_object` (answers still validated);
// `finish_reason: "length"` is a truncated answer, never parsed; every failure kind is logged
// once with the server's message and counted; the rationale fits the token budget; the prompt
// carries the CartPole observation with units and the agent's recent history, and its version
// travels in the Advice.
import { InProcessBus, systemClock, type BusLogger } from '@ala/bus';
import { Advice, StateSnapshot, subjects } from '@ala/protocol';
import { waitFor } from '@ala/testkit';
import { buildMessages, loadConfig, PROMPT_VERSION, rationaleBudget, responseFormat, start } from '../src';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai';

const s = subjects('ala');
let fake: FakeOpenAi;
let seq = 0;
const craft = (text: string, agentId = 'a1', episodeStep = 0): StateSnapshot => ({
  v: 1,
  agentId,
  actorId: 'act',
  envId: 'CraftWorld-v0',
  seq: seq++,
  policyVersion: 0,
  episodeStep,
  text,
  actionNames: ['noop', 'move_north', 'interact'],
  legal: [true, true, false],
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
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const rec =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void =>
      void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  const log: BusLogger = { info: rec('info'), warn: rec('warn'), error: rec('error') };
  const config = loadConfig({
    ALA_ADVISOR_BACKEND: 'openai-compatible',
    ALA_ADVISOR_ID: 'llm',
    ALA_LLM_ENDPOINT: fake.url,
    ALA_LLM_TIMEOUT_MS: '2000',
    ALA_LLM_CACHE_SIZE: '0',
    ...env,
  });
  const svc = start({ bus, clock: systemClock, config, log });
  const out: Advice[] = [];
  bus.subscribe(Advice, s.adviceAll, (a) => void out.push(a));
  const send = (snap: StateSnapshot, ttlMs = 5_000): void => bus.publish(StateSnapshot, s.state(snap.agentId), snap, { ttlMs });
  return { svc, out, send, lines, stop: async () => (await svc.stop(), await bus.close()) };
}

beforeEach(() => {
  fake.requests.length = 0;
  fake.maxInFlight = 0;
});

it('never has more requests in flight than the server has slots, whatever maxInFlight says', async () => {
  fake.mode = { kind: 'answer', content: '{"action": 1, "confidence": 0.6}', delayMs: 150 };
  const t = setup({ ALA_LLM_SLOTS: '2', ALA_ADVISOR_MAX_IN_FLIGHT: '100' });
  expect(t.svc.maxInFlight).toBe(2);
  for (let i = 0; i < 10; i++) t.send(craft(`state ${i}`, `agent-${i}`));
  await waitFor(() => (t.svc.stats().llmOk ?? 0) >= 2, 5_000);
  await waitFor(() => t.svc.stats().inFlight === 0, 5_000);
  expect(fake.maxInFlight).toBe(2);
  expect(fake.requests.length).toBeLessThanOrEqual(10);
  expect(t.svc.stats().llmRequests).toBe(fake.requests.length);
  await t.stop();
});

it('falls back to json_object when the server refuses the JSON schema, and still validates answers', async () => {
  fake.mode = { kind: 'answer', content: '{"action": 1, "confidence": 0.7, "rationale": "north"}', refuseJsonSchema: true };
  const t = setup();
  t.send(craft('first'));
  await waitFor(() => t.out.length === 1, 5_000);
  expect(fake.requests.map((r) => (r.response_format as { type: string }).type)).toEqual(['json_schema', 'json_object']);
  expect(t.out[0]).toMatchObject({ recommended: 1, promptVersion: PROMPT_VERSION });
  expect(t.svc.stats()).toMatchObject({ llmFormatFallbacks: 1, llmJsonObjectFormat: 1, llmOk: 1, llmErrors: 0 });
  expect(t.lines.some((l) => l.msg.includes('refused the JSON-schema') && JSON.stringify(l.fields).includes('json_object'))).toBe(true);
  // from now on json_object directly; an illegal action is refused all the same
  fake.mode = { kind: 'answer', content: '{"action": 2, "confidence": 0.7}', refuseJsonSchema: true };
  t.send(craft('second'));
  await waitFor(() => t.svc.stats().dropped_invalid_answer === 1, 5_000);
  expect(fake.requests.map((r) => (r.response_format as { type: string }).type)).toEqual(['json_schema', 'json_object', 'json_object']);
  expect(t.out).toHaveLength(1);
  await t.stop();
});

it('an answer cut at max_tokens is counted as truncated, never parsed, and leaves the breaker closed', async () => {
  fake.mode = { kind: 'answer', content: '{"action": 1, "confidence": 0.9}', finishReason: 'length' };
  const t = setup({ ALA_LLM_BREAKER_FAILURES: '1', ALA_LLM_MAX_TOKENS: '128' });
  t.send(craft('long-winded'));
  await waitFor(() => t.svc.stats().dropped_truncated === 1, 5_000);
  expect(t.out).toEqual([]);
  expect(t.svc.stats()).toMatchObject({ llmTruncated: 1, llmErrors: 1, llmBreakerState: 0, llmInvalid: 0 });
  expect(t.svc.failures().truncated).toContain('max_tokens=128');
  expect(t.lines.filter((l) => l.msg === 'llm: request failed (truncated)')).toHaveLength(1);
  await t.stop();
});

it('logs each failure kind once with the server message (rate-limited) and counts every one', async () => {
  fake.mode = { kind: 'status', status: 500, message: 'llama: model failed to load (out of memory)' };
  const t = setup({ ALA_LLM_BREAKER_FAILURES: '100', ALA_ADVISOR_MAX_IN_FLIGHT: '1', ALA_LLM_SLOTS: '1' });
  for (let i = 0; i < 4; i++) {
    t.send(craft(`s${i}`));
    await waitFor(() => t.svc.stats().dropped_unavailable === i + 1, 5_000);
  }
  const warned = t.lines.filter((l) => l.msg === 'llm: request failed (http_5xx)');
  expect(warned).toHaveLength(1);
  expect(warned[0]!.fields).toMatchObject({ status: 500, message: 'llama: model failed to load (out of memory)' });
  expect(t.svc.stats()).toMatchObject({ llmHttp5xx: 4, llmHttpErrors: 4, llmErrors: 4, llmRequests: 4 });
  expect(t.svc.failures().http_5xx).toBe('llama: model failed to load (out of memory)');
  await t.stop();
});

it('caps the rationale so the answer fits the token budget, in the schema and in the prompt', () => {
  expect(rationaleBudget(512, 120)).toBe(120);
  expect(rationaleBudget(64, 120)).toBe(96);
  expect(rationaleBudget(20, 120)).toBe(0);
  const snap = craft('x');
  const f = responseFormat(snap, 'json_schema', 96) as unknown as {
    json_schema: { schema: { properties: Record<string, { maxLength?: number; enum?: number[] }> } };
  };
  expect(f.json_schema.schema.properties.rationale!.maxLength).toBe(96);
  expect(f.json_schema.schema.properties.action!.enum).toEqual([0, 1]); // legal actions only
  expect(buildMessages(snap, { rationaleMaxChars: 96 })[0]!.content).toContain('at most 96 characters');
  expect(buildMessages(snap, { rationaleMaxChars: 0 })[0]!.content).not.toContain('rationale');
});

it('the prompt has the CartPole observation with units, and the agent history of this episode', async () => {
  const cart: StateSnapshot = {
    v: 1,
    agentId: 'c1',
    actorId: 'act',
    envId: 'CartPole-v1',
    seq: 1,
    policyVersion: 0,
    episodeStep: 5,
    text: 'CartPole step 5/500.',
    actionNames: ['push_left', 'push_right'],
    legal: [true, true],
    obs: [0.1, -0.2, 0.05, 0.3],
    createdAt: 0,
  };
  const user = buildMessages(cart, { rationaleMaxChars: 60 })[1]!.content;
  expect(user).toContain('pole angle = 0.0500 rad = 2.86 deg');
  expect(user).toContain('cart velocity = -0.200 m/s');
  expect(user).toContain('pole angular velocity = 0.300 rad/s');
  fake.mode = { kind: 'answer', content: '{"action": 1, "confidence": 0.6}' };
  const t = setup();
  t.send(craft('CraftWorld\nYou stand at column 3, row 4\nInventory: empty.', 'h1', 1));
  await waitFor(() => t.out.length === 1, 5_000);
  t.send(craft('CraftWorld\nYou stand at column 3, row 3\nInventory: empty.', 'h1', 2));
  await waitFor(() => t.out.length === 2, 5_000);
  const second = JSON.stringify(fake.requests[1]!.messages);
  expect(second).toContain('Recent history of this agent');
  expect(second).toContain('step 1: You stand at column 3, row 4 Inventory: empty. -> advised move_north');
  t.send(craft('CraftWorld\nnew episode', 'h1', 0)); // a new episode forgets the old one
  await waitFor(() => t.out.length === 3, 5_000);
  expect(JSON.stringify(fake.requests[2]!.messages)).not.toContain('Recent history');
  await t.stop();
});

it('says once, with the last server message, when the circuit breaker opens', async () => {
  fake.mode = { kind: 'status', status: 503, message: 'all slots busy' };
  const t = setup({ ALA_LLM_BREAKER_FAILURES: '2', ALA_LLM_BREAKER_COOLDOWN_MS: '60000', ALA_LLM_SLOTS: '1' });
  for (let i = 0; i < 4; i++) {
    t.send(craft(`b${i}`));
    await waitFor(() => (t.svc.stats().dropped_unavailable ?? 0) + (t.svc.stats().dropped_circuit_open ?? 0) === i + 1, 5_000);
  }
  const opened = t.lines.filter((l) => l.msg.startsWith('llm: circuit breaker opened'));
  expect(opened).toHaveLength(1);
  expect(opened[0]!.fields).toMatchObject({ opened: 1, lastError: 'all slots busy' });
  expect(t.svc.stats()).toMatchObject({ llmBreakerOpened: 1, llmCircuitOpen: 2, llmRequests: 2 });
  await t.stop();
});
