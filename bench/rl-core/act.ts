// Benchmark of the actor hot path (@ala/rl-core actBatch): bias + softmax + sample for 20 agents
// x 20 actions, biased vs plain in the same run. Prints a table and writes
// bench/results/rl-core-act.json. Run: npx tsx bench/rl-core/act.ts [--batches N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actBatch, createRng, clipBias, randn, type ActBatchInput } from '@ala/rl-core';

const N_AGENTS = 20;
const N_ACTIONS = 20;
const argBatches = process.argv.indexOf('--batches');
const BATCHES = argBatches > 0 ? Number(process.argv[argBatches + 1]) : 200_000;
const REPEATS_PER_SAMPLE = 100; // time 100 batches per clock read: a single batch is near timer resolution

function makeInput(biased: boolean, klBudget?: number): ActBatchInput {
  const rng = createRng(1);
  const total = N_AGENTS * N_ACTIONS;
  const logits = new Float32Array(total);
  for (let i = 0; i < total; i++) logits[i] = 2 * randn(rng);
  const bias = new Float32Array(total);
  for (let i = 0; i < N_AGENTS; i++) {
    const row = clipBias(Array.from({ length: N_ACTIONS }, () => 3 * randn(rng)), 2);
    bias.set(row, i * N_ACTIONS);
  }
  const input: ActBatchInput = {
    logits, beta: 0.5, nAgents: N_AGENTS, nActions: N_ACTIONS, rng: createRng(2),
    out: {
      action: new Int32Array(N_AGENTS), logpMu: new Float32Array(N_AGENTS), logpPk: new Float32Array(N_AGENTS),
      biasTaken: new Float32Array(N_AGENTS), kl: new Float32Array(N_AGENTS),
    },
  };
  if (biased) input.bias = bias;
  if (klBudget !== undefined) input.klBudget = klBudget;
  return input;
}

function measure(input: ActBatchInput): { p50: number; p99: number; mean: number } {
  for (let i = 0; i < 20_000; i++) actBatch(input); // warm-up (JIT)
  const samples: number[] = [];
  for (let s = 0; s < BATCHES / REPEATS_PER_SAMPLE; s++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < REPEATS_PER_SAMPLE; k++) actBatch(input);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000 / REPEATS_PER_SAMPLE);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number): number => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return { p50: q(0.5), p99: q(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

const plain = measure(makeInput(false));
const biased = measure(makeInput(true));
const budget = measure(makeInput(true, 0.05));
const result = {
  benchmark: 'rl-core actBatch', nAgents: N_AGENTS, nActions: N_ACTIONS, batches: BATCHES,
  unit: 'microseconds per batch (mean over 100 consecutive batches per sample)', node: process.version,
  plain, biased, biasedKlBudget: budget,
  ratioBiasedToPlainP50: biased.p50 / plain.p50,
  targetP50Us: 5, meetsTarget: biased.p50 <= 5,
};
console.table({ plain, biased, 'biased+klBudget(0.05)': budget });
console.log(`biased/plain p50 ratio ${result.ratioBiasedToPlainP50.toFixed(2)}; target <= 5 us per biased batch: ${result.meetsTarget ? 'met' : 'MISSED'}`);
const dir = join(__dirname, '..', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'rl-core-act.json'), JSON.stringify(result, null, 2) + '\n');
