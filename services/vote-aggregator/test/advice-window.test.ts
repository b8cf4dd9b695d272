// AdviceWindows: opening and closing per (agent, seq), quorum, every refusal reason, expiry at
// close, older windows discarded, and the bound on tracked agents.
import type { Advice } from '@ala/protocol';
import { AdviceWindows } from '../src';

const adv = (over: Partial<Advice> = {}): Advice => ({
  v: 1,
  adviceId: 'x1',
  advisorId: 'p',
  agentId: 'a',
  priority: 1,
  stateSeq: 10,
  bias: [1, -1],
  confidence: 1,
  model: 'm',
  latencyMs: 0,
  ...over,
});
const opts = { windowMs: 50, maxStateLag: 2, quorum: 0, maxAgents: 3 };

describe('AdviceWindows', () => {
  it('opens a window on the first advice, collects more, closes with the live entries', () => {
    const w = new AdviceWindows(opts);
    expect(w.add(adv(), 100, 1_000)).toEqual({ accepted: true, opened: true, closeAt: 150, ready: false });
    expect(w.add(adv({ adviceId: 'x2', advisorId: 'q' }), 120, 1_000)).toEqual({ accepted: true, opened: false, closeAt: 150, ready: false });
    const c = w.close('a', 10, 150)!;
    expect(c.live.map((e) => e.advice.adviceId)).toEqual(['x1', 'x2']);
    expect(c).toMatchObject({ expired: 0, stale: 0 });
    expect(w.close('a', 10, 150)).toBeUndefined();
    expect(w.openWindows()).toBe(0);
  });

  it('signals readiness at quorum', () => {
    const w = new AdviceWindows({ ...opts, quorum: 2 });
    expect(w.add(adv(), 0, 100)).toMatchObject({ ready: false });
    expect(w.add(adv({ adviceId: 'x2', advisorId: 'q' }), 1, 100)).toMatchObject({ ready: true });
  });

  it('refuses expired, duplicate, mismatched, late and stale advice', () => {
    const w = new AdviceWindows(opts);
    expect(w.add(adv(), 100, 100)).toEqual({ accepted: false, reason: 'expired' });
    w.add(adv(), 100, 1_000);
    expect(w.add(adv(), 101, 1_000)).toEqual({ accepted: false, reason: 'duplicate' });
    expect(w.add(adv({ adviceId: 'other' }), 101, 1_000)).toEqual({ accepted: false, reason: 'duplicate' }); // same advisor twice
    expect(w.add(adv({ adviceId: 'x3', advisorId: 'q', bias: [1, 0, 0] }), 101, 1_000)).toEqual({ accepted: false, reason: 'mismatch' });
    w.add(adv({ adviceId: 'n', stateSeq: 13 }), 102, 1_000); // newest seq now 13
    expect(w.add(adv({ adviceId: 's', stateSeq: 10, advisorId: 'z' }), 103, 1_000)).toEqual({ accepted: false, reason: 'stale' }); // 13 - 10 > 2
    expect(w.add(adv({ adviceId: 'ok', stateSeq: 11, advisorId: 'z' }), 103, 1_000)).toMatchObject({ accepted: true });
    w.close('a', 13, 150);
    expect(w.add(adv({ adviceId: 'late', stateSeq: 13, advisorId: 'y' }), 151, 1_000)).toEqual({ accepted: false, reason: 'late' });
  });

  it('drops entries that expired while the window was open, and older windows on close', () => {
    const w = new AdviceWindows(opts);
    w.add(adv({ adviceId: 'old', stateSeq: 9 }), 0, 1_000);
    w.add(adv({ adviceId: 'short' }), 0, 30);
    w.add(adv({ adviceId: 'long', advisorId: 'q' }), 0, 1_000);
    const c = w.close('a', 10, 50)!;
    expect(c.live.map((e) => e.advice.adviceId)).toEqual(['long']);
    expect(c).toMatchObject({ expired: 1, stale: 1 });
    expect(w.close('a', 9, 50)).toBeUndefined();
  });

  it('a window left behind by the lag is stale at close', () => {
    const w = new AdviceWindows(opts);
    w.add(adv({ stateSeq: 1 }), 0, 1_000);
    w.add(adv({ adviceId: 'n', stateSeq: 5 }), 1, 1_000);
    expect(w.close('a', 1, 50)).toMatchObject({ live: [], stale: 1 });
  });

  it('tracks at most maxAgents, forgetting idle ones first', () => {
    const w = new AdviceWindows(opts);
    for (const id of ['a', 'b', 'c']) w.add(adv({ agentId: id }), 0, 1_000);
    expect(w.add(adv({ agentId: 'd' }), 0, 1_000)).toEqual({ accepted: false, reason: 'overflow' });
    w.close('b', 10, 60);
    expect(w.add(adv({ agentId: 'd' }), 61, 1_000)).toMatchObject({ accepted: true });
    expect(w.agentCount()).toBe(3);
  });
});
