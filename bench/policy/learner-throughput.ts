// Learner throughput: sample-gradients per second of Learner.update (64-64 MLP, minibatch 512) on
// the WebAssembly kernel engine, with the TF.js wasm engine measured in the same run as the
// baseline (ratio), plus ONNX export, session creation and batched ORT inference times.
// Run: npx tsx bench/policy/learner-throughput.ts [--backend kernel|wasm|cpu]
// Writes bench/results/learner-throughput[-cpu].json. Must not: run in the default test suite.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Learner, OrtPolicy, makePpoConfig, type LearnerBackend, type MutableRollout } from '@ala/policy';
import { syntheticRollout } from '../synthetic-rollout';

const backend = (process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'kernel') as LearnerBackend;
const TARGET = 150_000;

const rollout = (T: number, N: number, obsDim: number, seed: number, version: number): MutableRollout => syntheticRollout(T, N, obsDim, 2, seed, version);

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function main(): Promise<void> {
  const loadavgAtStart = os.loadavg();
  const obsDim = 4;
  const minibatch = 512;
  const config = makePpoConfig({
    numEnvs: 8,
    numSteps: 256,
    numMinibatches: 4,
    updateEpochs: 10,
    hidden: [64, 64],
    annealLr: false,
    totalTimesteps: 10_000_000,
  });
  const batch = config.numEnvs * config.numSteps;
  /** Six updates after a warm-up: sample-gradients/s over wall time and over this process's CPU time. */
  const measure = async (engine: LearnerBackend): Promise<{ learner: Learner; wall: number; cpu: number; rates: number[] }> => {
    const learner = await Learner.create({ obsDim, nActions: 2, config, seed: 1, backend: engine });
    learner.update(rollout(config.numSteps, config.numEnvs, obsDim, 0, learner.policyVersion)); // warm-up
    const rates: number[] = [];
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 1; i <= 6; i++) {
      const m = learner.update(rollout(config.numSteps, config.numEnvs, obsDim, i, learner.policyVersion));
      if (m.droppedFrac !== 0 || m.epochs !== config.updateEpochs) throw new Error('benchmark batch was filtered');
      rates.push((m.epochs * batch) / (m.updateMs / 1000));
    }
    const cpu = process.cpuUsage(c0);
    const work = 6 * config.updateEpochs * batch;
    return { learner, wall: work / ((performance.now() - t0) / 1000), cpu: work / ((cpu.user + cpu.system) / 1e6), rates };
  };
  // The TF.js wasm engine in the same run, as the baseline
  const base = backend === 'kernel' ? await measure('wasm') : undefined;
  base?.learner.dispose();
  const { learner, wall: total, cpu: totalCpu, rates } = await measure(backend);

  // ONNX export + session creation, and one batched inference call for 20 agents
  const exportMs: number[] = [];
  const sessionMs: number[] = [];
  let policy: OrtPolicy | undefined;
  for (let i = 0; i < 30; i++) {
    const a = performance.now();
    const bytes = learner.exportOnnx();
    const b = performance.now();
    const p = await OrtPolicy.create(bytes, { obsDim, nActions: 2 });
    sessionMs.push(performance.now() - b);
    exportMs.push(b - a);
    if (policy) await policy.release();
    policy = p;
  }
  const obs20 = new Float32Array(20 * obsDim).map((_, i) => Math.sin(i));
  const runUs: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const a = performance.now();
    await policy!.run(obs20, 20);
    runUs.push((performance.now() - a) * 1000);
  }
  await policy!.release();

  const result = {
    benchmark: 'learner throughput (Learner.update, PPO, 64-64 tanh MLP, CartPole-sized obs)',
    backend: learner.backend,
    minibatch,
    batch,
    updateEpochs: config.updateEpochs,
    sampleGradientsPerSec: { mean: total, perUpdateMedian: pct(rates, 0.5), perUpdateMin: Math.min(...rates), perCpuSecond: totalCpu },
    baseline: base && {
      backend: 'wasm (TF.js engine, same run)',
      sampleGradientsPerSec: { mean: base.wall, perUpdateMedian: pct(base.rates, 0.5), perCpuSecond: base.cpu },
      ratioMean: total / base.wall,
      ratioPerCpuSecond: totalCpu / base.cpu,
    },
    targetSampleGradientsPerSec: TARGET,
    meetsTarget: total >= TARGET,
    onnxExportMs: { p50: pct(exportMs, 0.5), p99: pct(exportMs, 0.99) },
    ortSessionCreateMs: { p50: pct(sessionMs, 0.5), p99: pct(sessionMs, 0.99) },
    ortRunBatch20Us: { p50: pct(runUs, 0.5), p99: pct(runUs, 0.99) },
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg(), loadavgAtStart, node: process.version },
    note: 'machine shared with other agents while measured; perCpuSecond divides by this process CPU time (less sensitive to load than wall time)',
    measuredAt: new Date().toISOString(),
  };
  const out = path.resolve(__dirname, '..', 'results', backend === 'cpu' ? 'learner-throughput-cpu.json' : 'learner-throughput.json');
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
  learner.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
