// The aggregator service on the in-process bus: a window closes at quorum with one vote, blend
// mode mixes two advisors, late advice for a closed window is counted and ignored.
import { InProcessBus, systemClock } from '@ala/bus';
import { Advice, Vote, subjects } from '@ala/protocol';
import { waitFor } from '@ala/testkit';
import { loadConfig, start } from '../src';

const s = subjects('ala');
const adv = (id: string, advisor: string, bias: number[], seq = 1): Advice => ({
  v: 1,
  adviceId: id,
  advisorId: advisor,
  agentId: 'a',
  priority: 1,
  stateSeq: seq,
  bias,
  confidence: 1,
  model: 'm',
  latencyMs: 0,
});

describe('vote-aggregator service', () => {
  it('blends two advisors at quorum, publishes one vote with the smaller TTL, counts late advice', async () => {
    const bus = new InProcessBus();
    const svc = start({ bus, clock: systemClock, config: loadConfig({ ALA_AGG_METHOD: 'blend', ALA_AGG_QUORUM: '2', ALA_AGG_WINDOW_MS: '10000' }) });
    const votes: { v: Vote; ttl: number | undefined }[] = [];
    bus.subscribe(Vote, s.voteAll, (v, meta) => void votes.push({ v, ttl: meta.ttlMs }));
    bus.publish(Advice, s.advice('a'), adv('x', 'p', [1, -1]), { ttlMs: 5_000 });
    bus.publish(Advice, s.advice('a'), adv('y', 'q', [0, 1]), { ttlMs: 700 });
    await waitFor(() => votes.length === 1, 2_000);
    expect(votes[0]!.v).toMatchObject({ agentId: 'a', stateSeq: 1, method: 'blend', adviceIds: ['x', 'y'], advisorIds: ['p', 'q'], bias: [0.5, 0] });
    expect(votes[0]!.ttl).toBeLessThanOrEqual(700);
    expect(votes[0]!.ttl).toBeGreaterThan(600);
    bus.publish(Advice, s.advice('a'), adv('z', 'r', [1, 0]), { ttlMs: 5_000 });
    await waitFor(() => svc.stats().dropped_late === 1);
    expect(svc.stats()).toMatchObject({ received: 3, accepted: 2, votes: 1, openWindows: 0 });
    await svc.stop();
    await bus.close();
  });

  it('closes a window after windowMs with whatever arrived', async () => {
    const bus = new InProcessBus();
    const svc = start({ bus, clock: systemClock, config: loadConfig({ ALA_AGG_WINDOW_MS: '30' }) });
    const votes: Vote[] = [];
    bus.subscribe(Vote, s.voteAll, (v) => void votes.push(v));
    const t0 = performance.now();
    bus.publish(Advice, s.advice('a'), adv('x', 'p', [1, -1]), { ttlMs: 5_000 });
    await waitFor(() => votes.length === 1, 2_000);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(votes[0]).toMatchObject({ method: 'select', adviceId: 'x', bias: [1, -1] });
    await svc.stop();
    await bus.close();
  });
});
