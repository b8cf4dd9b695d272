import fc from 'fast-check';
import { createRng, gae, InvalidValueError, ShapeError, vtrace, type TrajectoryArrays } from '@ala/rl-core';

/** Naive reference: A_t = Σ_l (γλ)^l δ_{t+l} summed forward until the episode ends or the chunk does. */
function naiveGae(x: TrajectoryArrays, lambda: number): number[] {
  const { T, N, gamma } = x;
  const nextV = (t: number, n: number): number => {
    const i = t * N + n;
    if (x.terminated[i]) return 0;
    if (x.truncated[i]) return x.truncValues[i] as number;
    return t === T - 1 ? (x.nextValue[n] as number) : (x.values[i + N] as number);
  };
  const out: number[] = new Array<number>(T * N).fill(0);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let k = t; k < T; k++) {
        const i = k * N + n;
        const delta = (x.rewards[i] as number) + gamma * nextV(k, n) - (x.values[i] as number);
        sum += (gamma * lambda) ** (k - t) * delta;
        if (x.terminated[i] || x.truncated[i]) break;
      }
      out[t * N + n] = sum;
    }
  }
  return out;
}

function randomChunk(seed: number, T: number, N: number): TrajectoryArrays {
  const rng = createRng(seed);
  const u = (): number => 2 * rng.nextFloat() - 1;
  const n = T * N;
  return {
    rewards: Array.from({ length: n }, u),
    values: Array.from({ length: n }, u),
    terminated: Array.from({ length: n }, () => (rng.nextFloat() < 0.1 ? 1 : 0)),
    truncated: Array.from({ length: n }, () => (rng.nextFloat() < 0.1 ? 1 : 0)),
    truncValues: Array.from({ length: n }, u),
    nextValue: Array.from({ length: N }, u),
    T,
    N,
    gamma: 0.5 + 0.5 * rng.nextFloat(),
  };
}

describe('gae', () => {
  it('matches a hand-computed 5-step vector with one termination and one truncation', () => {
    // γ=0.9, λ=0.8; terminated after t=1, truncated after t=3 with V(final obs)=2.0, V(s_5)=0.4.
    // δ4 = 3+0.9·0.4−0.7 = 2.66; δ3 = 1+0.9·2.0−0.2 = 2.6 (episode end); δ2 = 2+0.9·0.2−1.5 = 0.68,
    // A2 = 0.68+0.72·2.6 = 2.552; δ1 = 0−1.0 = −1.0 (terminated); A0 = 1.4+0.72·(−1) = 0.68.
    const r = gae({
      rewards: [1, 0, 2, 1, 3],
      values: [0.5, 1.0, 1.5, 0.2, 0.7],
      terminated: [0, 1, 0, 0, 0],
      truncated: [0, 0, 0, 1, 0],
      truncValues: [0, 0, 0, 2.0, 0],
      nextValue: [0.4],
      T: 5,
      N: 1,
      gamma: 0.9,
      lambda: 0.8,
    });
    const A = [0.68, -1.0, 2.552, 2.6, 2.66];
    expect(Array.from(r.advantages)).toEqual(A.map((x) => expect.closeTo(x, 12)));
    expect(Array.from(r.returns)).toEqual([1.18, 0, 4.052, 2.8, 3.36].map((x) => expect.closeTo(x, 12)));
  });

  it('uses [T][N] row-major layout (two agents interleaved)', () => {
    const one = gae({
      rewards: [1, 0, 2],
      values: [0.5, 1, 1.5],
      terminated: [0, 0, 0],
      truncated: [0, 0, 0],
      truncValues: [0, 0, 0],
      nextValue: [0.3],
      T: 3,
      N: 1,
      gamma: 0.9,
      lambda: 0.95,
    });
    const two = gae({
      rewards: [1, 9, 0, 9, 2, 9],
      values: [0.5, 0, 1, 0, 1.5, 0],
      terminated: [0, 1, 0, 1, 0, 1],
      truncated: [0, 0, 0, 0, 0, 0],
      truncValues: [0, 0, 0, 0, 0, 0],
      nextValue: [0.3, 5],
      T: 3,
      N: 2,
      gamma: 0.9,
      lambda: 0.95,
    });
    for (let t = 0; t < 3; t++) {
      expect(two.advantages[t * 2]).toBeCloseTo(one.advantages[t]!, 12);
      expect(two.advantages[t * 2 + 1]).toBeCloseTo(9, 12);
    }
  });

  it('agrees with the naive forward-sum reference on seeded random chunks', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, T, N, lambda) => {
          const x = randomChunk(seed, T, N);
          const got = gae({ ...x, lambda });
          const want = naiveGae(x, lambda);
          for (let i = 0; i < T * N; i++) expect(got.advantages[i]).toBeCloseTo(want[i]!, 10);
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it('rejects bad input with typed errors and writes nothing', () => {
    const out = { advantages: new Float64Array(2).fill(7), returns: new Float64Array(2).fill(7) };
    const base = {
      rewards: [1, 2],
      values: [0, 0],
      terminated: [0, 0],
      truncated: [0, 0],
      truncValues: [0, 0],
      nextValue: [0],
      T: 2,
      N: 1,
      gamma: 0.9,
      lambda: 0.9,
      out,
    };
    expect(() => gae({ ...base, rewards: [1] })).toThrow(ShapeError);
    expect(() => gae({ ...base, values: [0, Number.NaN] })).toThrow(InvalidValueError);
    expect(() => gae({ ...base, gamma: 1.5 })).toThrow(InvalidValueError);
    expect(() => gae({ ...base, truncated: [0, 1], truncValues: [0, Number.NaN] })).toThrow(InvalidValueError);
    expect(() => gae({ ...base, T: 0 })).toThrow(InvalidValueError);
    expect(() => gae({ ...base, nextDone: [1] })).toThrow(InvalidValueError); // last step did not end
    expect(() => gae({ ...base, nextDone: [0, 0] })).toThrow(ShapeError);
    expect(gae({ ...base, out: undefined, nextDone: [0] }).advantages[1]).toBeCloseTo(2, 12);
    expect(Array.from(out.advantages)).toEqual([7, 7]);
  });
});

describe('vtrace', () => {
  it('matches a hand-computed 4-step vector', () => {
    // γ=0.9, ρ̄=c̄=1: ρ = c = [0.5, 1, 1, 0.8] from π/μ = [0.5, 2, 1, 0.8]; V(s_4) = 1.
    // v3 = 0.2 + 0.8·2.7 = 2.36; v2 = 0.3 + 0.88 + 0.9·2.16 = 3.124;
    // v1 = 0.4 − 0.13 + 0.9·2.824 = 2.8116; v0 = 0.5 + 0.43 + 0.45·2.4116 = 2.01522.
    const r = vtrace({
      rewards: [1, 0, 1, 2],
      values: [0.5, 0.4, 0.3, 0.2],
      terminated: [0, 0, 0, 0],
      truncated: [0, 0, 0, 0],
      truncValues: [0, 0, 0, 0],
      nextValue: [1.0],
      T: 4,
      N: 1,
      gamma: 0.9,
      logRhos: [0.5, 2.0, 1.0, 0.8].map(Math.log),
      rhoBar: 1,
      cBar: 1,
    });
    expect(Array.from(r.vs)).toEqual([2.01522, 2.8116, 3.124, 2.36].map((x) => expect.closeTo(x, 12)));
    // pg_s = ρ_s (r_s + γ v_{s+1} − V_s)
    expect(Array.from(r.pgAdvantages)).toEqual([1.51522, 2.4116, 2.824, 2.16].map((x) => expect.closeTo(x, 12)));
  });

  it('stops at terminated (0) and truncated (V(final obs)) ends', () => {
    const r = vtrace({
      rewards: [1, 1, 1],
      values: [0, 0, 0],
      terminated: [1, 0, 0],
      truncated: [0, 1, 0],
      truncValues: [0, 10, 0],
      nextValue: [100],
      T: 3,
      N: 1,
      gamma: 0.5,
      logRhos: [0, 0, 0],
      rhoBar: 1,
      cBar: 1,
    });
    expect(Array.from(r.vs)).toEqual([1, 6, 51]);
  });

  it('on-policy (log ρ = 0, ρ̄ = c̄ = 1) equals GAE returns with the same λ', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, T, N, lambda) => {
          const x = randomChunk(seed, T, N);
          const g = gae({ ...x, lambda });
          const v = vtrace({ ...x, lambda, logRhos: new Float64Array(T * N), rhoBar: 1, cBar: 1 });
          for (let i = 0; i < T * N; i++) expect(v.vs[i]).toBeCloseTo(g.returns[i]!, 10);
        },
      ),
      { seed: 4, numRuns: 150 },
    );
  });
});

