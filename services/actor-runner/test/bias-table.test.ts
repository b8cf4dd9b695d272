// BiasTable: a bias is live strictly before its deadline, reverts the step it expires, is refused
// (counted, nothing changed) when it does not fit, and its age is measured from receipt.
import fc from 'fast-check';
import { BiasTable } from '../src/bias-table';

const ids = ['a-0', 'a-1', 'a-2'];

test('live before the deadline, gone at and after it; counted as expired once', () => {
  const t = new BiasTable(ids, 2);
  expect(t.set('a-1', [0.5, -0.5], { adviceId: 'x', receivedAt: 100, deadline: 150 }, 100)).toBeUndefined();
  expect(t.prepare(120)).toBe(1);
  expect([...t.active]).toEqual([0, 1, 0]);
  expect(t.ageMs[1]).toBe(20);
  expect([...t.bias.subarray(2, 4)]).toEqual([0.5, -0.5]);
  t.markApplied();
  expect(t.prepare(149.9)).toBe(1);
  expect(t.prepare(150)).toBe(0);
  expect([...t.active]).toEqual([0, 0, 0]);
  expect(t.prepare(500)).toBe(0);
  expect(t.counts).toMatchObject({ accepted: 1, expired: 1, expiredUnused: 0 });
});

test('an entry that expires before any step used it counts as expiredUnused', () => {
  const t = new BiasTable(ids, 2);
  t.set('a-0', [1, 0], { adviceId: 'x', receivedAt: 0, deadline: 10 }, 0);
  t.prepare(20);
  expect(t.counts).toMatchObject({ expired: 1, expiredUnused: 1 });
});

test('a newer bias replaces the old one', () => {
  const t = new BiasTable(ids, 2);
  t.set('a-0', [1, 0], { adviceId: 'x', receivedAt: 0, deadline: 100 }, 0);
  t.set('a-0', [0, 1], { adviceId: 'y', receivedAt: 10, deadline: 200 }, 10);
  t.prepare(150);
  expect(t.entry('a-0')?.adviceId).toBe('y');
  expect([...t.bias.subarray(0, 2)]).toEqual([0, 1]);
  expect(t.counts.replaced).toBe(1);
});

test.each([
  ['unknownAgent', 'zz', [1, 0], 100],
  ['length', 'a-0', [1, 0, 0], 100],
  ['nonFinite', 'a-0', [1, NaN], 100],
  ['expired', 'a-0', [1, 0], 5],
] as const)('refuses %s and changes nothing', (reason, agent, bias, deadline) => {
  const t = new BiasTable(ids, 2);
  t.set('a-2', [0.25, 0.25], { adviceId: 'keep', receivedAt: 0, deadline: 1000 }, 0);
  const before = Float64Array.from(t.bias);
  expect(t.set(agent, bias, { adviceId: 'bad', receivedAt: 5, deadline }, 5)).toBe(reason);
  expect(t.counts.rejected[reason]).toBe(1);
  expect(t.counts.accepted).toBe(1);
  expect(t.bias).toEqual(before);
  expect(t.entry('a-0')).toBeUndefined();
});

test('property: after prepare(now), an agent is active iff its latest accepted bias has deadline > now', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 5 })), { maxLength: 30 }),
      (ops) => {
        const t = new BiasTable(ids, 1);
        const deadline = new Map<number, number>();
        let now = 0;
        for (const [agent, ttl, dt] of ops) {
          now += dt;
          t.prepare(now);
          for (const [k, d] of deadline) if (d <= now) deadline.delete(k);
          if (t.set(ids[agent]!, [1], { adviceId: 'a', receivedAt: now, deadline: now + ttl }, now) === undefined) deadline.set(agent, now + ttl);
          t.prepare(now);
          for (let i = 0; i < 3; i++) expect(t.active[i]).toBe(deadline.has(i) && deadline.get(i)! > now ? 1 : 0);
        }
      },
    ),
  );
});

test('a component beyond ±B is clipped to it whatever the sender claims, and counted', () => {
  const t = new BiasTable(ids, 3, { bound: 1.5, maxTtlMs: 1000 });
  expect(t.set('a-0', [100, -100, 0.5], { adviceId: 'x', receivedAt: 0, deadline: 100 }, 0)).toBeUndefined();
  expect([...t.bias.subarray(0, 3)]).toEqual([1.5, -1.5, 0.5]);
  expect(t.set('a-1', [1.5, -1.5, 0], { adviceId: 'y', receivedAt: 0, deadline: 100 }, 0)).toBeUndefined(); // at the bound: not clipped
  expect(t.counts).toMatchObject({ accepted: 2, clipped: 1, ttlCapped: 0 });
});

test('a lifetime beyond maxTtlMs (or none) is cut to maxTtlMs from receipt, and counted', () => {
  const t = new BiasTable(ids, 2, { bound: 1, maxTtlMs: 50 });
  t.set('a-0', [1, 0], { adviceId: 'x', receivedAt: 10, deadline: Infinity }, 10);
  t.set('a-1', [1, 0], { adviceId: 'y', receivedAt: 10, deadline: 1e9 }, 10);
  t.set('a-2', [1, 0], { adviceId: 'z', receivedAt: 10, deadline: 60 }, 10); // exactly maxTtlMs: kept
  expect(t.entry('a-0')?.deadline).toBe(60);
  expect(t.entry('a-1')?.deadline).toBe(60);
  expect(t.counts.ttlCapped).toBe(2);
  expect(t.prepare(59.9)).toBe(3);
  expect(t.prepare(60)).toBe(0);
});

test('property: every stored component is within ±B', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 2 }),
      (B, b) => {
        const t = new BiasTable(ids, 2, { bound: B, maxTtlMs: 1000 });
        t.set('a-0', b, { adviceId: 'x', receivedAt: 0, deadline: 10 }, 0);
        for (const x of t.bias.subarray(0, 2)) expect(Math.abs(x)).toBeLessThanOrEqual(B);
      },
    ),
  );
});

test.each([0, -1, NaN, Infinity])('limits with bound %p are refused', (bound) => {
  expect(() => new BiasTable(ids, 2, { bound, maxTtlMs: 10 })).toThrow(RangeError);
});
