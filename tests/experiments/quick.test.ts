// `ala experiment` end to end at test size: every registered experiment's --quick configuration
// runs (one seed), writes experiment.json and one well-formed JSON per (config, seed); a second
// call reruns nothing (resumable); the report writes results.md naming every experiment, a
// summary.csv per experiment and Vega-Lite SVG figures; bad input is refused. Configurations with
// a real-LLM advisor run in `npm run test:llm` (tests/llm/llm-experiment.test.ts); here only a
// dead LLM server is checked to fail fast and clearly.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXPERIMENTS, experimentNamed, UnknownExperimentError } from '../../packages/cli/src/experiment/registry';
import { llmCacheFileName, runExperiment, runFileName, StaleRunError, type RunFile } from '../../packages/cli/src/experiment/runner';
import { LlmCacheError, LlmServerError } from '../../packages/cli/src/experiment/llm-client';
import type { NamedConfig } from '../../packages/cli/src/experiment/run-config';
import { freePort } from '@ala/testkit';
import { runOnce } from '../../packages/cli/src/experiment/run-loop';
import { writeReport } from '../../packages/cli/src/experiment/report';
import { runConfig, RunConfigError } from '../../packages/cli/src/experiment/run-config';
import { MILESTONES } from '@ala/envs';

const dir = mkdtempSync(path.join(tmpdir(), 'ala-experiment-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const needsLlm = (c: NamedConfig): boolean => c.config.advisors.some((a) => a.llm !== undefined);
/** The --quick configurations this suite runs (no real LLM here). */
const scripted = (name: string): NamedConfig[] =>
  experimentNamed(name)
    .configs(true)
    .filter((c) => !needsLlm(c));

test('every experiment runs in quick mode, resumes without rerunning, and the report is well formed', async () => {
  const t0 = performance.now();
  for (const exp of EXPERIMENTS) {
    const configs = scripted(exp.name);
    const r = await runExperiment(exp, { seeds: [1], quick: true, out: dir, command: 'test', only: configs.map((c) => c.id) });
    expect(r.ran + r.skipped).toBe(configs.length);
    expect(r.ran).toBeGreaterThan(0);
    const meta = JSON.parse(readFileSync(path.join(dir, exp.name, 'experiment.json'), 'utf8')) as {
      gitRevision: string;
      versions: Record<string, string>;
      configs: unknown[];
    };
    expect(meta.configs).toHaveLength(exp.configs(true).length);
    expect(meta.gitRevision).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    expect(meta.versions.node).toBe(process.version);
    for (const c of configs) {
      const run = JSON.parse(readFileSync(path.join(dir, exp.name, c.id, 'seed-1.json'), 'utf8')) as RunFile;
      expect(run.result.envSteps).toBe(c.config.totalSteps);
      expect(run.result.curve.length).toBe(c.config.totalSteps / (c.config.agents * c.config.chunkSteps));
      for (const p of run.result.curve) {
        expect(p.milestones).toHaveLength(MILESTONES.length);
        expect(p.advisedFrac).toBeGreaterThanOrEqual(0);
        expect(p.advisedFrac).toBeLessThanOrEqual(1);
        // the 2βB bound on |log μ/π| holds on every step
        expect(p.maxLogRatio).toBeLessThanOrEqual(2 * c.config.beta * c.config.bound + 1e-6);
      }
      expect(run.result.evals.at(-1)?.envSteps).toBe(c.config.totalSteps);
      expect(Number.isFinite(run.result.evals.at(-1)?.ret)).toBe(true);
      if (c.config.advisors.length === 0) expect(run.result.advice.advisedSteps).toBe(0);
      // the engine is recorded; every experiment runs the services' timing and the ppo-learner's engine
      expect(run.result.learner).toBe('kernel');
      expect(run.settings).toMatchObject({ policyDelayMs: 100, deliveryMs: 8, learner: 'kernel' });
      // run time is virtual: steps / (agents x stepHz)
      expect(run.result.seconds).toBeCloseTo(c.config.totalSteps / (c.config.agents * c.config.stepHz), 6);
    }
  }
  const first = performance.now() - t0;
  const again = await runExperiment(experimentNamed('advice-off'), { seeds: [1], quick: true, out: dir, command: 'test' });
  expect(again).toMatchObject({ ran: 0, skipped: 3 });
  const docs = path.join(dir, 'docs');
  const rep = await writeReport(dir, docs, 'test report');
  const md = readFileSync(rep.markdown, 'utf8');
  expect(md).toContain('QUICK MODE');
  for (const exp of EXPERIMENTS) {
    expect(md).toContain(`## ${exp.name}`);
    const csv = readFileSync(path.join(dir, exp.name, 'summary.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv).toHaveLength(1 + scripted(exp.name).length);
  }
  const svgs = readdirSync(path.join(dir, 'figures')).filter((f) => f.endsWith('.svg'));
  expect(svgs.length).toBe(rep.figures);
  for (const f of svgs) {
    expect(readFileSync(path.join(dir, 'figures', f), 'utf8').startsWith('<svg')).toBe(true);
    expect(md).toContain(`](../figures/${f})`);
    expect(statSync(path.join(dir, 'figures', f)).size).toBeGreaterThan(1000);
  }
  expect(first).toBeLessThan(60_000);
}, 120_000);

test('a finished run made with other settings is refused by name, not mixed into the experiment', async () => {
  const out = path.join(dir, 'stale');
  const exp = experimentNamed('advice-off');
  await runExperiment(exp, { seeds: [1], quick: true, out, command: 'test', only: ['none'] });
  const file = runFileName(path.join(out, exp.name), 'none', 1);
  const run = JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  const before = JSON.stringify({ ...run, settings: { ...run.settings, learner: undefined } }); // as written before the engine was a setting
  writeFileSync(file, before);
  await expect(runExperiment(exp, { seeds: [1], quick: true, out, command: 'test', only: ['none'] })).rejects.toThrow(StaleRunError);
  expect(readFileSync(file, 'utf8')).toBe(before);
});

test('identical seeds give identical runs (every random choice is seeded)', async () => {
  const cfg = experimentNamed('advice-vs-none')
    .configs(true)
    .find((c) => c.id === 'good-50ms')!.config;
  const [a, b] = [await runOnce(cfg, 3), await runOnce(cfg, 3)];
  expect(a.curve).toEqual(b.curve);
  expect(a.flow).toEqual(b.flow);
});

test('the CartPole sweep runs CartPole and its advice is fresh only at small latencies', () => {
  const configs = experimentNamed('cartpole-latency-sweep').configs(false);
  expect(configs.every((c) => c.config.envId === 'CartPole-v1' && c.config.stepHz === 50 && c.config.maxEpisodeSteps === null)).toBe(true);
  for (const c of configs.filter((x) => x.id !== 'none')) expect(c.config.ttlMs).toBe(Math.round(2.5 * c.x!));
  expect(
    experimentNamed('ttl-sweep')
      .configs(false)
      .map((c) => c.id),
  ).toContain('ttl-30000');
});

test('an llm advisor whose server is down fails the run with LlmServerError, promptly, writing no result', async () => {
  const exp = experimentNamed('llm-advisor');
  const llmIds = exp
    .configs(true)
    .filter(needsLlm)
    .map((c) => c.id);
  expect(llmIds).toEqual(['smollm2']);
  const out = path.join(dir, 'dead-llm');
  const port = await freePort(); // nothing listens there
  const t0 = performance.now();
  await expect(runExperiment(exp, { seeds: [1], quick: true, out, command: 'test', only: llmIds, llmEndpoint: `http://127.0.0.1:${port}` })).rejects.toThrow(
    LlmServerError,
  );
  await expect(runExperiment(exp, { seeds: [1], quick: true, out, command: 'test', only: llmIds, llmEndpoint: `http://127.0.0.1:${port}` })).rejects.toThrow(
    /unreachable/,
  );
  expect(performance.now() - t0).toBeLessThan(20_000);
  expect(() => statSync(runFileName(path.join(out, exp.name), 'smollm2', 1))).toThrow();
  expect(() => statSync(llmCacheFileName(path.join(out, exp.name), 'smollm2', 1))).toThrow();
  // a damaged cache file is refused by name and left as it was
  const cacheFile = llmCacheFileName(path.join(out, exp.name), 'smollm2', 1);
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, '{"answers": ');
  await expect(runExperiment(exp, { seeds: [1], quick: true, out, command: 'test', only: llmIds, llmEndpoint: `http://127.0.0.1:${port}` })).rejects.toThrow(
    LlmCacheError,
  );
  expect(readFileSync(cacheFile, 'utf8')).toBe('{"answers": ');
});

test('bad input is refused with a named error', () => {
  expect(() => experimentNamed('nope')).toThrow(UnknownExperimentError);
  expect(() => runConfig({ ttlMs: 0 })).toThrow(RunConfigError);
  expect(() => runConfig({ advisors: [{ id: 'x', latencyMs: [1, 2], accuracy: 2 }] })).toThrow(/accuracy/);
  expect(() => runConfig({ isMode: 'bogus' as never })).toThrow(/isMode/);
});
