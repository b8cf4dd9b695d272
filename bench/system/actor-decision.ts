// Actor decision latency for 20 agents: live-bias table prepare -> one batched ONNX Runtime call
// -> actBatch (μ = softmax(z + βb), sampling, exact log-probs), i.e. obs -> bias -> sample, with
// every agent advised, next to the same path without advice (baseline, same run). Also the whole
// vector step of the actor-runner (Acting.step: + env step, chunk row, snapshots off).
// Targets: decision p50 <= 0.2 ms, p99 <= 1 ms.
// Run: npx tsx bench/system/actor-decision.ts [--quick]   (writes bench/results/system-actor-decision.json)
import { VectorEnv } from '@ala/envs';
import { Learner, OrtPolicy, presetFor } from '@ala/policy';
import { actBatch, createRng, type ActBatchOutput } from '@ala/rl-core';
import { BiasTable } from '../../services/actor-runner/src/bias-table';
import { Acting } from '../../services/actor-runner/src/acting';
import { dist, writeResult } from '../common';

const quick = process.argv.includes('--quick');
const N = quick ? 2_000 : 20_000;
const AGENTS = 20;

async function main(): Promise<void> {
  const venv = VectorEnv.make('CartPole-v1', AGENTS);
  const learner = await Learner.create({ obsDim: venv.obsDim, nActions: venv.numActions, config: presetFor('CartPole-v1'), seed: 1 });
  const policy = await OrtPolicy.create(learner.exportOnnx(), { obsDim: venv.obsDim, nActions: venv.numActions, policyVersion: 1 });
  const ids = Array.from({ length: AGENTS }, (_, i) => `a-${i}`);
  const table = new BiasTable(ids, venv.numActions);
  const rng = createRng(1);
  const out: ActBatchOutput = {
    action: new Int32Array(AGENTS),
    logpMu: new Float64Array(AGENTS),
    logpPk: new Float64Array(AGENTS),
    biasTaken: new Float64Array(AGENTS),
  };
  const obs = venv.reset({ seed: 1 }).obs;
  const mask = venv.legalActionMasks();

  const decide = async (advised: boolean): Promise<number> => {
    const t0 = performance.now();
    const now = t0;
    if (advised) for (const id of ids) table.set(id, [0.5, -0.5], { adviceId: 'x', receivedAt: now, deadline: now + 1e9 }, now);
    else table.clear();
    const live = table.prepare(now);
    const { logits } = await policy.run(obs, AGENTS);
    actBatch({
      logits,
      bias: live > 0 ? table.bias : undefined,
      biasActive: table.active,
      beta: 1,
      mask,
      nAgents: AGENTS,
      nActions: venv.numActions,
      rng,
      out,
    });
    return performance.now() - t0;
  };
  const rounds: Record<string, number[]> = { advised: [], baseline: [] };
  for (let i = 0; i < N + 500; i++) {
    const a = await decide(true);
    const b = await decide(false);
    if (i >= 500) {
      rounds.advised!.push(a);
      rounds.baseline!.push(b);
    }
  }

  // The whole actor-runner vector step (snapshots off), with and without live advice
  const acting = new Acting(
    venv,
    policy,
    1,
    { actorId: 'bench', envId: 'CartPole-v1', agentIds: ids, beta: 1, klBudget: 0, chunkSteps: 32, snapshotEvery: 0 },
    createRng(2),
    1,
  );
  const step: Record<string, number[]> = { advised: [], baseline: [] };
  for (let i = 0; i < N / 2 + 200; i++) {
    for (const advised of [true, false]) {
      const now = performance.now();
      if (advised) for (const id of ids) table.set(id, [0.5, -0.5], { adviceId: 'x', receivedAt: now, deadline: now + 1e9 }, now);
      else table.clear();
      table.prepare(now);
      const t0 = performance.now();
      await acting.step(table);
      if (i >= 200) step[advised ? 'advised' : 'baseline']!.push(performance.now() - t0);
    }
  }
  const result = {
    agents: AGENTS,
    env: 'CartPole-v1',
    units: 'ms',
    targets: { decisionP50Ms: 0.2, decisionP99Ms: 1 },
    decision: { advised: dist(rounds.advised!), baseline: dist(rounds.baseline!) },
    vectorStep: { advised: dist(step.advised!), baseline: dist(step.baseline!) },
  };
  const file = writeResult('system-actor-decision', result);
  console.log(JSON.stringify(result, null, 2));
  console.log(`wrote ${file}`);
  await acting.release();
  learner.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
