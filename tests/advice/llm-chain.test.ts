// The LLM advice path over a real nats-server: a CraftWorld-style snapshot goes to an
// openai-compatible advisor backed by a local fake OpenAI server; its answer comes out as a
// bounded bias on ala.bias.<agent>. When the server fails, nothing reaches the actors.
import { Bias, StateSnapshot } from '@ala/protocol';
import { waitFor } from '@ala/testkit';
import { startFakeOpenAi, type FakeOpenAi } from '../../services/advisor-worker/test/fake-openai';
import { s, sleep, startChain, type Chain } from './chain-fixture';

let fake: FakeOpenAi;
let chain: Chain;
const got: Bias[] = [];
const snap = (seq: number): StateSnapshot => ({
  v: 1,
  agentId: 'bot-7',
  actorId: 'mc-1',
  envId: 'CraftWorld-v0',
  seq,
  policyVersion: 3,
  episodeStep: seq,
  text: `step ${seq}: a tree is north of you; inventory empty`,
  actionNames: ['noop', 'north', 'south', 'interact'],
  legal: [true, true, true, false],
  createdAt: Date.now(),
});

beforeAll(async () => {
  fake = await startFakeOpenAi();
  chain = await startChain({
    advisorEnv: {
      ALA_ADVISOR_BACKEND: 'openai-compatible',
      ALA_ADVISOR_ID: 'gpt-oss',
      ALA_LLM_ENDPOINT: fake.url,
      ALA_LLM_TIMEOUT_MS: '500',
      ALA_LLM_BREAKER_FAILURES: '100',
    },
    routerEnv: { ALA_ROUTER_BOUND: '0.8' },
  });
  chain.actor.subscribe(Bias, s.biasAll, (b) => void got.push(b));
  await chain.actor.flush();
});
afterAll(async () => {
  await chain.stop();
  await fake.close();
});

it('an LLM answer becomes a bounded bias for the agent', async () => {
  fake.mode = { kind: 'answer', content: '{"action": 1, "confidence": 0.9, "rationale": "walk to the tree"}', delayMs: 40 };
  chain.actor.publish(StateSnapshot, s.state('bot-7'), snap(1), { ttlMs: 3_000 });
  await waitFor(() => got.length === 1, 5_000);
  // one-hot on 'north' over the 3 legal actions, centred: [-0.5, 1, -0.5, 0], bounded by 0.8
  expect(got[0]).toMatchObject({ agentId: 'bot-7', stateSeq: 1, recommended: 1, bound: 0.8, bias: [-0.5, 0.8, -0.5, 0] });
  expect(got[0]!.ttlMs).toBeLessThanOrEqual(3_000 - 40);
});

it('server errors and malformed answers never reach the actors', async () => {
  const before = { unavailable: chain.advisor.stats().dropped_unavailable ?? 0, invalid: chain.advisor.stats().dropped_invalid_answer ?? 0 };
  fake.mode = { kind: 'status', status: 503 };
  chain.actor.publish(StateSnapshot, s.state('bot-7'), snap(2), { ttlMs: 3_000 });
  await waitFor(() => (chain.advisor.stats().dropped_unavailable ?? 0) === before.unavailable + 1, 3_000);
  fake.mode = { kind: 'answer', content: 'I think north is best' };
  chain.actor.publish(StateSnapshot, s.state('bot-7'), snap(3), { ttlMs: 3_000 });
  await waitFor(() => (chain.advisor.stats().dropped_invalid_answer ?? 0) === before.invalid + 1, 3_000);
  await sleep(50);
  expect(got.length).toBe(1);
});
