import fc from 'fast-check';
import {
  actBatch,
  behaviourRecord,
  biasedLogits,
  clipBias,
  createRng,
  InvalidValueError,
  logSoftmax,
  NoLegalActionError,
  sampleLogits,
  scaleBiasToKl,
  ShapeError,
  type ActBatchOutput,
} from '@ala/rl-core';

const row = (n: number) => fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: n, maxLength: n });
const logitsAndBias = fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(row(n), row(n)));

describe('clipBias', () => {
  it('clips per component, boost-only, L2 cap, mask (hand-computed)', () => {
    expect(Array.from(clipBias([3, -5, 0.5], 2))).toEqual([2, -2, 0.5]);
    expect(Array.from(clipBias([3, -5, 0.5], 2, { boostOnly: true }))).toEqual([2, 0, 0.5]);
    // [2, -2, 0.5] has norm sqrt(8.25); cap 1 scales by 1/sqrt(8.25).
    const k = 1 / Math.sqrt(8.25);
    expect(Array.from(clipBias([3, -5, 0.5], 2, { l2Cap: 1 }))).toEqual([2 * k, -2 * k, 0.5 * k].map((x) => expect.closeTo(x, 14)));
    expect(Array.from(clipBias([3, -5, 0.5], 2, { mask: [1, 0, 1] }))).toEqual([2, 0, 0.5]);
  });

  it('rejects bad input without writing', () => {
    const out = new Float64Array([9, 9]);
    expect(() => clipBias([1, Number.NaN], 1, { out })).toThrow(InvalidValueError);
    expect(() => clipBias([1, Infinity], 1, { out })).toThrow(InvalidValueError);
    expect(() => clipBias([1, 2], -1, { out })).toThrow(InvalidValueError);
    expect(() => clipBias([1, 2], 1, { out: new Float64Array(3) })).toThrow(ShapeError);
    expect(Array.from(out)).toEqual([9, 9]);
  });

  it('property: |log(π/μ)| <= 2βB for any bias bounded by B', () => {
    fc.assert(
      fc.property(logitsAndBias, fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), ([z, raw], B, beta) => {
        const b = clipBias(raw, B);
        const lp = logSoftmax(z);
        const lm = logSoftmax(biasedLogits(z, b, beta));
        for (let a = 0; a < z.length; a++) expect(Math.abs(lp[a]! - lm[a]!)).toBeLessThanOrEqual(2 * beta * B + 1e-9);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('behaviourRecord', () => {
  it('matches a hand-computed two-action case', () => {
    // z = [0, 0], b = [1, 0], β = ln 3: μ = [3/4, 1/4], π = [1/2, 1/2], Z = (3 + 1)/2 = 2.
    const r = behaviourRecord([0, 0], [1, 0], Math.log(3), 0);
    expect(r.logpMu).toBeCloseTo(Math.log(0.75), 14);
    expect(r.logpPk).toBeCloseTo(Math.log(0.5), 14);
    expect(r.logZ).toBeCloseTo(Math.log(2), 14);
    expect(r.klMuPi).toBeCloseTo(0.75 * Math.log(1.5) + 0.25 * Math.log(0.5), 14);
    expect(r.biasTaken).toBeCloseTo(Math.log(3), 14);
  });

  it('property: logp_mu = logπ + βb − log Z and KL(μ||π) = Σ μ log(μ/π) >= 0', () => {
    fc.assert(
      fc.property(logitsAndBias, fc.double({ min: 0, max: 3, noNaN: true }), fc.nat(), ([z, b], beta, k) => {
        const a = k % z.length;
        const r = behaviourRecord(z, b, beta, a);
        expect(r.logpMu).toBeCloseTo(r.logpPk + beta * b[a]! - r.logZ, 9);
        const lm = logSoftmax(biasedLogits(z, b, beta));
        const lp = logSoftmax(z);
        expect(r.logpMu).toBeCloseTo(lm[a]!, 9);
        let kl = 0;
        for (let i = 0; i < z.length; i++) if (lm[i]! > -Infinity && Math.exp(lm[i]!) > 0) kl += Math.exp(lm[i]!) * (lm[i]! - lp[i]!);
        expect(r.klMuPi).toBeGreaterThanOrEqual(0);
        expect(r.klMuPi).toBeCloseTo(Math.max(0, kl), 7);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('rejects a masked or out-of-range action', () => {
    expect(() => behaviourRecord([0, -Infinity], [0, 0], 1, 1)).toThrow(InvalidValueError);
    expect(() => behaviourRecord([0, 0], [0, 0], 1, 2)).toThrow(InvalidValueError);
    expect(() => behaviourRecord([0, 0], [0, 0], 1, 0, [0, 1])).toThrow(InvalidValueError);
  });
});

describe('scaleBiasToKl', () => {
  it('finds the closed-form scale for two actions', () => {
    // z = [0, 0], βb = [2, 0]: μ_s = [σ(2s), 1 − σ(2s)], KL(s) = log 2 − H(σ(2s)). Budget = KL(0.3).
    const kl = (s: number): number => {
      const p = 1 / (1 + Math.exp(-2 * s));
      return Math.log(2) + p * Math.log(p) + (1 - p) * Math.log(1 - p);
    };
    const r = scaleBiasToKl({ logits: [0, 0], bias: [2, 0], beta: 1, epsilon: kl(0.3) });
    expect(r.scale).toBeCloseTo(0.3, 5);
    expect(r.kl).toBeLessThanOrEqual(kl(0.3));
    expect(scaleBiasToKl({ logits: [0, 0], bias: [2, 0], beta: 1, epsilon: 10 }).scale).toBe(1);
    expect(scaleBiasToKl({ logits: [0, 0], bias: [2, 0], beta: 1, epsilon: 0 }).scale).toBeLessThan(1e-5);
  });

  it('property: the budget holds and the scale is (nearly) the largest that does', () => {
    fc.assert(
      fc.property(logitsAndBias, fc.double({ min: 0.01, max: 3, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), ([z, b], beta, eps) => {
        const r = scaleBiasToKl({ logits: z, bias: b, beta, epsilon: eps, tol: 1e-9 });
        expect(r.kl).toBeLessThanOrEqual(eps);
        expect(r.scale).toBeGreaterThanOrEqual(0);
        expect(r.scale).toBeLessThanOrEqual(1);
        if (r.scale < 1 - 1e-6) {
          const above = scaleBiasToKl({ logits: z, bias: b, beta: beta * (r.scale + 1e-6), epsilon: 1e9 });
          expect(above.kl).toBeGreaterThan(eps - 1e-12);
        }
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});

function outputs(n: number): ActBatchOutput {
  return {
    action: new Int32Array(n),
    logpMu: new Float64Array(n),
    logpPk: new Float64Array(n),
    biasTaken: new Float64Array(n),
    kl: new Float64Array(n),
    biasScale: new Float64Array(n),
  };
}

describe('actBatch', () => {
  it('agrees with the naive per-agent reference (sampleLogits + behaviourRecord), draw for draw', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (seed, nAgents, nActions, beta) => {
          const g = createRng(seed);
          const n = nAgents * nActions;
          const logits = Array.from({ length: n }, () => (g.nextFloat() < 0.1 ? -Infinity : 20 * g.nextFloat() - 10));
          for (let i = 0; i < nAgents; i++) logits[i * nActions] = 0; // at least one legal action per row
          const mask = Array.from({ length: n }, (_, k) => (k % nActions === 0 || g.nextFloat() < 0.8 ? 1 : 0));
          const bias = Array.from({ length: n }, () => 4 * g.nextFloat() - 2);
          const biasActive = Array.from({ length: nAgents }, () => (g.nextFloat() < 0.7 ? 1 : 0));
          const out = actBatch({ logits, bias, beta, mask, biasActive, nAgents, nActions, rng: createRng(seed + 1), out: outputs(nAgents) });
          const ref = createRng(seed + 1);
          for (let i = 0; i < nAgents; i++) {
            const z = logits.slice(i * nActions, (i + 1) * nActions);
            const m = mask.slice(i * nActions, (i + 1) * nActions);
            const b = biasActive[i] ? bias.slice(i * nActions, (i + 1) * nActions) : new Array<number>(nActions).fill(0);
            const a = sampleLogits(biasedLogits(z, b, beta, m), ref, m);
            expect(out.action[i]).toBe(a);
            expect(m[a]).toBe(1);
            const r = behaviourRecord(z, b, beta, a, m);
            expect(out.logpMu[i]).toBeCloseTo(r.logpMu, 9);
            expect(out.logpPk[i]).toBeCloseTo(r.logpPk, 9);
            expect(out.biasTaken[i]).toBeCloseTo(r.biasTaken, 12);
            expect(out.kl![i]).toBeCloseTo(r.klMuPi, 9);
          }
        },
      ),
      { seed: 21, numRuns: 200 },
    );
  });

  it('samples from μ (chi-square over 50k draws) and reuses output buffers', () => {
    const logits = [0.5, -1, 2, 0, 1];
    const bias = [0, 2, -2, 1, 0];
    const beta = 0.7;
    const mu = logSoftmax(biasedLogits(logits, bias, beta)).map(Math.exp);
    const rng = createRng(99);
    const out = outputs(1);
    const counts = [0, 0, 0, 0, 0];
    const draws = 50_000;
    for (let k = 0; k < draws; k++) counts[actBatch({ logits, bias, beta, nAgents: 1, nActions: 5, rng, out }).action[0]!]! += 1;
    let chi2 = 0;
    for (let a = 0; a < 5; a++) chi2 += (counts[a]! - draws * mu[a]!) ** 2 / (draws * mu[a]!);
    expect(chi2).toBeLessThan(18.47); // p = 0.001, 4 degrees of freedom
  });

  it('enforces a per-step KL budget', () => {
    const out = outputs(2);
    actBatch({ logits: [0, 0, 0, 1, 0, 0], bias: [3, 0, 0, 0.01, 0, 0], beta: 1, klBudget: 0.02, nAgents: 2, nActions: 3, rng: createRng(1), out });
    expect(out.kl![0]).toBeLessThanOrEqual(0.02);
    expect(out.kl![0]).toBeGreaterThan(0.019);
    expect(out.biasScale![0]).toBeLessThan(1);
    expect(out.biasScale![1]).toBe(1);
  });

  it('KL budget: warm-started scales match the reference search as logits drift', () => {
    // Each agent's previous scale seeds the next step's Newton search; the result must stay the
    // largest admissible scale within 1e-4 whatever the guess, and the recorded KL within budget.
    const nAgents = 4;
    const nA = 6;
    const rng = createRng(7);
    const logits = new Float64Array(nAgents * nA);
    const bias = new Float64Array(nAgents * nA);
    for (let j = 0; j < bias.length; j++) bias[j] = 4 * rng.nextFloat() - 2;
    const out = outputs(nAgents);
    const warm = new Float64Array(nAgents);
    for (let step = 0; step < 40; step++) {
      for (let j = 0; j < logits.length; j++) logits[j] = step === 0 ? 3 * rng.nextFloat() : logits[j]! + 0.6 * (rng.nextFloat() - 0.5);
      const eps = step % 5 === 4 ? 1e-3 : 0.05;
      actBatch({ logits, bias, beta: 1.5, klBudget: eps, klWarmStart: warm, nAgents, nActions: nA, rng: createRng(step), out });
      for (let i = 0; i < nAgents; i++) {
        const ref = scaleBiasToKl({
          logits: logits.subarray(i * nA, (i + 1) * nA),
          bias: bias.subarray(i * nA, (i + 1) * nA),
          beta: 1.5,
          epsilon: eps,
          tol: 1e-9,
        });
        expect(Math.abs(out.biasScale![i]! - ref.scale)).toBeLessThanOrEqual(1e-4);
        expect(out.kl![i]).toBeLessThanOrEqual(eps);
      }
    }
  });

  it("with klWarmStart, a caller's results do not depend on other callers", () => {
    const nAgents = 3;
    const nA = 5;
    const make = (seed: number) => {
      const r = createRng(seed);
      return {
        logits: Float64Array.from({ length: nAgents * nA }, () => 3 * r.nextFloat()),
        bias: Float64Array.from({ length: nAgents * nA }, () => 4 * r.nextFloat() - 2),
      };
    };
    const a = make(1);
    const b = make(2);
    const step = (x: { logits: Float64Array; bias: Float64Array }, warm: Float64Array, k: number) => {
      for (let j = 0; j < x.logits.length; j++) x.logits[j] = x.logits[j]! + 0.01 * Math.sin(k + j); // a slowly moving policy
      const out = outputs(nAgents);
      actBatch({ ...x, beta: 1.5, klBudget: 0.05, klWarmStart: warm, nAgents, nActions: nA, rng: createRng(k), out });
      return Array.from(out.biasScale!);
    };
    const alone = (() => {
      const x = make(1);
      const warm = new Float64Array(nAgents);
      return Array.from({ length: 10 }, (_, k) => step(x, warm, k));
    })();
    const warmA = new Float64Array(nAgents);
    const warmB = new Float64Array(nAgents);
    for (let k = 0; k < 10; k++) {
      expect(step(a, warmA, k)).toEqual(alone[k]); // bit for bit, with B's steps in between
      step(b, warmB, k);
    }
    expect(warmA.every((s) => s > 0 && s <= 1)).toBe(true);
    expect(() =>
      actBatch({ ...a, beta: 1, klBudget: 0.05, klWarmStart: new Float64Array(2), nAgents, nActions: nA, rng: createRng(1), out: outputs(nAgents) }),
    ).toThrow(ShapeError);
  });

  it('keeps logits of +-1e3 finite and masked actions unreachable', () => {
    const out = outputs(2);
    for (let k = 0; k < 200; k++) {
      actBatch({
        logits: [1e3, -1e3, -Infinity, -1e3, 1e3, 1e3],
        bias: [-5, 5, 5, 0, 0, 5],
        beta: 1,
        mask: [1, 1, 1, 1, 0, 1],
        nAgents: 2,
        nActions: 3,
        rng: createRng(k),
        out,
      });
      expect(out.action[0]).toBe(0);
      expect(out.action[1]).toBe(2);
      for (const v of [...out.logpMu, ...out.logpPk, ...out.kl!]) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('bad input throws a typed error, leaves outputs and the generator untouched', () => {
    const rng = createRng(5);
    const state = rng.getState();
    const out = outputs(2);
    out.logpMu.fill(7);
    const base = { logits: [0, 1, 2, 3], bias: [0, 0, 0, 0], beta: 1, nAgents: 2, nActions: 2, rng, out };
    expect(() => actBatch({ ...base, logits: [0, 1, 2, Number.NaN] })).toThrow(InvalidValueError);
    expect(() => actBatch({ ...base, logits: [0, 1, Infinity, 3] })).toThrow(InvalidValueError);
    expect(() => actBatch({ ...base, bias: [0, 0, 0, Number.NaN] })).toThrow(InvalidValueError);
    expect(() => actBatch({ ...base, mask: [1, 1, 0, 0] })).toThrow(NoLegalActionError);
    expect(() => actBatch({ ...base, logits: [0, 1, 2] })).toThrow(ShapeError);
    expect(() => actBatch({ ...base, nActions: 0 })).toThrow(InvalidValueError);
    expect(rng.getState()).toEqual(state);
    expect(Array.from(out.logpMu)).toEqual([7, 7]);
  });
});

describe('actBatch with extreme bias', () => {
  it('stays exact when |β·b| is huge (falls back to the max-shifted row)', () => {
    const logits = [0, -900, 5, -Infinity];
    const bias = [0, 1000, 0, 1000];
    const out = outputs(1);
    for (let k = 0; k < 50; k++) {
      actBatch({ logits, bias, beta: 1, nAgents: 1, nActions: 4, rng: createRng(k), out });
      // z + βb = [0, 100, 5, -inf]: action 1 has probability 1 − O(e^-95)
      expect(out.action[0]).toBe(1);
      const r = behaviourRecord(logits, bias, 1, 1);
      expect(out.logpMu[0]).toBeCloseTo(r.logpMu, 9);
      expect(out.logpPk[0]).toBeCloseTo(r.logpPk, 9);
      expect(out.kl![0]).toBeCloseTo(r.klMuPi, 6);
    }
  });
});
