// answerToBias: hand-computed vectors, malformed answers, and properties (bound, centring,
// argmax kept, illegal actions zero) over random answers.
import fc from 'fast-check';
import { answerToBias, BackendError, NO_SIGNAL_TOLERANCE } from '../src';

describe('answerToBias', () => {
  it('centres and scales scores over legal actions', () => {
    // usable: 0, 1, 3 (2 is illegal); mean (1 + 3 + 5) / 3 = 3; deviations -2, 0, 2; max 2
    const r = answerToBias({ scores: [1, 3, 100, 5], confidence: 0.5, model: 'm' }, [true, true, false, true], 2);
    expect(r).toEqual({ bias: [-2, 0, 0, 2], recommended: 3 });
  });

  it('turns an action into a centred one-hot', () => {
    // scores [0, 1, 0]: mean 1/3, deviations -1/3, 2/3, -1/3, max 2/3 -> -0.5, 1, -0.5
    const r = answerToBias({ action: 1, confidence: 1, model: 'm' }, [true, true, true], 1);
    expect(r!.bias[0]).toBeCloseTo(-0.5, 12);
    expect(r!.bias[1]).toBe(1);
    expect(r!.bias[2]).toBeCloseTo(-0.5, 12);
    expect(r!.recommended).toBe(1);
  });

  it('ignores non-finite scores (the expert marks illegal actions -Infinity)', () => {
    const r = answerToBias({ scores: [-Infinity, 1, 3], confidence: 1, model: 'm' }, [true, true, true], 1);
    expect(r).toEqual({ bias: [0, -1, 1], recommended: 2 });
  });

  it('returns undefined when the answer has no preference', () => {
    expect(answerToBias({ scores: [2, 2], confidence: 1, model: 'm' }, [true, true], 1)).toBeUndefined();
    expect(answerToBias({ scores: [1, 5], confidence: 1, model: 'm' }, [true, false], 1)).toBeUndefined();
  });

  it.each([
    [{ scores: [1, 2, 3], confidence: 1, model: 'm' }, 'scores for'],
    [{ action: 2, confidence: 1, model: 'm' }, 'not in'],
    [{ action: 1, confidence: 1, model: 'm' }, 'illegal'],
    [{ action: 0.5, confidence: 1, model: 'm' }, 'not in'],
    [{ confidence: 1, model: 'm' }, 'neither'],
    [{ action: 0, confidence: 1.5, model: 'm' }, 'confidence'],
    [{ action: 0, confidence: NaN, model: 'm' }, 'confidence'],
  ])('refuses %j', (answer, msg) => {
    expect(() => answerToBias(answer, [true, false], 1)).toThrow(BackendError);
    expect(() => answerToBias(answer, [true, false], 1)).toThrow(msg);
  });

  it('properties: max |b| = scale, mean 0 over usable, illegal 0, argmax kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (rows, scale) => {
          const scores = rows.map((r) => r[0]);
          const legal = rows.map((r) => r[1]);
          const r = answerToBias({ scores, confidence: 1, model: 'm' }, legal, scale);
          const usable = legal.flatMap((l, i) => (l ? [i] : []));
          if (r === undefined) {
            const vals = usable.map((i) => scores[i]!);
            const spread = Math.max(...vals) - Math.min(...vals);
            return usable.length < 2 || spread <= 2 * NO_SIGNAL_TOLERANCE * Math.max(1, ...vals.map(Math.abs));
          }
          const maxAbs = Math.max(...r.bias.map(Math.abs));
          const mean = usable.reduce((acc, i) => acc + r.bias[i]!, 0) / usable.length;
          const best = usable.reduce((b, i) => (scores[i]! > scores[b]! ? i : b), usable[0]!);
          return (
            Math.abs(maxAbs - scale) <= 1e-9 * scale && Math.abs(mean) <= 1e-9 * scale && legal.every((l, i) => l || r.bias[i] === 0) && r.recommended === best
          );
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
