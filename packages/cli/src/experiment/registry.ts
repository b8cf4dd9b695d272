// The named experiments of `ala experiment` (issue #15): each a list of configurations over the
// same seeds, with the claim of the paper it tests. `quick` shrinks every configuration to a few
// hundred steps (the test suite runs all of them in seconds); the full sizes are what
// docs/results.md reports. Must not: run anything.
import { goodAdvisor, runConfig, type NamedConfig, type RunConfig } from './run-config';
import type { AdvisorSpec } from './sim-advisor';

export interface Experiment {
  readonly name: string;
  /** The claim under test, one sentence. */
  readonly claim: string;
  /** What is varied and what is measured. */
  readonly design: string;
  /** Plot against `x` (sweeps) instead of one curve per configuration. */
  readonly xLabel?: string;
  readonly configs: (quick: boolean) => NamedConfig[];
}

/** Sizes of a full run and of a --quick one. */
const FULL: Partial<RunConfig> = { totalSteps: 40_960, evalEverySteps: 4096, evalEpisodes: 16 };
const QUICK: Partial<RunConfig> = {
  agents: 4,
  chunkSteps: 32,
  totalSteps: 256,
  maxEpisodeSteps: 40,
  evalEverySteps: 0,
  evalEpisodes: 4,
  ppo: { hidden: [16], updateEpochs: 1 },
};

const PAPER = [3000, 5000] as const;
const FAST = [50, 100] as const;

/** 6x a full run: long enough for π alone to reach the stone and furnace milestones without advice. */
const LONG: Partial<RunConfig> = { totalSteps: 245_760, evalEverySteps: 16_384, evalEpisodes: 16 };

function make(quick: boolean, id: string, label: string, over: Partial<RunConfig>, x?: number, full: Partial<RunConfig> = FULL): NamedConfig {
  const size = quick ? QUICK : full;
  // CartPole keeps its own time limit (500 steps; its option is maxEpisodeSteps, not CraftWorld's maxSteps)
  const limit = over.envId?.startsWith('CartPole') ? { maxEpisodeSteps: null } : {};
  const config = runConfig({ ...over, ...size, ...limit, ppo: { ...(over.ppo ?? {}), ...(size.ppo ?? {}) } });
  return { id, label, config, ...(x !== undefined ? { x } : {}) };
}

/** CartPole-v1 at its physics rate (τ = 20 ms: 50 steps/s). */
const CARTPOLE: Partial<RunConfig> = { envId: 'CartPole-v1', stepHz: 50 };

/** Snapshots of one agent at least this far apart in the llm-advisor experiment (every arm): bounds the real LLM calls. */
const LLM_GAP_MS = 30_000;

/** Snapshots of one CartPole agent at least this far apart in cartpole-llm (every arm): ~20 real calls per agent per run. */
const CARTPOLE_LLM_GAP_MS = 5_000;

/** SmolLM2-135M-Instruct as served by the local llama-server (scripts/install-llm.sh). */
const SMOLLM2 = { model: 'smollm2-135m' } as const;

const good = (latencyMs: readonly [number, number], over: Partial<AdvisorSpec> = {}): AdvisorSpec[] => [goodAdvisor({ latencyMs, ...over })];

