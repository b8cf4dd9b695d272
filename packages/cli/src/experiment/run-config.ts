// One configuration of an experiment (what a run varies: env, advisors, latency, TTL, IS mode,
// β, B, voting, when advice stops) with its defaults and its validation, and a stable id for the
// results directory. Must not: run anything (run-loop.ts does) or read the environment.
import type { LearnerBackend, PpoConfig } from '@ala/policy';
import type { AdvisorSpec } from './sim-advisor';

/** How the learner corrects for advised sampling: the learner's modes, plus 'none' (treat μ as π: no correction). */
export type IsModeChoice = 'none' | 'seed' | 'exact' | 'decoupled';

export interface RunConfig {
  /** Registered env id (CraftWorld-v0, CraftWorld-easy-v0, CartPole-v1 ...). */
  readonly envId: string;
  /** Env time limit in steps (null = the env's default: CraftWorld-v0 300). */
  readonly maxEpisodeSteps: number | null;
  /** Agents acting in lockstep (the learner's numEnvs). */
  readonly agents: number;
  /** Env steps per second per agent (the game tick on the virtual clock). */
  readonly stepHz: number;
  /** Env steps of the run, all agents together. */
  readonly totalSteps: number;
  /** Steps per agent in a trajectory chunk (one learner update per chunk). */
  readonly chunkSteps: number;
  /** Overrides of the env's PPO preset (hidden sizes, epochs, learning rate ...). */
  readonly ppo: Partial<PpoConfig>;
  readonly isMode: IsModeChoice;
  /** β in μ = softmax(z + βb). */
  readonly beta: number;
  /** B: |b|∞ <= B (router and actor). */
  readonly bound: number;
  /** Advice lifetime from its snapshot, ms; null = unlimited. */
  readonly ttlMs: number | null;
  /** Least time between two snapshots of one agent, ms. */
  readonly snapshotGapMs: number;
  /** Snapshots of one agent awaiting answers at once (an LLM's queue per agent). */
  readonly inFlightPerAgent: number;
  /** Simulated advisors (empty = no advice). */
  readonly advisors: readonly AdvisorSpec[];
  readonly vote: 'select' | 'blend';
  /** Aggregator window after the first answer to a snapshot, ms (closes early when every advisor answered). */
  readonly windowMs: number;
  /** Advice is switched off from this env step on (null = never). */
  readonly adviceStopAtStep: number | null;
  /** π alone (no advice) is evaluated on fresh envs every this many env steps (0 = only at the end). */
  readonly evalEverySteps: number;
  readonly evalEpisodes: number;
  /**
   * How the learner's update reaches the actors. null (default): lockstep, the policy trained on a
   * chunk acts from the very next step (policy lag 0). A number: as in the services, the actors
   * keep acting with the previous version while the learner updates, and the new version acts from
   * this many run-clock ms after the chunk's last step (the learner's update, the policy store and
   * the actor's load); updates run one after another, so the next one waits for this one.
   */
  readonly policyDelayMs?: number | null;
  /** Run-clock ms from an advisor's answer to the actor's bias table (aggregator window, router, transport); null = 0. */
  readonly deliveryMs?: number | null;
  /**
   * The learner's engine: 'kernel' (the WebAssembly MLP kernel, what ppo-learner runs) or TF.js
   * 'wasm' / 'cpu'. Absent in results written before it was recorded: those used TF.js 'wasm'.
   * Engines compute the same update up to float rounding, so one seed's runs differ between them.
   */
  readonly learner?: LearnerBackend;
}

/**
 * How the services deliver an update and an answer, as measured against them (`npm run
 * validate:realtime`, docs/results.md "Virtual clock against the services"): the new policy acts
 * ~100 ms after the chunk's last step (update, store, load) and an answer reaches the actor's
 * table ~8 ms after the advisor sent it. Every experiment runs with these (lockstep = both 0).
 */
export const SERVICES_TIMING = { policyDelayMs: 100, deliveryMs: 8 } as const;

export const RUN_DEFAULTS: RunConfig = {
  envId: 'CraftWorld-v0',
  maxEpisodeSteps: null,
  agents: 8,
  stepHz: 10,
  totalSteps: 61_440,
  chunkSteps: 128,
  ppo: { hidden: [64, 64] },
  isMode: 'decoupled',
  beta: 1,
  bound: 1,
  ttlMs: 10_000,
  snapshotGapMs: 0,
  inFlightPerAgent: 1,
  advisors: [],
  vote: 'select',
  windowMs: 0,
  adviceStopAtStep: null,
  evalEverySteps: 4096,
  evalEpisodes: 16,
  ...SERVICES_TIMING,
  learner: 'kernel',
};

