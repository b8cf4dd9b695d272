// One (config, seed) run of an experiment: the acting code of the actor-runner (@ala/policy
// VectorActor with the actor's BiasTable: deadlines, ±B clipping, expiry), the simulated advice
// chain (advice-flow.ts) and the PPO Learner: a chunk of `chunkSteps` steps, one update. With
// policyDelayMs null the new policy is swapped in at once (lockstep, policy lag 0); with a number
// it acts from that many run-clock ms after the chunk, the actors acting on with the previous
// version meanwhile, as with the services (the learner updating in its own thread, the actor
// loading the stored policy). Answers reach the bias table deliveryMs after they are voted. On the
// 'virtual' clock a step takes exactly 1000/stepHz ms, so a 4 s advisor costs no wall time and the
// learner's compute takes none; on the 'real' clock the same loop is paced by performance.now() and
// sleeps (the first validation, superseded by the services' run in validate/).
// Records per chunk the behaviour return (with advice), milestone rates, advice and IS statistics,
// and every evalEverySteps the return of π alone on fresh envs.
// Must not: write files or print (runner.ts does).
import { VectorEnv } from '@ala/envs';
import { Learner, OrtPolicy, VectorActor, makePpoConfig, presetFor } from '@ala/policy';
import type { TrajectoryChunk } from '@ala/protocol';
import { rngSplit } from '@ala/rl-core';
import { BiasTable } from '@ala/actor-runner';
import { AdviceFlow, type FlowCounts } from './advice-flow';
import { MilestoneEnv, milestoneRates, type EpisodeSummary } from './milestone-env';
import type { RunConfig } from './run-config';
import { createAdvisors, llmStats, prepareAdvisors, type AdvisorContext, type LlmAdvisorStats } from './llm-advisor';
import { snapshotEnv, type PendingSnapshot } from './sim-advisor';

export type ClockMode = 'virtual' | 'real';

/** One point of a run's learning curve (after each update). */
export interface CurvePoint {
  readonly envSteps: number;
  /** Run-clock seconds since the start (virtual or real). */
  readonly t: number;
  /** Mean behaviour return (with advice) of the last 100 episodes. */
  readonly ret100: number | null;
  readonly advisedFrac: number;
  /** Milestone rates over the last 100 episodes. */
  readonly milestones: number[];
  readonly isWeightMean: number;
  readonly isWeightMax: number;
  readonly essOverN: number;
  readonly klMuPi: number;
  /** max |log μ(a|s) − log π(a|s)| over the chunk's advised steps (bounded by 2βB). */
  readonly maxLogRatio: number;
}

/** π alone on fresh envs. */
export interface EvalPoint {
  readonly envSteps: number;
  readonly t: number;
  readonly ret: number;
  readonly success: number;
  readonly milestones: number[];
}

