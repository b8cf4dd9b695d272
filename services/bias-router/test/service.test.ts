// The router service on the in-process bus (no JetStream: core publish): bounded bias out with
// the capped lifetime, per-advisor rate limit counted, and an expiring vote dropped.
import { InProcessBus, ManualClock } from '@ala/bus';
import { Bias, Vote, subjects } from '@ala/protocol';
import { waitFor } from '@ala/testkit';
import { loadConfig, start } from '../src';

const s = subjects('ala');
const vote = (seq: number, advisor = 'p'): Vote => ({
  v: 1,
  adviceId: `w${seq}`,
  agentId: 'a',
  stateSeq: seq,
  adviceIds: [`w${seq}`],
  advisorIds: [advisor],
  bias: [2, -2],
  confidence: 1,
  method: 'select',
  agreement: 1,
});

describe('bias-router service', () => {
  it('routes bounded biases with capped TTL and rate-limits each advisor', async () => {
    const clock = new ManualClock(0);
    const bus = new InProcessBus({ clock });
    const svc = start({
      bus,
      clock,
      config: loadConfig({ ALA_ROUTER_BOUND: '1.5', ALA_ROUTER_MAX_TTL_MS: '800', ALA_ROUTER_RATE_PER_S: '1', ALA_ROUTER_BURST: '2' }),
      wallNow: () => 7,
    });
    const out: { b: Bias; ttl: number | undefined }[] = [];
    bus.subscribe(Bias, s.biasAll, (b, meta) => void out.push({ b, ttl: meta.ttlMs }));
    for (let i = 0; i < 3; i++) bus.publish(Vote, s.vote('a'), vote(i), { ttlMs: 2_000 });
    bus.publish(Vote, s.vote('a'), vote(3, 'other'), { ttlMs: 300 });
    await waitFor(() => svc.stats().received === 4);
    await waitFor(() => out.length === 3);
    expect(out.map((o) => o.b.stateSeq)).toEqual([0, 1, 3]);
    expect(out[0]!.b).toEqual({ v: 1, agentId: 'a', adviceId: 'w0', stateSeq: 0, bias: [1.5, -1.5], bound: 1.5, ttlMs: 800, createdAt: 7 });
    expect(out[0]!.ttl).toBe(800);
    expect(out[2]!.ttl).toBe(300);
    expect(svc.stats()).toMatchObject({ routed: 3, rateLimited: 1, clipped: 3, stored: 0 });
    clock.advance(1_000); // one token back for p
    bus.publish(Vote, s.vote('a'), vote(4), { ttlMs: 2_000 });
    await waitFor(() => out.length === 4);
    await svc.stop();
    await bus.close();
  });
});
