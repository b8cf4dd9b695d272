// Benchmark of the actor hot path (@ala/rl-core actBatch): bias + softmax + sample for 20 agents
// x 20 actions. Scenarios in one run: plain (no advice), dense bias on every agent (worst case),
// one boosted action per agent (typical advice), and dense bias with a per-step KL budget (fixed
// logits, and logits drifting every step); then the same plain/dense batches in the shape the
// actor-runner passes (legal-action mask, per-agent biasActive flags, Float64 outputs, no KL);
// last, the plain and dense batches on the JavaScript-only path (actBatchJs), which actBatch
// uses where WebAssembly SIMD is missing. actBatch itself runs on the WebAssembly kernel except
// with a KL budget. Each batch is timed on its own (process.hrtime.bigint; the timer's own cost
// is reported).
// Prints a table and writes bench/results/rl-core-act.json. Run: npx tsx bench/rl-core/act.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { actBatch, actBatchJs, actKernelAvailable, clipBias, createRng, randInt, randn, type ActBatchInput, type ActBatchOutput } from '@ala/rl-core';

const N_AGENTS = 20;
const N_ACTIONS = 20;
const BATCHES = 200_000;
const BETA = 0.5;

type Scenario = 'plain' | 'dense' | 'oneHot' | 'denseKlBudget' | 'denseKlBudgetDrift' | 'plainActor' | 'denseActor';

function makeInput(scenario: Scenario): ActBatchInput {
  const rng = createRng(1);
  const total = N_AGENTS * N_ACTIONS;
  const logits = new Float32Array(total);
  for (let i = 0; i < total; i++) logits[i] = 2 * randn(rng);
  const bias = new Float32Array(total);
  for (let i = 0; i < N_AGENTS; i++) {
    if (scenario === 'oneHot') bias[i * N_ACTIONS + randInt(rng, N_ACTIONS)] = 2;
    else
      bias.set(
        clipBias(
          Array.from({ length: N_ACTIONS }, () => 3 * randn(rng)),
          2,
        ),
        i * N_ACTIONS,
      );
  }
  const input: ActBatchInput = {
    logits,
    beta: BETA,
    nAgents: N_AGENTS,
    nActions: N_ACTIONS,
    rng: createRng(2),
    out: {
      action: new Int32Array(N_AGENTS),
      logpMu: new Float32Array(N_AGENTS),
      logpPk: new Float32Array(N_AGENTS),
      biasTaken: new Float32Array(N_AGENTS),
      kl: new Float32Array(N_AGENTS),
    },
  };
  if (scenario === 'plainActor' || scenario === 'denseActor') {
    // as packages/policy/src/vector-actor.ts calls it for the actor-runner: biasActive always, bias only when some agent is
    // advised, the legal-action mask only when some action is illegal (never in CartPole; all legal here)
    input.out = {
      action: new Int32Array(N_AGENTS),
      logpMu: new Float64Array(N_AGENTS),
      logpPk: new Float64Array(N_AGENTS),
      biasTaken: new Float64Array(N_AGENTS),
    };
    const legal = new Uint8Array(total).fill(1);
    input.mask = legal.includes(0) ? legal : undefined;
    input.biasActive = new Uint8Array(N_AGENTS).fill(scenario === 'denseActor' ? 1 : 0);
    input.bias = scenario === 'denseActor' ? bias : undefined;
    return input;
  }
  if (scenario !== 'plain') input.bias = bias;
  if (scenario === 'denseKlBudget' || scenario === 'denseKlBudgetDrift') {
    input.klBudget = 0.05;
    input.klWarmStart = new Float64Array(N_AGENTS); // each agent's last scale, as the actor-runner keeps it
  }
  return input;
}

