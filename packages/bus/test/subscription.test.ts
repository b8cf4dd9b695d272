// Subscription behaviour shared by both buses (checked on InProcessBus): bounded queue with
// overflow counting, unsubscribe waiting for the running handler, and NATS wildcard matching
// checked against a naive regular-expression reference on random subjects.
import fc from 'fast-check';
import { Bias, subjects } from '@ala/protocol';
import { BusInputError, CountingBusMetrics, InProcessBus, silentLogger, subjectMatches } from '../src';
import { makeBias } from './helpers';

const s = subjects('ala');

describe('subscriptions', () => {
  it('drops the oldest waiting message beyond maxPending and counts overflow', async () => {
    const metrics = new CountingBusMetrics();
    const bus = new InProcessBus({ metrics, logger: silentLogger });
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.subscribe(
      Bias,
      s.bias('a1'),
      async (v) => {
        seen.push(v.stateSeq);
        if (v.stateSeq === 0) await gate;
      },
      { maxPending: 2 },
    );
    for (let i = 0; i < 5; i++) bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: i });
    await bus.flush();
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([0, 3, 4]);
    expect(metrics.get('overflow', 'Bias')).toBe(2);
    expect(() => bus.subscribe(Bias, s.bias('a1'), () => undefined, { maxPending: 0 })).toThrow(BusInputError);
  });

  it('unsubscribe waits for the handler call in progress and stops delivery', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const events: string[] = [];
    const sub = bus.subscribe(Bias, s.bias('a1'), async (v) => {
      events.push(`start ${v.stateSeq}`);
      await new Promise((r) => setTimeout(r, 20));
      events.push(`end ${v.stateSeq}`);
    });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 1 });
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 2 });
    await bus.flush();
    await sub.unsubscribe();
    events.push('unsubscribed');
    bus.publish(Bias, s.bias('a1'), { ...makeBias(), stateSeq: 3 });
    await bus.flush();
    expect(events).toEqual(['start 1', 'end 1', 'unsubscribed']);
  });
});

/** Reference: translate a NATS pattern to a regular expression. */
function naiveMatch(pattern: string, subject: string): boolean {
  const re = pattern
    .split('.')
    .map((t) => (t === '*' ? '[^.]+' : t === '>' ? '[^.]+(\\.[^.]+)*' : t.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')))
    .join('\\.');
  return new RegExp(`^${re}$`).test(subject);
}

describe('subjectMatches', () => {
  it('agrees with a regular-expression reference', () => {
    const token = fc.constantFrom('ala', 'bias', 'a1', 'a2', 'x');
    const subject = fc.array(token, { minLength: 1, maxLength: 5 }).map((t) => t.join('.'));
    const pattern = fc
      .tuple(fc.array(fc.oneof(token, fc.constant('*')), { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([t, tail]) => [...t, ...(tail ? ['>'] : [])].join('.'));
    fc.assert(
      fc.property(pattern, subject, (p, subj) => subjectMatches(p, subj) === naiveMatch(p, subj)),
      { seed: 42, numRuns: 2_000 },
    );
  });
});
