// Advice quality of a real LLM: on a fixed, seeded set of CraftWorld and CartPole states, how often
// the openai-compatible backend's answer agrees with the env's scripted expert (packages/envs),
// against chance (a uniformly random legal action agreeing), plus invalid, truncated and failed
// answers, latency p50/p95 and completion tokens/s, per model and prompt version. States come
// from playing a noisy expert (70 % expert, 30 % random legal; seeded) for a seeded number of
// steps, so CraftWorld states cover the tech tree, not only the spawn. Each state is asked once,
// without history, `slots` at a time. The server is llama-server with SmolLM2-135M-Instruct by
// default (scripts/install-llm.sh), started here; or any server given by --endpoint.
// Must not: change the backend or the prompt it measures.
// Run: npx tsx bench/llm/advice-quality.ts [--states 30] [--seed 1] [--slots 2] [--threads 1]
//        [--max-tokens 96] [--model-file F --alias NAME | --endpoint URL --model NAME]
//      (merges its entry, keyed by model and prompt version, into bench/results/llm-advice-quality.json)
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { ADVISOR_DEFAULTS, BackendError, openAiBackend, PROMPT_VERSION } from '@ala/advisor-worker';
import { getExpert, makeEnv, Pcg64, randInt, type Env } from '@ala/envs';
import type { StateSnapshot } from '@ala/protocol';
import { startLlamaServer, type LlamaServerHandle } from '@ala/testkit';
import { writeResult } from '../common';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const nStates = Number(flag('--states') ?? 30);
const seed = Number(flag('--seed') ?? 1);
const slots = Number(flag('--slots') ?? 2);
const maxTokens = Number(flag('--max-tokens') ?? 96);
const ENVS: { id: string; maxSteps: number }[] = [
  { id: 'CraftWorld-v0', maxSteps: 150 },
  { id: 'CartPole-v1', maxSteps: 80 },
];

interface Case {
  snapshot: StateSnapshot;
  /** Actions with the expert's best score (ties all count as agreeing). */
  best: number[];
  legalCount: number;
}

/** A seeded state of `envId`: a noisy expert plays a seeded number of steps from a seeded reset. */
function makeCase(envId: string, maxSteps: number, i: number, rng: Pcg64): Case {
  for (let attempt = 0; ; attempt++) {
    const env: Env = makeEnv(envId);
    const { obs } = env.reset({ seed: seed * 100_003 + i * 7 + attempt });
    const expert = getExpert(env, { accuracy: 0.7, rng });
    let last = obs;
    let done = false;
    const steps = randInt(rng, maxSteps + 1);
    for (let t = 0; t < steps && !done; t++) {
      const r = env.step(expert.expertAction(env));
      last = r.obs;
      done = r.terminated || r.truncated;
    }
    if (done && attempt < 10) continue; // a state where the episode still runs
    const scores = getExpert(env).scores(env);
    const top = Math.max(...scores.filter((x) => x !== -Infinity));
    const legal = Array.from(env.legalActions(), (x) => x === 1);
    return {
      snapshot: {
        v: 1,
        agentId: `bench-${i}`,
        actorId: 'bench',
        envId,
        seq: i,
        policyVersion: 0,
        episodeStep: steps,
        text: env.describe(),
        actionNames: [...env.actionSpace.actionNames],
        legal,
        ...(envId.startsWith('CartPole') ? { obs: Array.from(last) } : {}),
        createdAt: Date.now(),
      },
      best: scores.flatMap((x, a) => (x === top ? [a] : [])),
      legalCount: legal.filter(Boolean).length,
    };
  }
}

