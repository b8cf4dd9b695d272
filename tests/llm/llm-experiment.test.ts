// `npm run test:llm`: the llm-advisor experiment's --quick configuration with a real model
// (llama-server + SmolLM2-135M-Instruct, scripts/install-llm.sh): the real-LLM arm runs on the
// virtual clock, its answers are parsed by the advisor-worker's prompt code and delivered as
// advice; the result records the model, the server build and the real call latencies; the answer
// cache next to the results lets a rerun with the server gone reproduce the run exactly; the
// report gets the LLM table. Bounded: a few snapshots, ~1-2 min on 2 busy cores.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLlamaServer, type LlamaServerHandle } from '@ala/testkit';
import { experimentNamed } from '../../packages/cli/src/experiment/registry';
import { llmCacheFileName, runExperiment, runFileName, type RunFile } from '../../packages/cli/src/experiment/runner';
import { writeReport } from '../../packages/cli/src/experiment/report';

jest.setTimeout(150_000);
let llm: LlamaServerHandle;
const dir = mkdtempSync(path.join(tmpdir(), 'ala-llm-experiment-'));

beforeAll(async () => {
  llm = await startLlamaServer({ slots: 1, threads: 1, startTimeoutMs: 60_000 });
});
afterAll(async () => {
  await llm?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const read = (file: string): RunFile => JSON.parse(readFileSync(file, 'utf8')) as RunFile;

test('the real LLM advises CartPole from its 4 observation values (cartpole-llm arm)', async () => {
  const exp = experimentNamed('cartpole-llm');
  const r = await runExperiment(exp, { seeds: [1], quick: true, out: dir, command: 'test', llmEndpoint: llm.url, only: ['smollm2'] });
  expect(r.ran).toBe(1);
  const run = read(runFileName(path.join(dir, exp.name), 'smollm2', 1));
  expect(run.settings.envId).toBe('CartPole-v1');
  const stats = run.result.llm?.smollm2;
  expect(stats?.answers).toBe(run.result.flow.snapshots);
  expect(stats!.answers).toBeGreaterThan(0);
  // a valid answer names one of CartPole's two actions; a random one agrees with the expert half the time (more on ties)
  expect(Object.keys(stats!.actions).every((a) => ['push_left', 'push_right'].includes(a))).toBe(true);
  expect(stats!.chanceRate).toBeGreaterThanOrEqual(0.5);
  expect(stats!.chanceRate).toBeLessThanOrEqual(1);
  for (const p of run.result.curve) expect(p.maxLogRatio).toBeLessThanOrEqual(2 * run.settings.beta * run.settings.bound + 1e-6);
});

test('the real-LLM arm advises on the virtual clock, records the server, and reruns from its cache without the server', async () => {
  const exp = experimentNamed('llm-advisor');
  const expDir = path.join(dir, exp.name);
  const opts = { seeds: [1], quick: true, out: dir, command: 'test', llmEndpoint: llm.url, only: ['smollm2'] };
  const r = await runExperiment(exp, opts); // the scripted arms run in the default suite (tests/experiments/quick.test.ts)
  expect(r.ran).toBe(1);

  const run = read(runFileName(expDir, 'smollm2', 1));
  const cfg = exp.configs(true).find((c) => c.id === 'smollm2')!.config;
  const stats = run.result.llm?.smollm2;
  expect(stats).toBeDefined();
  expect(stats!.model).toBe('smollm2-135m');
  expect(stats!.server?.servedModels).toContain(llm.alias);
  expect(stats!.server?.serverVersion).toMatch(/\S/);
  expect(stats!.server?.endpoint).toBe(llm.url);
  // one answer per snapshot, each from a real call (nothing cached yet), each with a measured latency
  expect(stats!.answers).toBe(run.result.flow.snapshots);
  expect(stats!.answers).toBeGreaterThan(0);
  expect(stats!.calls).toBe(stats!.answers);
  expect(stats!.latencyMs.p50).toBeGreaterThan(0);
  expect(stats!.promptTokens).toBeGreaterThan(100 * stats!.answers);
  expect(stats!.invalid + stats!.truncated).toBeLessThanOrEqual(stats!.answers);
  expect(stats!.agreeRate).toBeGreaterThanOrEqual(0);
  expect(stats!.agreeRate).toBeLessThanOrEqual(1);
  // valid answers became advice, applied within the TTL and bounded by 2βB
  if (run.result.modes.smollm2!.llm! > 0) expect(run.result.advice.advisedSteps).toBeGreaterThan(0);
  for (const p of run.result.curve) expect(p.maxLogRatio).toBeLessThanOrEqual(2 * cfg.beta * cfg.bound + 1e-6);
  // the virtual clock: the LLM's real seconds cost no run time
  expect(run.result.seconds).toBeCloseTo(cfg.totalSteps / (cfg.agents * cfg.stepHz), 6);
  const cache = JSON.parse(readFileSync(llmCacheFileName(expDir, 'smollm2', 1), 'utf8')) as { answers: Record<string, { ms: number }> };
  expect(Object.keys(cache.answers)).toHaveLength(stats!.calls);

  // the server gone: the rerun finds every answer in the cache and reproduces the run exactly
  const url = llm.url;
  await llm.stop();
  rmSync(runFileName(expDir, 'smollm2', 1));
  const again = await runExperiment(exp, { ...opts, llmEndpoint: url });
  expect(again.ran).toBe(1);
  const rerun = read(runFileName(expDir, 'smollm2', 1));
  expect(rerun.result.curve).toEqual(run.result.curve);
  expect(rerun.result.evals).toEqual(run.result.evals);
  expect(rerun.result.flow).toEqual(run.result.flow);
  expect(rerun.result.advice).toEqual(run.result.advice);
  expect(rerun.result.llm?.smollm2).toMatchObject({ calls: 0, cacheHits: stats!.answers, latencyMs: stats!.latencyMs, agreeRate: stats!.agreeRate });
  // the server that produced the answers, as the cache file recorded it
  expect(rerun.result.llm?.smollm2?.server).toEqual({ ...stats!.server, fromCache: true });

  const rep = await writeReport(dir, path.join(dir, 'docs'), 'test report');
  const md = readFileSync(rep.markdown, 'utf8');
  expect(md).toContain('## llm-advisor');
  expect(md).toContain('smollm2-135m');
});
