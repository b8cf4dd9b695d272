// The IS study's claims (docs/is-correction.md), checked on a fixed seeded bandit. Sampling noise:
// every row's noise floor (expected 1 − cos from sampling alone) is asserted below 1e-3, a tenth
// of the 0.01 margin the 0.99 threshold leaves, and the noise-free expectations are asserted too.
import { createRng } from '@ala/rl-core';
import { adviceBias, estimateGradient, makeBandit, partitionZ, relativeError, runIsStudy, trueGradient, type IsStudyRow } from './is-study-bandit';

const nonUniform = ['boost-best', 'boost-random', 'dense'] as const;
const betaBs = [0.25, 0.5, 1, 2];
const clipped = runIsStudy({ advice: nonUniform, betaBs, nSamples: 100_000, seed: 2024 });
const unclipped = runIsStudy({ advice: nonUniform, betaBs, nSamples: 100_000, seed: 2024, clipCoef: 1e9, modes: ['seed', 'exact'] });

function row(rows: IsStudyRow[], advice: string, betaB: number, mode: string): IsStudyRow {
  const r = rows.find((x) => x.advice === advice && x.betaB === betaB && x.mode === mode);
  if (r === undefined) throw new Error(`missing row ${advice} ${betaB} ${mode}`);
  return r;
}

describe('IS study: contextual bandit, first PPO gradient from advised samples', () => {
  it('has a sampling-noise floor far below the 0.01 margin', () => {
    for (const r of [...clipped, ...unclipped]) expect(r.noiseFloor).toBeLessThan(1e-3);
  });

  it.each(nonUniform)('decoupled: cos >= 0.99 at every βB (advice %s)', (advice) => {
    for (const b of betaBs) {
      const r = row(clipped, advice, b, 'decoupled');
      expect(r.cosine).toBeGreaterThanOrEqual(0.99);
      expect(r.cosineExpected).toBeGreaterThan(0.9999); // unbiased: only noise remains
    }
  });

  it.each(nonUniform)('exact (π_θ/μ) is an unbiased correction: cos >= 0.99 at every βB without clipping (advice %s)', (advice) => {
    for (const b of betaBs) {
      const r = row(unclipped, advice, b, 'exact');
      expect(r.cosine).toBeGreaterThanOrEqual(0.99);
      expect(r.cosineExpected).toBeGreaterThan(0.9999);
    }
  });

  it.each(nonUniform)('exact with PPO clipping around 1 is biased once π_old/μ leaves [1−ε, 1+ε] (advice %s)', (advice) => {
    // The documented finding: at βB = 2 the ratio at θ = θ_old is far outside the clip range.
    expect(row(clipped, advice, 2, 'exact').cosineExpected).toBeLessThan(0.99);
  });

  it.each(nonUniform)('seed is worse than decoupled whenever advice is non-uniform (advice %s)', (advice) => {
    for (const b of betaBs) {
      const s = row(clipped, advice, b, 'seed');
      const d = row(clipped, advice, b, 'decoupled');
      expect(s.cosine).toBeLessThan(d.cosine);
      expect(s.relErrorExpected).toBeGreaterThan(0.05); // biased: the error does not vanish with more samples
      expect(s.relError).toBeGreaterThan(d.relError + 0.04);
    }
  });

  it.each(nonUniform)('seed stays biased without clipping: its expectation is exactly g(s)/Z(s) per state (advice %s)', (advice) => {
    const bandit = makeBandit(10, 6, createRng(2024));
    const g = trueGradient(bandit);
    for (const b of betaBs) {
      const bias = adviceBias(bandit, advice, b, createRng(2025));
      const Z = partitionZ(bandit, bias, 1);
      const predicted = g.map((v, i) => v / Z[Math.floor(i / 6)]!);
      const est = estimateGradient({ bandit, bias, beta: 1, mode: 'seed', clipCoef: 1e9, cBar: Infinity }, 1000, createRng(1));
      expect(relativeError(est.expected, predicted)).toBeLessThan(1e-12);
      expect(row(unclipped, advice, b, 'seed').relErrorExpected).toBeGreaterThan(0.04); // vs ~0 for exact
      expect(row(unclipped, advice, b, 'exact').relErrorExpected).toBeLessThan(1e-9);
    }
  });
});
