// boundVote and chargedAdvisors: the bound |b|inf <= B (and L2, boost-only), the TTL ceiling,
// expiry below 1 ms, and which advisors a vote is charged to.
import fc from 'fast-check';
import type { Vote } from '@ala/protocol';
import { boundVote, chargedAdvisors } from '../src';

const vote = (over: Partial<Vote> = {}): Vote => ({
  v: 1,
  adviceId: 'w',
  agentId: 'a',
  stateSeq: 3,
  adviceIds: ['l', 'w'],
  advisorIds: ['p1', 'p2'],
  bias: [3, -0.5, -4],
  recommended: 0,
  confidence: 1,
  method: 'select',
  agreement: 1,
  ...over,
});
const opts = { bound: 1, l2Cap: 0, boostOnly: false, maxTtlMs: 5_000 };

describe('boundVote', () => {
  it('clips each component to [-B, B] and caps the lifetime', () => {
    const r = boundVote(vote(), 9_000.7, opts, 42);
    expect(r).toEqual({
      ok: true,
      ttlMs: 5_000,
      clipped: true,
      bias: { v: 1, agentId: 'a', adviceId: 'w', stateSeq: 3, bias: [1, -0.5, -1], bound: 1, recommended: 0, ttlMs: 5_000, createdAt: 42 },
    });
    const r2 = boundVote(vote({ bias: [0.5, 0] }), 1_234.9, opts, 0);
    expect(r2).toMatchObject({ ok: true, ttlMs: 1_234, clipped: false });
  });

  it('applies the L2 cap and boost-only mode', () => {
    const r = boundVote(vote({ bias: [3, 4, 0] }), 100, { ...opts, bound: 10, l2Cap: 1 }, 0);
    if (!r.ok) throw new Error('expected a bias');
    expect(r.bias.bias[0]).toBeCloseTo(0.6, 12);
    expect(r.bias.bias[1]).toBeCloseTo(0.8, 12);
    const b = boundVote(vote(), 100, { ...opts, boostOnly: true }, 0);
    if (!b.ok) throw new Error('expected a bias');
    expect(b.bias.bias).toEqual([1, 0, 0]);
  });

  it('gives nothing with less than 1 ms left', () => {
    expect(boundVote(vote(), 0.99, opts, 0)).toEqual({ ok: false, reason: 'expired' });
    expect(boundVote(vote(), -5, opts, 0)).toEqual({ ok: false, reason: 'expired' });
  });

  it('property: every component within the bound, sign kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 16 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (bias, B) => {
          const r = boundVote(vote({ bias, recommended: undefined }), 100, { ...opts, bound: B }, 0);
          return r.ok && r.bias.bias.every((x, i) => Math.abs(x) <= B && (x === 0 || Math.sign(x) === Math.sign(bias[i]!)));
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('chargedAdvisors', () => {
  it('charges the winner of a selection and every contributor of a blend', () => {
    expect(chargedAdvisors(vote())).toEqual(['p2']);
    expect(chargedAdvisors(vote({ method: 'blend', adviceId: 'fresh' }))).toEqual(['p1', 'p2']);
  });
});
