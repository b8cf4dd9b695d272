// The replay publisher on the in-process bus: the recorded advice arrive in the recorded order at
// their offsets, with the recorded payload, Ala-Ttl-Ms and other headers; a stalled event loop
// delays them but never reorders them; invalid records are not replayed; done() waits for the
// original run's duration; stop() ends the schedule.
import { InProcessBus, silentLogger, type MessageMeta } from '@ala/bus';
import { Advice, subjects } from '@ala/protocol';
import type { AdviceLogRecord } from '../src/replay/advice-log-file';
import { startReplayPublisher } from '../src/replay/replay-publisher';

const s = subjects('ala');
const advice = (i: number): Advice => ({
  v: 1,
  adviceId: `adv-${i}`,
  advisorId: 'llm-0',
  agentId: `a-${i % 2}`,
  priority: 1,
  stateSeq: i,
  bias: [0.5, -0.5],
  confidence: 0.5,
  model: 'm',
  latencyMs: 1,
});
const rec = (i: number, offsetMs: number, ttlMs: number | null = 40 + i): AdviceLogRecord => ({
  seq: i + 1,
  subject: s.advice(advice(i).agentId),
  offsetMs,
  ttlMs,
  msgId: null,
  headers: { ...(ttlMs !== null ? { 'Ala-Ttl-Ms': String(ttlMs) } : {}), 'X-Trace': `t${i}` },
  kind: 'advice',
  payload: advice(i),
});

async function arrivals(records: AdviceLogRecord[], durationMs: number, during?: () => void) {
  const bus = new InProcessBus({ logger: silentLogger });
  const got: { id: string; at: number; ttl: number | undefined; trace: string | undefined; value: Advice }[] = [];
  let t0 = 0;
  const sub = bus.subscribe(Advice, s.adviceAll, (value, meta: MessageMeta) => {
    got.push({ id: value.adviceId, at: performance.now() - t0, ttl: meta.ttlMs, trace: meta.header('X-Trace'), value });
  });
  const p = startReplayPublisher({ bus, records, durationMs, log: silentLogger });
  expect(p.done()).toBe(false); // not started
  t0 = performance.now();
  p.start();
  during?.();
  return { bus, got, p, sub };
}

test('publishes the recorded advice in order at their offsets, with payload and headers; done() after the duration', async () => {
  const records = [rec(0, 0), rec(1, 20), rec(2, 20), rec(3, 60, null), { ...rec(4, 61), kind: 'invalid', error: 'x', dataB64: '' } as AdviceLogRecord];
  const { bus, got, p, sub } = await arrivals(records, 900);
  await new Promise((r) => setTimeout(r, 150));
  expect(got.map((g) => g.id)).toEqual(['adv-0', 'adv-1', 'adv-2', 'adv-3']);
  expect(got.map((g) => g.value)).toEqual([0, 1, 2, 3].map(advice));
  expect(got.map((g) => g.ttl)).toEqual([40, 41, 42, undefined]);
  expect(got.map((g) => g.trace)).toEqual(['t0', 't1', 't2', 't3']);
  got.forEach((g, i) => expect(g.at).toBeGreaterThanOrEqual([0, 20, 20, 60][i]! - 1));
  expect(p.stats()).toMatchObject({ scheduled: 4, published: 4, failed: 0, skippedInvalid: 1 });
  expect(p.done()).toBe(false); // the original ran 900 ms
  await new Promise((r) => setTimeout(r, 800));
  expect(p.done()).toBe(true);
  await p.stop();
  await sub.unsubscribe();
  await bus.close();
});

test('a stalled event loop delays records but never reorders them; stop() ends the schedule', async () => {
  const records = [rec(0, 5), rec(1, 10), rec(2, 15), rec(3, 5_000)];
  const { bus, got, p } = await arrivals(records, 0, () => {
    const until = performance.now() + 50;
    while (performance.now() < until); // a 50 ms stall right after the start
  });
  await new Promise((r) => setTimeout(r, 30));
  expect(got.map((g) => g.id)).toEqual(['adv-0', 'adv-1', 'adv-2']);
  expect(p.stats().maxLateMs).toBeGreaterThanOrEqual(30);
  await p.stop(); // adv-3 (at 5 s) is never sent
  expect(p.stats()).toMatchObject({ published: 3 });
  expect(p.done()).toBe(false);
  await bus.close();
});