export const EXPERIMENTS: readonly Experiment[] = [
  {
    name: 'advice-vs-none',
    claim: 'Asynchronous advice from an advisor answering in 3-5 s speeds up learning.',
    design:
      'CraftWorld-v0, 8 agents at 10 steps/s each. No advice vs a good advisor (accuracy 0.9) at 3-5 s (TTL 10 s) with B = 1 and B = 3, and the same advisor at 50-100 ms (TTL 200 ms) as a reference.',
    configs: (q) => [
      make(q, 'none', 'no advice', {}),
      make(q, 'good-3-5s', 'good advisor, 3-5 s, B=1', { advisors: good(PAPER), ttlMs: 10_000 }),
      make(q, 'good-3-5s-b3', 'good advisor, 3-5 s, B=3', { advisors: good(PAPER), ttlMs: 10_000, bound: 3 }),
      make(q, 'good-50ms', 'good advisor, 50-100 ms, B=1', { advisors: good(FAST), ttlMs: 200 }),
    ],
  },
  {
    name: 'long-horizon',
    claim: 'Given training long enough to climb the tech tree, advice at 3-5 s gets the agents to the later milestones sooner.',
    design:
      'advice-vs-none run 6x longer: CraftWorld-v0, 8 agents at 10 steps/s, 245,760 env steps (51 minutes of game time); π alone evaluated on 16 episodes every 16,384 steps. No advice vs a good advisor (accuracy 0.9, B = 1) at 3-5 s (TTL 10 s) and at 50-100 ms (TTL 200 ms).',
    configs: (q) => [
      make(q, 'none', 'no advice', {}, undefined, LONG),
      make(q, 'good-3-5s', 'good advisor, 3-5 s', { advisors: good(PAPER), ttlMs: 10_000 }, undefined, LONG),
      make(q, 'good-50ms', 'good advisor, 50-100 ms', { advisors: good(FAST), ttlMs: 200 }, undefined, LONG),
    ],
  },
  {
    name: 'latency-sweep',
    claim: 'Advice helps as long as it arrives within the time it stays relevant; where does it stop helping?',
    design: 'Good advisor (accuracy 0.9, B = 1) with latency uniform in [0.75 L, 1.25 L], TTL = 2.5 L, L from 50 ms to 10 s; L = 0 is no advice.',
    xLabel: 'advisor latency L (ms)',
    configs: (q) => [
      make(q, 'none', 'no advice', {}, 0),
      ...[50, 250, 1000, 4000, 10_000].map((L) => make(q, `lat-${L}`, `L = ${L} ms`, { advisors: good([0.75 * L, 1.25 * L]), ttlMs: Math.round(2.5 * L) }, L)),
    ],
  },
  {
    name: 'ttl-sweep',
    claim: 'Stale advice hurts and expiry fixes it.',
    design:
      'Good advisor (accuracy 0.9, B = 1) at 3-5 s; TTL from 2 s (shorter than any answer: nothing applies) through 30 s to unlimited (advice stays until the next one replaces it).',
    xLabel: 'advice TTL (ms; unlimited plotted at 60000)',
    configs: (q) => [
      make(q, 'none', 'no advice', {}),
      ...[2000, 4500, 6000, 10_000, 30_000].map((ttl) => make(q, `ttl-${ttl}`, `TTL ${ttl} ms`, { advisors: good(PAPER), ttlMs: ttl }, ttl)),
      make(q, 'ttl-unlimited', 'TTL unlimited', { advisors: good(PAPER), ttlMs: null }, 60_000),
    ],
  },
  {
    name: 'bad-advice',
    claim: 'Bad advice does bounded harm (|log π/μ| <= 2βB) and the policy recovers once advice stops.',
    design:
      'Fresh (50-100 ms) advice, B = 1, β = 1: none vs a random advisor (accuracy 0: a uniformly random legal action) vs an adversarial one (the worst legal action every time), and the adversarial one switched off at half the run.',
    configs: (q) => [
      make(q, 'none', 'no advice', {}),
      make(q, 'random', 'random advisor (accuracy 0)', { advisors: good(FAST, { id: 'random', accuracy: 0 }), ttlMs: 200 }),
      make(q, 'adversarial', 'adversarial advisor', { advisors: good(FAST, { id: 'adversarial', accuracy: 0, adversarial: 1 }), ttlMs: 200 }),
      make(q, 'adversarial-stop', 'adversarial, stopped at 50 %', {
        advisors: good(FAST, { id: 'adversarial', accuracy: 0, adversarial: 1 }),
        ttlMs: 200,
        adviceStopAtStep: q ? 128 : 20_480,
      }),
    ],
  },
  {
    name: 'advice-off',
    claim: 'After advice is switched off, the learned policy keeps its performance.',
    design: 'Good fresh advisor (50-100 ms, accuracy 0.9, B = 1) for the whole run vs switched off at 50 % vs no advice.',
    configs: (q) => [
      make(q, 'none', 'no advice', {}),
      make(q, 'always', 'advice throughout', { advisors: good(FAST), ttlMs: 200 }),
      make(q, 'off-half', 'advice off at 50 %', { advisors: good(FAST), ttlMs: 200, adviceStopAtStep: q ? 128 : 20_480 }),
    ],
  },
  {
    name: 'multi-advisor',
    claim: 'Several advisors voting beat one.',
    design:
      'Three advisors at 50-100 ms: A accuracy 0.9 priority 1, B accuracy 0.6 priority 2, C accuracy 0.3 priority 1 (confidence 0.8 each); select vs blend (window 100 ms, closes when all answered) vs A alone vs none.',
    configs: (q) => {
      const three: AdvisorSpec[] = [
        goodAdvisor({ id: 'A', latencyMs: FAST, accuracy: 0.9, priority: 1 }),
        goodAdvisor({ id: 'B', latencyMs: FAST, accuracy: 0.6, priority: 2 }),
        goodAdvisor({ id: 'C', latencyMs: FAST, accuracy: 0.3, priority: 1 }),
      ];
      return [
        make(q, 'none', 'no advice', {}),
        make(q, 'best-alone', 'A alone', { advisors: three.slice(0, 1), ttlMs: 300 }),
        make(q, 'select', 'A+B+C select', { advisors: three, ttlMs: 300, windowMs: 100, vote: 'select' }),
        make(q, 'blend', 'A+B+C blend', { advisors: three, ttlMs: 300, windowMs: 100, vote: 'blend' }),
      ];
    },
  },
  {
    name: 'is-modes',
    claim: 'The learner must correct for advised sampling; which importance-sampling mode, at which β·B?',
    design: 'Good fresh advisor (50-100 ms, accuracy 0.9), β = 1, B = 1 and 3; IS mode none (μ treated as π), seed (the paper), exact, decoupled.',
    xLabel: 'β·B',
    configs: (q) =>
      [1, 3].flatMap((B) =>
        (['none', 'seed', 'exact', 'decoupled'] as const).map((mode) =>
          make(q, `${mode}-b${B}`, `${mode}, βB=${B}`, { advisors: good(FAST), ttlMs: 200, bound: B, isMode: mode }, B),
        ),
      ),
  },
  {
    name: 'cartpole-latency-sweep',
    claim: 'Advice that is seconds old is worthless in a fast control task (CartPole), while fresh advice helps.',
    design:
      'CartPole-v1 at 50 steps/s per agent (its 20 ms physics step), 8 agents, 40,960 env steps. Good advisor (the CartPole expert, accuracy 0.9, B = 1) with latency uniform in [0.75 L, 1.25 L], TTL = 2.5 L, L from 50 ms to 10 s; L = 0 is no advice.',
    xLabel: 'advisor latency L (ms)',
    configs: (q) => [
      make(q, 'none', 'no advice', CARTPOLE, 0),
      ...[50, 250, 1000, 4000, 10_000].map((L) =>
        make(q, `lat-${L}`, `L = ${L} ms`, { ...CARTPOLE, advisors: good([0.75 * L, 1.25 * L]), ttlMs: Math.round(2.5 * L) }, L),
      ),
    ],
  },
  {
    name: 'llm-advisor',
    claim: 'A real language model answering in 3-5 s is a useful advisor (the paper advises with LLMs).',
    design: `CraftWorld-v0, 8 agents at 10 steps/s, B = 1, TTL 10 s, answers delivered 3-5 s (run clock) after the snapshot, one snapshot per agent at most every ${LLM_GAP_MS / 1000} s in every arm (this bounds the real LLM calls). No advice vs the scripted expert (accuracy 0.9) vs a random advisor (accuracy 0: chance) vs SmolLM2-135M-Instruct (llama-server, the advisor-worker's prompt without history or rationale, temperature 0). The model is called while the run clock stands still; its answers are cached per run next to the results.`,
    configs: (q) => {
      const arm = { ttlMs: 10_000, snapshotGapMs: LLM_GAP_MS };
      return [
        make(q, 'none', 'no advice', {}),
        make(q, 'scripted-good', 'scripted expert (accuracy 0.9)', { ...arm, advisors: good(PAPER) }),
        make(q, 'random', 'random advisor (accuracy 0)', { ...arm, advisors: good(PAPER, { id: 'random', accuracy: 0 }) }),
        make(q, 'smollm2', 'SmolLM2-135M (real LLM)', { ...arm, advisors: good(PAPER, { id: 'smollm2', accuracy: 0, llm: SMOLLM2 }) }),
      ];
    },
  },
  {
    name: 'cartpole-llm',
    claim: 'A real language model knows which way to push a falling pole (CartPole), so its advice is worth having when it arrives in time.',
    design: `CartPole-v1 at 50 steps/s, 8 agents, 40,960 env steps, B = 1, TTL 200 ms, answers delivered 50-100 ms (run clock) after the snapshot (as if the model were fast: this isolates what its advice is worth from its latency, which cartpole-latency-sweep covers), one snapshot per agent at most every ${CARTPOLE_LLM_GAP_MS / 1000} s in every arm (this bounds the real LLM calls, so few steps are advised: the measure is the answers' agreement with the expert). No advice vs the scripted CartPole expert (accuracy 0.9) vs a random advisor (accuracy 0) vs SmolLM2-135M-Instruct (the advisor-worker's prompt with the 4 observation values, temperature 0).`,
    configs: (q) => {
      const arm = { ...CARTPOLE, ttlMs: 200, snapshotGapMs: CARTPOLE_LLM_GAP_MS };
      return [
        make(q, 'none', 'no advice', CARTPOLE),
        make(q, 'scripted-good', 'scripted expert (accuracy 0.9)', { ...arm, advisors: good(FAST) }),
        make(q, 'random', 'random advisor (accuracy 0)', { ...arm, advisors: good(FAST, { id: 'random', accuracy: 0 }) }),
        make(q, 'smollm2', 'SmolLM2-135M (real LLM)', { ...arm, advisors: good(FAST, { id: 'smollm2', accuracy: 0, llm: SMOLLM2 }) }),
      ];
    },
  },
];

/** Whether `e` has configurations advised by a real LLM (`all` leaves those out: they need a server and real minutes per run). */
export function needsLlm(e: Experiment): boolean {
  return e.configs(true).some((c) => c.config.advisors.some((a) => a.llm !== undefined));
}

export class UnknownExperimentError extends Error {
  constructor(readonly experiment: string) {
    super(`unknown experiment ${experiment} (one of ${EXPERIMENTS.map((e) => e.name).join(', ')}, or all)`);
    this.name = 'UnknownExperimentError';
  }
}

/** The experiment called `name` (UnknownExperimentError otherwise). */
export function experimentNamed(name: string): Experiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (e === undefined) throw new UnknownExperimentError(name);
  return e;
}