export interface RunResult {
  readonly curve: CurvePoint[];
  readonly evals: EvalPoint[];
  readonly flow: FlowCounts;
  readonly advice: { accepted: number; expired: number; expiredUnused: number; replaced: number; advisedSteps: number; meanAgeMs: number };
  readonly modes: Record<string, Record<string, number>>;
  /** The learner's engine that ran ('kernel', or the TF.js backend: 'wasm' / 'cpu'; a kernel that failed to load falls back to TF.js). */
  readonly learner: string;
  /** Per `llm` advisor: model, server, real call latencies, tokens, agreement with the expert. */
  readonly llm?: Record<string, LlmAdvisorStats>;
  readonly envSteps: number;
  /** Run-clock seconds at the end. */
  readonly seconds: number;
  /** Wall seconds the run took on this machine. */
  readonly wallSeconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `cfg` with `seed`; `onProgress(envSteps)` after every update. */
export async function runOnce(
  cfg: RunConfig,
  seed: number,
  clockMode: ClockMode = 'virtual',
  onProgress?: (envSteps: number) => void,
  ctx: AdvisorContext = {},
): Promise<RunResult> {
  const wall0 = performance.now();
  const venv = VectorEnv.make(cfg.envId, cfg.agents, envOptions(cfg));
  const env = new MilestoneEnv(venv);
  const obs0 = venv.reset({ seed }).obs;
  const { obsDim, numActions: nActions } = venv;
  const ppo = makePpoConfig({
    ...presetFor(cfg.envId),
    ...cfg.ppo,
    numEnvs: cfg.agents,
    numSteps: cfg.chunkSteps,
    totalTimesteps: cfg.totalSteps,
    beta: cfg.beta,
    isMode: cfg.isMode === 'none' ? 'exact' : cfg.isMode,
  });
  const learner = await Learner.create({ obsDim, nActions, config: ppo, seed, backend: cfg.learner ?? 'kernel' });
  const onnx = (): Promise<OrtPolicy> => OrtPolicy.create(learner.exportOnnx(), { obsDim, nActions, policyVersion: learner.policyVersion });
  const actor = new VectorActor(
    env,
    await onnx(),
    learner.policyVersion,
    { actorId: 'exp', beta: cfg.beta, chunkSteps: cfg.chunkSteps },
    rngSplit(seed, 2),
    obs0,
  );
  const agentIds = Array.from({ length: cfg.agents }, (_, i) => `exp-${i}`);
  const table = new BiasTable(agentIds, nActions, { bound: cfg.bound, maxTtlMs: cfg.ttlMs ?? 1e12 });
  const advisors = createAdvisors(cfg.advisors, cfg.envId, seed, ctx);
  const taken: PendingSnapshot[] = [];
  const flow = new AdviceFlow(advisors, cfg.agents, cfg);
  const period = 1000 / cfg.stepHz;
  const deliveryMs = cfg.deliveryMs ?? 0;
  // trained policies waiting to act (policyDelayMs set): when each starts acting on the run clock
  const waiting: { at: number; policy: OrtPolicy; version: number }[] = [];
  let learnerFreeAt = 0;
  const t0 = performance.now();
  const now = (k: number): number => (clockMode === 'virtual' ? k * period : performance.now() - t0);

  const curve: CurvePoint[] = [];
  const evals: EvalPoint[] = [];
  const recent: EpisodeSummary[] = [];
  let steps = 0;
  let advisedSteps = 0;
  let ageSum = 0;
  let chunkAdvised = 0;
  let maxLogRatio = 0;
  let k = 0;
  let nextEval = cfg.evalEverySteps;
  try {
    while (steps < cfg.totalSteps) {
      const t = now(k);
      const adviceOn = cfg.adviceStopAtStep === null || steps < cfg.adviceStopAtStep;
      while (waiting.length > 0 && waiting[0]!.at <= t) {
        const w = waiting.shift()!;
        await actor.setPolicy(w.policy, w.version).release();
      }
      for (const d of flow.poll(t - deliveryMs)) {
        if (adviceOn) table.set(agentIds[d.agent]!, d.bias, { adviceId: d.adviceId, receivedAt: t, deadline: Math.min(d.deadline, t + 1e12) }, t);
      }
      if (!adviceOn) table.clear();
      const live = table.prepare(t);
      const r = await actor.step(table, (f) => {
        if (!adviceOn) return;
        for (let i = 0; i < cfg.agents; i++) {
          if (!flow.due(i, t)) continue;
          const legal = Array.from(f.legal.subarray(i * nActions, (i + 1) * nActions), (x) => x === 1);
          taken.push({ agent: i, env: snapshotEnv(cfg.envId, venv.exportState(i), f.obs.subarray(i * obsDim, (i + 1) * obsDim)), legal });
        }
      });
      await prepareAdvisors(advisors, taken); // real LLM calls: the run clock stands still meanwhile
      for (const s of taken.splice(0)) flow.snapshot(s.agent, t, s.env, s.legal);
      steps += cfg.agents;
      advisedSteps += live;
      chunkAdvised += live;
      for (let i = 0; i < cfg.agents; i++) if (table.active[i] === 1) ageSum += table.ageMs[i]!;
      for (const e of env.drain()) {
        recent.push(e);
        if (recent.length > 100) recent.shift();
      }
      k += 1;
      if (r.chunk) {
        maxLogRatio = Math.max(maxLogRatio, chunkMaxLogRatio(r.chunk));
        if (cfg.isMode === 'none') r.chunk.logpMu = r.chunk.logpPk.slice(); // no correction: μ treated as π
        const m = learner.update(r.chunk);
        if (cfg.policyDelayMs === undefined || cfg.policyDelayMs === null) await actor.setPolicy(await onnx(), learner.policyVersion).release();
        else {
          learnerFreeAt = Math.max(now(k), learnerFreeAt) + cfg.policyDelayMs;
          waiting.push({ at: learnerFreeAt, policy: await onnx(), version: learner.policyVersion });
        }
        curve.push({
          envSteps: steps,
          t: now(k) / 1000,
          ret100: recent.length === 0 ? null : recent.reduce((s, e) => s + e.ret, 0) / recent.length,
          advisedFrac: chunkAdvised / (cfg.chunkSteps * cfg.agents),
          milestones: milestoneRates(recent),
          isWeightMean: m.isWeightMean,
          isWeightMax: m.isWeightMax,
          essOverN: m.essOverN,
          klMuPi: m.klMuPi,
          maxLogRatio,
        });
        chunkAdvised = 0;
        maxLogRatio = 0;
        onProgress?.(steps);
        if ((cfg.evalEverySteps > 0 && steps >= nextEval) || steps >= cfg.totalSteps) {
          evals.push({ envSteps: steps, t: now(k) / 1000, ...(await evaluate(learner, cfg, seed)) });
          while (nextEval <= steps) nextEval += cfg.evalEverySteps || Infinity;
        }
      }
      if (clockMode === 'real') {
        const wait = k * period - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
      }
    }
  } finally {
    for (const w of waiting) await w.policy.release();
    await actor.release();
    learner.dispose();
    venv.close();
  }
  const c = table.counts;
  const modes: RunResult['modes'] = {};
  for (const a of advisors) modes[a.spec.id] = { ...a.modes };
  const llm = llmStats(advisors);
  return {
    curve,
    evals,
    flow: { ...flow.counts },
    advice: {
      accepted: c.accepted,
      expired: c.expired,
      expiredUnused: c.expiredUnused,
      replaced: c.replaced,
      advisedSteps,
      meanAgeMs: advisedSteps === 0 ? 0 : ageSum / advisedSteps,
    },
    modes,
    learner: learner.backend,
    ...(llm ? { llm } : {}),
    envSteps: steps,
    seconds: now(k) / 1000,
    wallSeconds: (performance.now() - wall0) / 1000,
  };
}

/** Env constructor options of a run (the time limit, when set). */
function envOptions(cfg: RunConfig): object {
  return cfg.maxEpisodeSteps === null ? {} : { maxSteps: cfg.maxEpisodeSteps };
}

/** max |logpMu − logpPk| over the chunk (0 where unadvised). */
function chunkMaxLogRatio(chunk: TrajectoryChunk): number {
  let m = 0;
  for (let j = 0; j < chunk.logpMu.length; j++) m = Math.max(m, Math.abs(chunk.logpMu[j]! - chunk.logpPk[j]!));
  return m;
}

/** π alone (sampled, no advice) for cfg.evalEpisodes episodes on envs seeded apart from training. */
function evaluate(learner: Learner, cfg: RunConfig, seed: number): Promise<Omit<EvalPoint, 'envSteps' | 't'>> {
  return evaluateOnnx(learner.exportOnnx(), learner.policyVersion, cfg, seed);
}

/** π alone from its ONNX bytes (a stored policy of the services, or the learner's), as evaluate(). */
export async function evaluateOnnx(bytes: Uint8Array, version: number, cfg: RunConfig, seed: number): Promise<Omit<EvalPoint, 'envSteps' | 't'>> {
  const venv = VectorEnv.make(cfg.envId, Math.min(cfg.agents, cfg.evalEpisodes), envOptions(cfg));
  const env = new MilestoneEnv(venv);
  const { obsDim, numActions: nActions } = venv;
  const policy = await OrtPolicy.create(bytes, { obsDim, nActions, policyVersion: version });
  const actor = new VectorActor(
    env,
    policy,
    version,
    { actorId: 'eval', beta: 0, chunkSteps: 256 },
    rngSplit(seed, 7),
    venv.reset({ seed: seed + 1_000_003 }).obs,
  );
  const done: EpisodeSummary[] = [];
  try {
    while (done.length < cfg.evalEpisodes) {
      await actor.step();
      done.push(...env.drain());
    }
  } finally {
    await actor.release();
    venv.close();
  }
  const eps = done.slice(0, cfg.evalEpisodes);
  const goalBit = 1 << 10;
  return {
    ret: eps.reduce((s, e) => s + e.ret, 0) / eps.length,
    success: eps.filter((e) => (e.milestones & goalBit) !== 0).length / eps.length,
    milestones: milestoneRates(eps),
  };
}
