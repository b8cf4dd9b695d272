// Pure parts of `ala experiment`: the 95 % intervals against hand-computed values, and the advice
// flow's timing (an answer arrives after its latency, one past its lifetime is dropped, a window
// waits for every advisor, select and blend, the ±B clip).
import { AdviceFlow } from '../src/experiment/advice-flow';
import { SimAdvisor, snapshotEnv } from '../src/experiment/sim-advisor';
import { diffCi, meanCi, verdict } from '../src/experiment/stats';
import { canonical } from '../src/experiment/runner';
import { CartPoleEnv } from '@ala/envs';

test('meanCi: mean and t-interval (df 4: t = 2.776)', () => {
  const c = meanCi([1, 2, 3, 4, 5]); // sd = sqrt(2.5)
  expect(c.mean).toBe(3);
  expect(c.half).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 9);
  expect(meanCi([7]).half).toBeNaN();
  expect(meanCi([null, Number.NaN]).n).toBe(0);
});

test('diffCi: Welch interval; verdict only when it excludes 0', () => {
  const d = diffCi([10, 11, 12, 13, 14], [1, 2, 3, 4, 5]);
  expect(d.mean).toBe(9);
  // equal variances and sizes: df = 8, t = 2.306, se = sqrt(2.5/5 * 2) = 1
  expect(d.half).toBeCloseTo(2.306, 3);
  expect(verdict(d)).toBe('higher');
  expect(verdict(diffCi([1, 2, 3], [1.5, 2.5, 3.5]))).toBe('no clear difference');
});

test('canonical: key order and null-valued optional settings do not matter', () => {
  expect(canonical({ a: 1, b: { d: 2, c: null } })).toBe(canonical({ b: { d: 2 }, a: 1 }));
  expect(canonical({ a: 1 })).not.toBe(canonical({ a: 2 }));
});

function cartState(): { env: ReturnType<typeof snapshotEnv>; legal: boolean[] } {
  const r = new CartPoleEnv().reset({ seed: 1 });
  return { env: snapshotEnv('CartPole-v1', undefined, r.obs), legal: [true, true] };
}

test('AdviceFlow: an answer arrives after its latency and lives TTL from its snapshot', () => {
  const adv = new SimAdvisor({ id: 'a', latencyMs: [100, 100], accuracy: 1 }, 'CartPole-v1', 1, 0);
  const flow = new AdviceFlow([adv], 1, { ttlMs: 250, windowMs: 0, vote: 'select', bound: 1, inFlightPerAgent: 1, snapshotGapMs: 0 });
  const { env, legal } = cartState();
  expect(flow.due(0, 0)).toBe(true);
  flow.snapshot(0, 0, env, legal);
  expect(flow.due(0, 50)).toBe(false); // one in flight per agent
  expect(flow.poll(99)).toEqual([]);
  const [d] = flow.poll(100);
  expect(d).toMatchObject({ agent: 0, deadline: 250 });
  expect(Math.max(...d!.bias.map(Math.abs))).toBeLessThanOrEqual(1);
  expect(flow.due(0, 100)).toBe(true);
});

test('AdviceFlow: an answer slower than the TTL is dropped', () => {
  const adv = new SimAdvisor({ id: 'a', latencyMs: [300, 300], accuracy: 1 }, 'CartPole-v1', 1, 0);
  const flow = new AdviceFlow([adv], 1, { ttlMs: 250, windowMs: 0, vote: 'select', bound: 1, inFlightPerAgent: 1, snapshotGapMs: 0 });
  const { env, legal } = cartState();
  flow.snapshot(0, 0, env, legal);
  expect(flow.poll(300)).toEqual([]);
  expect(flow.counts).toMatchObject({ answers: 1, expiredOnArrival: 1, votes: 0 });
  expect(flow.due(0, 300)).toBe(true);
});

test('AdviceFlow: the window waits for every advisor (or windowMs); blend averages, select takes the heaviest', () => {
  const fast = new SimAdvisor({ id: 'f', latencyMs: [10, 10], accuracy: 1, priority: 1 }, 'CartPole-v1', 1, 0);
  const adversary = new SimAdvisor({ id: 's', latencyMs: [40, 40], accuracy: 0, adversarial: 1, priority: 3 }, 'CartPole-v1', 1, 1);
  const { env, legal } = cartState();
  for (const vote of ['select', 'blend'] as const) {
    const flow = new AdviceFlow([fast, adversary], 1, { ttlMs: 1000, windowMs: 100, vote, bound: 1, inFlightPerAgent: 1, snapshotGapMs: 0 });
    flow.snapshot(0, 0, env, legal);
    expect(flow.poll(20)).toEqual([]); // one of two answered, window open
    const [d] = flow.poll(40);
    // the two advise opposite actions: select takes the priority-3 adversary whole, blend weighs them 1:3 (|b| = 0.5)
    if (vote === 'select') expect(Math.max(...d!.bias.map(Math.abs))).toBeCloseTo(1, 9);
    else expect(d!.bias.every((x) => Math.abs(x) < 1)).toBe(true);
  }
});
