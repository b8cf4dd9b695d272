// buildVote: select and blend against hand-computed values, the TTL as the minimum remaining
// lifetime of the contributions, zero weights and expiry.
import type { Advice } from '@ala/protocol';
import { buildVote, type Entry } from '../src';

const entry = (id: string, advisor: string, priority: number, confidence: number, bias: number[], deadline: number): Entry => ({
  advice: { v: 1, adviceId: id, advisorId: advisor, agentId: 'a', priority, stateSeq: 4, bias, confidence, model: 'm', latencyMs: 0 } satisfies Advice,
  receivedAt: 0,
  deadline,
});

describe('buildVote', () => {
  const live = [entry('e1', 'p1', 1, 1, [1, -1, 0], 900), entry('e2', 'p2', 3, 0.5, [-1, 1, 0], 500)];

  it('select: the highest priority x confidence wins; TTL = min remaining of contributors', () => {
    const r = buildVote(live, 'select', 100, () => 'unused');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // weights 1 and 1.5: e2 wins, preferring action 1; agreement 1.5 / 2.5
    expect(r.vote).toMatchObject({
      adviceId: 'e2',
      adviceIds: ['e1', 'e2'],
      advisorIds: ['p1', 'p2'],
      bias: [-1, 1, 0],
      recommended: 1,
      confidence: 0.5,
      method: 'select',
    });
    expect(r.vote.agreement).toBeCloseTo(0.6, 12);
    expect(r.ttlMs).toBe(400);
  });

  it('blend: the weighted mean bias under a fresh id', () => {
    const r = buildVote(live, 'blend', 100, () => 'fresh-1');
    if (!r.ok) throw new Error('expected a vote');
    // weights 0.4, 0.6: bias 0.4*[1,-1,0] + 0.6*[-1,1,0] = [-0.2, 0.2, 0]; confidence 0.4*1 + 0.6*0.5
    expect(r.vote.adviceId).toBe('fresh-1');
    expect(r.vote.bias[0]).toBeCloseTo(-0.2, 12);
    expect(r.vote.bias[1]).toBeCloseTo(0.2, 12);
    expect(r.vote.confidence).toBeCloseTo(0.7, 12);
    expect(r.vote).toMatchObject({ recommended: 1, method: 'blend', adviceIds: ['e1', 'e2'] });
  });

  it('no weight and no time left give no vote', () => {
    expect(buildVote([entry('z', 'p', 0, 1, [1, 0], 900)], 'select', 0, () => 'f')).toEqual({ ok: false, reason: 'no_weight' });
    expect(buildVote([], 'blend', 0, () => 'f')).toEqual({ ok: false, reason: 'no_weight' });
    expect(buildVote(live, 'select', 499.5, () => 'f')).toEqual({ ok: false, reason: 'expired' });
  });
});