/** Naive V-trace from IMPALA eq. (1): v_s = V_s + Σ_{t>=s} γ^{t−s} (Π_{i=s}^{t−1} c_i) δ_t, within the episode. */
function naiveVtrace(x: TrajectoryArrays, logRhos: number[], rhoBar: number, cBar: number, lambda: number): number[] {
  const { T, N, gamma } = x;
  const nextV = (t: number, n: number): number => {
    const i = t * N + n;
    if (x.terminated[i]) return 0;
    if (x.truncated[i]) return x.truncValues[i] as number;
    return t === T - 1 ? (x.nextValue[n] as number) : (x.values[i + N] as number);
  };
  const vs = new Array<number>(T * N).fill(0);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < T; s++) {
      let sum = 0;
      let traceProd = 1;
      for (let t = s; t < T; t++) {
        const i = t * N + n;
        const rho = Math.exp(logRhos[i]!);
        const delta = Math.min(rhoBar, rho) * ((x.rewards[i] as number) + gamma * nextV(t, n) - (x.values[i] as number));
        sum += gamma ** (t - s) * traceProd * delta;
        if (x.terminated[i] || x.truncated[i]) break;
        traceProd *= lambda * Math.min(cBar, rho);
      }
      vs[s * N + n] = (x.values[s * N + n] as number) + sum;
    }
  }
  return vs;
}

describe('vtrace vs naive reference', () => {
  it('agrees with the explicit-sum form of IMPALA eq. (1) on seeded off-policy chunks', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, T, N, lambda) => {
          const x = randomChunk(seed, T, N);
          const g = createRng(seed ^ 0x5bd1e995);
          const logRhos = Array.from({ length: T * N }, () => 3 * (g.nextFloat() - 0.5));
          const rhoBar = 0.5 + g.nextFloat();
          const cBar = 0.5 + g.nextFloat();
          const got = vtrace({ ...x, logRhos, rhoBar, cBar, lambda });
          const want = naiveVtrace(x, logRhos, rhoBar, cBar, lambda);
          for (let i = 0; i < T * N; i++) expect(got.vs[i]).toBeCloseTo(want[i]!, 10);
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});
