// One (config, seed) of the realtime validation on the real services, in real time: the stack of
// `ala up` (up-stack.ts: a nats-server started here, actor-runner, advisor-worker with the scripted
// backend drawing its thinking time from the advisor's latency range, vote-aggregator,
// bias-router, and the ppo-learner in its worker thread) configured like the virtual run (env,
// agents, pacing, chunk = one learner batch, PPO sizes, accuracy, TTL, β, B). The run is watched
// from outside through the services' counters: at every chunk boundary the behaviour return (last
// 100 episodes) and the advised-step fraction of the chunk; at every evaluation point the stored
// policy of the same version the virtual run evaluates, which is then evaluated, after the stack
// stopped, by the virtual run's own evaluation (evaluateOnnx: same envs, same seeds). The actor's
// policy swaps give the policy lag (env steps from a chunk's end to its policy acting).
// Must not: print or write files (validate.ts does); change any service.
import { startStack, type StackOptions } from '../../commands/up-stack';
import type { RunConfig } from '../run-config';
import { evaluateOnnx, type CurvePoint, type EvalPoint, type RunResult } from '../run-loop';

export class ServicesRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServicesRunError';
  }
}

/** How the services schedule snapshots (the actor's ALA_SNAPSHOT_EVERY); the rest follows from the RunConfig. */
export interface ServicesKnobs {
  /** A state snapshot every this many steps of an agent (0 = none). */
  readonly snapshotEvery: number;
}