/** A named configuration inside an experiment. */
export interface NamedConfig {
  /** [a-z0-9-]: the results directory name. */
  readonly id: string;
  /** Human label for tables and figures. */
  readonly label: string;
  readonly config: RunConfig;
  /** The swept value, for experiments plotted against a parameter (latency, TTL, β·B). */
  readonly x?: number;
}

export class RunConfigError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'RunConfigError';
  }
}

/** Throws RunConfigError naming the first bad field. */
export function validateRunConfig(c: RunConfig): RunConfig {
  const posInt = (f: keyof RunConfig, v: number): void => {
    if (!(Number.isSafeInteger(v) && v > 0)) throw new RunConfigError(`${f} must be a positive integer, got ${v}`, f);
  };
  posInt('agents', c.agents);
  posInt('totalSteps', c.totalSteps);
  posInt('chunkSteps', c.chunkSteps);
  posInt('inFlightPerAgent', c.inFlightPerAgent);
  posInt('evalEpisodes', c.evalEpisodes);
  if (c.maxEpisodeSteps !== null) posInt('maxEpisodeSteps', c.maxEpisodeSteps);
  if (!(c.stepHz > 0 && Number.isFinite(c.stepHz))) throw new RunConfigError(`stepHz must be > 0, got ${c.stepHz}`, 'stepHz');
  if (!(c.beta >= 0 && Number.isFinite(c.beta))) throw new RunConfigError(`beta must be >= 0, got ${c.beta}`, 'beta');
  if (!(c.bound > 0 && Number.isFinite(c.bound))) throw new RunConfigError(`bound must be > 0, got ${c.bound}`, 'bound');
  if (c.ttlMs !== null && !(c.ttlMs >= 1 && Number.isFinite(c.ttlMs))) throw new RunConfigError(`ttlMs must be >= 1 or null, got ${c.ttlMs}`, 'ttlMs');
  if (!(c.snapshotGapMs >= 0)) throw new RunConfigError(`snapshotGapMs must be >= 0`, 'snapshotGapMs');
  if (!(c.windowMs >= 0)) throw new RunConfigError(`windowMs must be >= 0`, 'windowMs');
  if (!['none', 'seed', 'exact', 'decoupled'].includes(c.isMode))
    throw new RunConfigError(`isMode must be none|seed|exact|decoupled, got ${c.isMode}`, 'isMode');
  if (!['select', 'blend'].includes(c.vote)) throw new RunConfigError(`vote must be select|blend, got ${c.vote}`, 'vote');
  for (const f of ['policyDelayMs', 'deliveryMs'] as const) {
    const v = c[f];
    if (v !== undefined && v !== null && !(v >= 0 && Number.isFinite(v))) throw new RunConfigError(`${f} must be a finite number >= 0 or null, got ${v}`, f);
  }
  if (c.learner !== undefined && !['kernel', 'wasm', 'cpu'].includes(c.learner))
    throw new RunConfigError(`learner must be kernel|wasm|cpu, got ${String(c.learner)}`, 'learner');
  if (!(Number.isSafeInteger(c.evalEverySteps) && c.evalEverySteps >= 0)) throw new RunConfigError('evalEverySteps must be an integer >= 0', 'evalEverySteps');
  for (const a of c.advisors) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(a.id)) throw new RunConfigError(`advisor id ${a.id} must match [A-Za-z0-9_-]{1,64}`, 'advisors');
    if (!(a.accuracy >= 0 && a.accuracy <= 1)) throw new RunConfigError(`advisor ${a.id}: accuracy must be in [0, 1]`, 'advisors');
    if (a.adversarial !== undefined && !(a.adversarial >= 0 && a.adversarial <= 1))
      throw new RunConfigError(`advisor ${a.id}: adversarial must be in [0, 1]`, 'advisors');
  }
  return c;
}

/** RUN_DEFAULTS with `over` applied (ppo merged one level deep). */
export function runConfig(over: Partial<RunConfig> = {}, base: RunConfig = RUN_DEFAULTS): RunConfig {
  return validateRunConfig({ ...base, ...over, ppo: { ...base.ppo, ...(over.ppo ?? {}) } });
}

/** A good advisor at the paper's latency (3-5 s), accuracy 0.9. */
export function goodAdvisor(over: Partial<AdvisorSpec> = {}): AdvisorSpec {
  return { id: 'good', latencyMs: [3000, 5000], accuracy: 0.9, ...over };
}
