// The realtime validation's pure parts: the comparison (virtual mean inside the services' 95 %
// interval, Welch's difference, seeds only one side has left out), the mapping of a validation case
// to the virtual models and to the services' stack options, and the virtual loop's services model
// (policy delay, delivery delay): deterministic per seed, the lockstep default unchanged by the
// new settings, samples acted by the previous policy version while an update is on its way.
import { compareRuns, inCi, MEASURES, type RunNumbers } from '../../packages/cli/src/experiment/validate/compare';
import { DELIVERY_MS, POLICY_DELAY_MS, validationCases, virtualConfig } from '../../packages/cli/src/experiment/validate/cases';
import { ServicesRunError, stackOptionsFor } from '../../packages/cli/src/experiment/validate/services-run';
import { goodAdvisor, runConfig, RunConfigError } from '../../packages/cli/src/experiment/run-config';
import { runOnce } from '../../packages/cli/src/experiment/run-loop';

const run = (seed: number, x: number): RunNumbers => ({ seed, piAlone: x, piEnd: x + 1, advisedReturn: 2 * x, advisedPct: 50 + x });

describe('compareRuns', () => {
  const services = [1, 2, 3, 4, 5].map((s) => run(s, 4 + 0.1 * s)); // mean 4.3, sd 0.158, 95 % half 0.196
  it('a virtual mean inside the services interval matches; one outside does not', () => {
    const same = compareRuns(
      services,
      [1, 2, 3, 4, 5].map((s) => run(s, 4.25 + 0.05 * (s % 2))),
    );
    expect(same.map((m) => m.measure)).toEqual(MEASURES.map((m) => m.key));
    const pi = same.find((m) => m.measure === 'piAlone')!;
    expect(pi.services.mean).toBeCloseTo(4.3, 10);
    expect(pi.services.half).toBeCloseTo((2.776 * Math.sqrt(0.025)) / Math.sqrt(5), 6);
    expect(pi.virtualInServicesCi).toBe(true);
    expect(pi.diffCovers0).toBe(true);
    const off = compareRuns(
      services,
      [1, 2, 3, 4, 5].map((s) => run(s, 4.6 + 0.01 * s)),
    ).find((m) => m.measure === 'piAlone')!;
    expect(off.virtualInServicesCi).toBe(false);
    expect(off.diffCovers0).toBe(false);
    expect(off.diff.mean).toBeCloseTo(4.3 - 4.63, 10);
  });

  it('uses only the seeds both sides have', () => {
    const c = compareRuns(
      services.slice(0, 3),
      [1, 2, 3, 4, 5].map((s) => run(s, 100 * s)),
    ).find((m) => m.measure === 'piAlone')!;
    expect(c.services.n).toBe(3);
    expect(c.virtual.n).toBe(3);
    expect(c.virtual.mean).toBeCloseTo(200, 10);
  });

  it('with fewer than 2 seeds there is no interval, so no match is claimed', () => {
    const c = compareRuns([run(1, 4)], [run(1, 4)]);
    for (const m of c) {
      expect(Number.isNaN(m.services.half)).toBe(true);
      expect(m.virtualInServicesCi).toBe(false);
      expect(m.diffCovers0).toBe(false);
    }
  });

  it('inCi: boundaries, zero-width intervals, NaN', () => {
    expect(inCi(1.5, { mean: 1, half: 0.5, n: 5 })).toBe(true);
    expect(inCi(1.51, { mean: 1, half: 0.5, n: 5 })).toBe(false);
    expect(inCi(2, { mean: 2, half: 0, n: 5 })).toBe(true);
    expect(inCi(Number.NaN, { mean: 2, half: 1, n: 5 })).toBe(false);
    expect(inCi(2, { mean: 2, half: Number.NaN, n: 1 })).toBe(false);
  });
});

describe('validation cases', () => {
  it('the lockstep model is the case without delays; the services model adds the delays and the actor snapshot schedule', () => {
    const [none, slow, fast] = validationCases(4096);
    expect(virtualConfig(slow!, 'lockstep')).toBe(slow!.config);
    expect(slow!.config).toMatchObject({ policyDelayMs: null, deliveryMs: null });
    const m = virtualConfig(slow!, 'services-model');
    expect(m).toMatchObject({ policyDelayMs: POLICY_DELAY_MS, deliveryMs: DELIVERY_MS, snapshotGapMs: 4000, inFlightPerAgent: 64, ttlMs: 10_000 });
    expect(virtualConfig(fast!, 'services-model')).toMatchObject({ snapshotGapMs: 100, ttlMs: 200 });
    expect(virtualConfig(none!, 'services-model').snapshotGapMs).toBe(0);
  });

  it('maps a case to the services: latency range, accuracy, batch, MLP, snapshot schedule', () => {
    const [none, slow] = validationCases(4096);
    const o = stackOptionsFor(slow!.config, 3, { snapshotEvery: 40 });
    expect(o).toMatchObject({
      envId: 'CraftWorld-v0',
      agents: 8,
      stepHz: 10,
      seed: 3,
      chunkSteps: 128,
      snapshotEvery: 40,
      adviceTtlMs: 10_000,
      advisor: 'scripted',
      advisorLatencyMs: 3000,
      scripted: { latencyMaxMs: 5000, accuracy: 0.9, adversarial: 0, confidence: 0.8 },
      learnerConfig: { minBatch: 1024, hidden: '64,64' },
      totalTimesteps: 4096,
    });
    expect(stackOptionsFor(none!.config, 1, { snapshotEvery: 40 })).toMatchObject({ advisor: 'none', snapshotEvery: 0 });
    const two = runConfig({ advisors: [goodAdvisor({ id: 'a' }), goodAdvisor({ id: 'b' })] });
    expect(() => stackOptionsFor(two, 1, { snapshotEvery: 1 })).toThrow(ServicesRunError);
    expect(() => stackOptionsFor(runConfig({ ttlMs: null }), 1, { snapshotEvery: 1 })).toThrow(/finite advice TTL/);
  });
});

describe('virtual services model', () => {
  const small = { agents: 4, chunkSteps: 32, totalSteps: 512, maxEpisodeSteps: 40, evalEverySteps: 0, evalEpisodes: 4, ppo: { hidden: [16], updateEpochs: 1 } };
  const fast = { advisors: [goodAdvisor({ latencyMs: [50, 100] })], ttlMs: 200 };

  it('refuses negative delays', () => {
    expect(() => runConfig({ policyDelayMs: -1 })).toThrow(RunConfigError);
    expect(() => runConfig({ deliveryMs: Number.NaN })).toThrow(/deliveryMs/);
  });

  it('null delays are the lockstep loop; set delays change the run and stay deterministic per seed', async () => {
    const base = runConfig({ ...small, ...fast, policyDelayMs: null, deliveryMs: null });
    const a = await runOnce(base, 3);
    const b = await runOnce(runConfig({ ...small, ...fast, policyDelayMs: 0, deliveryMs: 0 }), 3);
    expect(b.curve).toEqual(a.curve);
    const modelled = runConfig({ ...small, ...fast, policyDelayMs: 250, deliveryMs: 60 });
    const c = await runOnce(modelled, 3);
    const d = await runOnce(modelled, 3);
    expect(d.curve).toEqual(c.curve);
    expect(d.evals).toEqual(c.evals);
    // an answer at 50-100 ms plus 60 ms of delivery misses the next step more often than not
    const frac = (r: typeof a): number => r.advice.advisedSteps / r.envSteps;
    expect(frac(c)).toBeLessThan(frac(a));
    expect(c.curve).not.toEqual(a.curve);
  });
});