async function measure(envId: string, cases: Case[], endpointUrl: string, model: string) {
  const backend = openAiBackend({
    config: { ...ADVISOR_DEFAULTS.llm, endpointUrl, model, maxTokens, cacheSize: 0, slots, timeoutMs: 60_000, breakerFailures: 1_000, temperature: 0 },
    advisorId: 'bench',
    historyLength: 0,
  });
  const outcome = { agree: 0, answered: 0, invalid: 0, truncated: 0, failed: 0 };
  const latency: number[] = [];
  const errors: Record<string, string> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      const t0 = performance.now();
      try {
        const a = await backend.advise(c.snapshot, AbortSignal.timeout(90_000));
        latency.push(performance.now() - t0);
        outcome.answered++;
        if (a.action !== undefined && c.best.includes(a.action)) outcome.agree++;
      } catch (err) {
        if (!(err instanceof BackendError)) throw err;
        if (err.kind === 'invalid-answer') outcome.invalid++;
        else if (err.kind === 'truncated') outcome.truncated++;
        else outcome.failed++;
        if (err.kind === 'invalid-answer' || err.kind === 'truncated') latency.push(performance.now() - t0); // the server did answer
        errors[err.kind] = err.detail.slice(0, 160);
      }
    }
  };
  await Promise.all(Array.from({ length: slots }, worker));
  const st = backend.stats?.() ?? {};
  const sorted = [...latency].sort((a, b) => a - b);
  const pct = (q: number): number => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : NaN);
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    envId,
    states: cases.length,
    ...outcome,
    agreeRate: r(outcome.agree / cases.length),
    chanceRate: r(cases.reduce((s, c) => s + c.best.filter((a) => c.snapshot.legal[a]).length / c.legalCount, 0) / cases.length),
    invalidRate: r(outcome.invalid / cases.length),
    truncatedRate: r(outcome.truncated / cases.length),
    latencyP50Ms: pct(0.5),
    latencyP95Ms: pct(0.95),
    /** completion tokens / wall time of the answered calls (prompt processing included) */
    completionTokensPerS: r(st.llmCompletionTokensPerS ?? 0),
    promptTokens: st.llmPromptTokens ?? 0,
    completionTokens: st.llmCompletionTokens ?? 0,
    jsonObjectFallback: st.llmJsonObjectFormat === 1,
    lastErrors: errors,
  };
}

async function main(): Promise<void> {
  const endpoint = flag('--endpoint');
  let llm: LlamaServerHandle | undefined;
  const modelFile = flag('--model-file');
  if (!endpoint)
    llm = await startLlamaServer({
      slots,
      threads: Number(flag('--threads') ?? 1),
      ...(modelFile ? { model: modelFile, alias: flag('--alias') ?? path.basename(modelFile, '.gguf') } : {}),
    });
  const model = flag('--model') ?? llm?.alias ?? 'default';
  const loadBefore = loadavg()[0]!;
  try {
    const rng = Pcg64.fromSeed(seed);
    const perEnv = [];
    for (const e of ENVS) {
      const cases = Array.from({ length: nStates }, (_, i) => makeCase(e.id, e.maxSteps, i, rng));
      const m = await measure(e.id, cases, endpoint ?? llm!.url, model);
      process.stdout.write(
        `${e.id}: agree ${m.agree}/${m.states} (${m.agreeRate}, chance ${m.chanceRate}), invalid ${m.invalid}, truncated ${m.truncated}, failed ${m.failed}, p50 ${m.latencyP50Ms} ms, p95 ${m.latencyP95Ms} ms, ${m.completionTokensPerS} tok/s\n`,
      );
      perEnv.push(m);
    }
    const entry = {
      model,
      promptVersion: PROMPT_VERSION,
      server: endpoint ? endpoint : `llama-server -np ${slots} -t ${flag('--threads') ?? 1}`,
      seed,
      maxTokens,
      slots,
      date: new Date().toISOString(),
      loadAvg1m: { before: loadBefore, after: loadavg()[0]! },
      envs: perEnv,
    };
    const file = path.join(__dirname, '..', 'results', 'llm-advice-quality.json');
    const old = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { entries?: (typeof entry)[] }).entries ?? []) : [];
    const entries = [...old.filter((x) => !(x.model === entry.model && x.promptVersion === entry.promptVersion)), entry];
    process.stdout.write(`wrote ${writeResult('llm-advice-quality', { entries })}\n`);
  } finally {
    await llm?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
