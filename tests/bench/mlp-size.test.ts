// Smoke test of the MLP-size benchmark (bench/policy/mlp-size.ts) in its quick mode: the real
// Learner on 64-64 and 256-256, a seconds-long run; checks the result is well formed (every width
// measured, positive finite times, p99 >= p50, the baseline's ratio 1, parameters growing with
// width), not how fast this machine is.
import { mlpSizeTable, QUICK, runMlpSize } from '../../bench/policy/mlp-size';

test('mlp-size quick mode measures every width against the 64-64 baseline', async () => {
  const r = await runMlpSize(QUICK);
  expect(r.widths.map((w) => w.hidden)).toEqual([
    [64, 64],
    [256, 256],
  ]);
  expect(r.baseline).toEqual([64, 64]);
  expect([r.env, r.samplesPerUpdate, r.epochs, r.repeats]).toEqual(['CartPole-v1', 128, 1, 3]);
  for (const w of r.widths) {
    const d = w.updateMsPer1kSamples;
    expect(d.n).toBe(3);
    expect(Number.isFinite(d.p50) && d.p50 > 0).toBe(true);
    expect(d.p99).toBeGreaterThanOrEqual(d.p50);
    expect(w.epochMsPer1kSamplesP50).toBeCloseTo(d.p50, 3); // one epoch in quick mode
    expect(w.ratioVsBaseline).toBeGreaterThan(0);
    expect(w.cpuMsPer1kSamples.n).toBe(3);
    expect(w.cpuMsPer1kSamples.p50).toBeGreaterThan(0);
    expect(w.cpuRatioVsBaseline).toBeGreaterThan(0);
  }
  expect([r.widths[0]!.ratioVsBaseline, r.widths[0]!.cpuRatioVsBaseline]).toEqual([1, 1]);
  expect(r.widths.map((w) => w.parameters)).toEqual([9155, 134915]); // (4*h + h + h*h + h + h*out + out) for actor (out 2) + critic (out 1)
  expect(r.load.before.uptime).toMatch(/load average/);
  expect(mlpSizeTable(r).split('\n')).toHaveLength(6);
}, 60_000);

test('mlp-size refuses a batch that is not a multiple of the 32-step chunk', async () => {
  await expect(runMlpSize({ ...QUICK, samples: 100 })).rejects.toThrow(/multiple of 32/);
  await expect(runMlpSize({ ...QUICK, repeats: 0 })).rejects.toThrow(/repeats/);
});