function quantiles(samples: Float64Array): { p50: number; p99: number; mean: number } {
  const s = Float64Array.from(samples).sort();
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** `between` runs before every batch, outside the timed region (e.g. new logits for the step). */
function measure(
  input: ActBatchInput,
  batches: number,
  between?: () => void,
  act: (x: ActBatchInput) => ActBatchOutput = actBatch,
): { p50: number; p99: number; mean: number } {
  for (let i = 0; i < 20_000; i++) act(input); // warm-up (JIT)
  const us = new Float64Array(batches);
  for (let i = 0; i < batches; i++) {
    between?.();
    const t0 = process.hrtime.bigint();
    act(input);
    us[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return quantiles(us);
}

function timerOverhead(): number {
  const us = new Float64Array(100_000);
  for (let i = 0; i < us.length; i++) {
    const t0 = process.hrtime.bigint();
    us[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return quantiles(us).p50;
}

const overhead = timerOverhead();
const plain = measure(makeInput('plain'), BATCHES);
const dense = measure(makeInput('dense'), BATCHES);
const oneHot = measure(makeInput('oneHot'), BATCHES);
const denseKlBudget = measure(makeInput('denseKlBudget'), BATCHES / 10);
// Same, but the logits move every step (random walk, sd 0.3 per logit), as a learning policy's
// would: the per-agent warm start of the KL-budget search is then only approximate.
const driftInput = makeInput('denseKlBudgetDrift');
const driftRng = createRng(3);
const driftLogits = driftInput.logits as Float32Array;
const denseKlBudgetDrift = measure(driftInput, BATCHES / 10, () => {
  for (let j = 0; j < driftLogits.length; j++) driftLogits[j] = 0.99 * driftLogits[j]! + 0.3 * randn(driftRng);
});
const plainActor = measure(makeInput('plainActor'), BATCHES);
const denseActor = measure(makeInput('denseActor'), BATCHES);
// The JavaScript-only path, measured last: what runs without WebAssembly SIMD.
const plainJs = measure(makeInput('plain'), BATCHES, undefined, actBatchJs);
const denseJs = measure(makeInput('dense'), BATCHES, undefined, actBatchJs);
const result = {
  benchmark: 'rl-core actBatch (bias + softmax + sample)',
  nAgents: N_AGENTS,
  nActions: N_ACTIONS,
  beta: BETA,
  batches: BATCHES,
  unit: 'microseconds per batch of 20 agents, each batch timed on its own',
  timerOverheadP50Us: overhead,
  node: process.version,
  webAssemblyKernel: actKernelAvailable(),
  loadAverage1m: loadavg()[0], // the machine is shared: a load above the core count inflates every number
  plain,
  biasedDense: dense,
  biasedOneHot: oneHot,
  biasedDenseKlBudget: denseKlBudget,
  biasedDenseKlBudgetDriftingLogits: denseKlBudgetDrift,
  actorShape: {
    note: 'biasActive + Float64 outputs, no KL, mask omitted when every action is legal: as actor-runner calls actBatch',
    plain: plainActor,
    biasedDense: denseActor,
  },
  javaScriptPath: {
    note: 'actBatchJs (no WebAssembly), measured after the rest in the same process',
    plain: plainJs,
    biasedDense: denseJs,
    ratioDenseJsToKernelP50: denseJs.p50 / dense.p50,
  },
  ratioDenseToPlainP50: dense.p50 / plain.p50,
  ratioOneHotToPlainP50: oneHot.p50 / plain.p50,
  targetP50Us: 5,
  meetsTargetDense: dense.p50 <= 5,
  meetsTargetOneHot: oneHot.p50 <= 5,
};
const fmt = (x: { p50: number; p99: number; mean: number }) => ({ p50: +x.p50.toFixed(2), p99: +x.p99.toFixed(2), mean: +x.mean.toFixed(2) });
console.table({
  plain: fmt(plain),
  'biased (dense)': fmt(dense),
  'biased (one boosted action)': fmt(oneHot),
  'dense + KL budget 0.05': fmt(denseKlBudget),
  'dense + KL budget, drifting logits': fmt(denseKlBudgetDrift),
  'actor shape: plain': fmt(plainActor),
  'actor shape: dense': fmt(denseActor),
  'JavaScript path: plain': fmt(plainJs),
  'JavaScript path: dense': fmt(denseJs),
});
console.log(
  `WebAssembly kernel: ${actKernelAvailable() ? 'yes' : 'NO (JavaScript path)'}; timer overhead p50 ${overhead.toFixed(3)} us (included above); 1-min load average ${loadavg()[0]!.toFixed(2)}`,
);
console.log(
  `biased/plain p50: dense ${result.ratioDenseToPlainP50.toFixed(2)}, one-hot ${result.ratioOneHotToPlainP50.toFixed(2)}; target <= 5 us p50: dense ${result.meetsTargetDense ? 'met' : 'MISSED'}, one-hot ${result.meetsTargetOneHot ? 'met' : 'MISSED'}`,
);
const dir = join(__dirname, '..', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'rl-core-act.json'), JSON.stringify(result, null, 2) + '\n');