/** What a services run measures beyond a RunResult. */
export interface ServicesExtra {
  /** Env steps from the end of chunk k to the actor acting with the policy trained on it, one per swap. */
  readonly policyLagSteps: number[];
  /** The learner's update compute, seconds per update (its own clock). */
  readonly updateSeconds: number;
  /** Mean ms between an advice's arrival at the actor and each step it steered. */
  readonly adviceAgeMs: number;
  readonly stats: Record<string, Record<string, number>>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The stack options that realise `cfg` (one scripted advisor at most). */
export function stackOptionsFor(cfg: RunConfig, seed: number, knobs: ServicesKnobs): StackOptions {
  if (cfg.advisors.length > 1) throw new ServicesRunError('the services run has one scripted advisor; multi-advisor configs are virtual only');
  if (cfg.ttlMs === null) throw new ServicesRunError('the services need a finite advice TTL');
  if (cfg.isMode !== 'decoupled') throw new ServicesRunError(`the ppo-learner runs isMode decoupled, not ${cfg.isMode}`);
  const a = cfg.advisors[0];
  const hidden = cfg.ppo.hidden;
  return {
    envId: cfg.envId,
    agents: cfg.agents,
    stepHz: cfg.stepHz,
    seed,
    transport: 'nats',
    learnerThread: 'worker',
    chunkSteps: cfg.chunkSteps,
    snapshotEvery: a === undefined ? 0 : knobs.snapshotEvery,
    beta: cfg.beta,
    biasBound: cfg.bound,
    adviceTtlMs: cfg.ttlMs,
    totalTimesteps: cfg.totalSteps,
    checkpointDir: '',
    advisor: a === undefined ? 'none' : 'scripted',
    advisorLatencyMs: a?.latencyMs[0] ?? 0,
    scripted: a === undefined ? {} : { latencyMaxMs: a.latencyMs[1], accuracy: a.accuracy, adversarial: a.adversarial ?? 0, confidence: a.confidence ?? 0.8 },
    learnerConfig: { minBatch: cfg.agents * cfg.chunkSteps, ...(hidden ? { hidden: hidden.join(',') } : {}) },
  };
}

/** Runs `cfg` with `seed` on the services until cfg.totalSteps env steps; `onProgress(envSteps)` about once a second. */
export async function runOnServices(
  cfg: RunConfig,
  seed: number,
  knobs: ServicesKnobs,
  onProgress?: (envSteps: number) => void,
): Promise<{ result: RunResult; extra: ServicesExtra }> {
  if (cfg.adviceStopAtStep !== null) throw new ServicesRunError('advice switched off mid-run is virtual only');
  if (cfg.maxEpisodeSteps !== null) throw new ServicesRunError('the actor-runner uses the env default time limit');
  const wall0 = performance.now();
  const batch = cfg.agents * cfg.chunkSteps;
  const swaps: { version: number; envSteps: number }[] = [];
  let envStepsNow = 0;
  const updates: Record<string, number>[] = [];
  let actorSteps = (): number => envStepsNow;
  const stack = await startStack({
    ...stackOptionsFor(cfg, seed, knobs),
    onPolicySwap: (version) => swaps.push({ version, envSteps: actorSteps() }), // between two steps: the steps taken so far
    onUpdate: (m) => void updates.push(m),
  });
  actorSteps = () => stack.actor.stats().envSteps;
  const curve: CurvePoint[] = [];
  const stored: { envSteps: number; t: number; version: number; bytes: Uint8Array }[] = [];
  try {
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([stack.actor.ready.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 60_000)))]);
    clearTimeout(timer);
    if (!ready) throw new ServicesRunError('no policy reached the actor in 60 s');
    const t0 = performance.now();
    const first = stack.stats().actor;
    const v0 = first.policyVersion; // the initial policy; chunk k's policy is v0 + k
    let nextChunk = batch;
    let lastAdvised = 0;
    let lastSteps = 0;
    let lastProgress = 0;
    const evalAt: number[] = [];
    for (let s = cfg.evalEverySteps; cfg.evalEverySteps > 0 && s < cfg.totalSteps; s += cfg.evalEverySteps) evalAt.push(s);
    evalAt.push(cfg.totalSteps);
    const wantEval = evalAt.map((s) => ({ envSteps: s, version: v0 + Math.ceil(s / batch) }));
    const deadline = t0 + ((cfg.totalSteps / cfg.agents / cfg.stepHz) * 1000 + 120_000) * 2;
    while (wantEval.length > 0) {
      await sleep(20);
      const st = stack.stats();
      envStepsNow = st.actor.envSteps;
      if (st.actor.loopErrors > 0) throw new ServicesRunError('the actor step loop stopped');
      const crash = stack.learnerFailure();
      if (crash) throw new ServicesRunError(`the learner crashed: ${crash.message}`, { cause: crash });
      if (performance.now() > deadline) throw new ServicesRunError(`run took too long (at ${envStepsNow} env steps, learner v${st.learner.policyVersion})`);
      while (envStepsNow >= nextChunk && nextChunk <= cfg.totalSteps) {
        const dSteps = st.actor.envSteps - lastSteps;
        const m = updates.at(-1) ?? {};
        curve.push({
          envSteps: nextChunk,
          t: (performance.now() - t0) / 1000,
          ret100: st.actor.episodes === 0 ? null : st.actor.meanReturn100,
          advisedFrac: dSteps === 0 ? 0 : (st.actor.advisedSteps - lastAdvised) / dSteps,
          milestones: [],
          isWeightMean: m.isWeightMean ?? Number.NaN,
          isWeightMax: m.isWeightMax ?? Number.NaN,
          essOverN: m.essOverN ?? Number.NaN,
          klMuPi: m.klMuPi ?? Number.NaN,
          maxLogRatio: Number.NaN,
        });
        [lastSteps, lastAdvised] = [st.actor.envSteps, st.actor.advisedSteps];
        nextChunk += batch;
      }
      // the policy trained on the chunks up to an evaluation point, as the virtual run evaluates it
      while (wantEval.length > 0 && st.learner.policyVersion >= wantEval[0]!.version && envStepsNow >= wantEval[0]!.envSteps) {
        const w = wantEval.shift()!;
        const bytes = await stack.latestPolicy();
        if (bytes === undefined) throw new ServicesRunError('no stored policy');
        stored.push({ envSteps: w.envSteps, t: (performance.now() - t0) / 1000, version: w.version, bytes });
      }
      if (performance.now() - lastProgress > 1000) {
        lastProgress = performance.now();
        onProgress?.(Math.min(envStepsNow, cfg.totalSteps));
      }
    }
    const st = stack.stats();
    const lags = swaps.flatMap((s) => (s.version > v0 ? [s.envSteps - (s.version - v0) * batch] : []));
    const extra: ServicesExtra = {
      policyLagSteps: lags,
      updateSeconds: st.learner.updates === 0 ? Number.NaN : st.learner.updateSeconds / st.learner.updates,
      adviceAgeMs: st.actor.advisedSteps === 0 ? 0 : st.actor.adviceAgeMsSum / st.actor.advisedSteps,
      stats: { actor: { ...st.actor }, learner: { ...st.learner }, advisor: st.advisor, aggregator: st.aggregator, router: st.router },
    };
    await stack.stop();
    const evals: EvalPoint[] = [];
    for (const p of stored) evals.push({ envSteps: p.envSteps, t: p.t, ...(await evaluateOnnx(p.bytes, p.version, cfg, seed)) });
    const a = st.actor;
    const result: RunResult = {
      curve,
      evals,
      flow: {
        snapshots: a.snapshotsPublished,
        answers: st.advisor.published ?? 0,
        expiredOnArrival: 0,
        late: 0,
        votes: st.aggregator.votes ?? 0,
        expiredAtVote: 0,
      },
      advice: {
        accepted: a.biasAccepted,
        expired: a.biasExpired,
        expiredUnused: a.biasExpiredUnused,
        replaced: 0,
        advisedSteps: a.advisedSteps,
        meanAgeMs: extra.adviceAgeMs,
      },
      modes: {},
      learner: 'kernel', // the ppo-learner's engine (Learner.create's default)
      envSteps: a.envSteps,
      seconds: (performance.now() - t0) / 1000,
      wallSeconds: (performance.now() - wall0) / 1000,
    };
    return { result, extra };
  } catch (err) {
    // the run failed already: its error is the one to report, a failed stop is only said
    await stack
      .stop()
      .catch((stopErr: unknown) => console.warn(`validate: stopping the services after a failed run failed too: ${(stopErr as Error).message}`));
    throw err;
  }
}
