// A simulated advisor for experiments: the env's scripted expert (@ala/envs, with its accuracy and
// adversarial knobs) answering a state snapshot after a thinking time drawn from a latency
// distribution, turned into a bias exactly as the advisor-worker does (tameOutliers, then
// answerToBias scaled to B). Every random draw (latency, knobs) comes from generators seeded by
// (run seed, advisor index). Must not: keep time, schedule anything or touch a bus (the run loop
// decides when an answer arrives). The `Advisor` seam is what the advice flow asks; an `llm` advisor
// (llm-advisor.ts) implements it with a real model.
import { CARTPOLE_ID, CartPoleEnv, CraftWorldEnv, Pcg64, craftWorldScores, createExpert, getExpert, type Env, type Expert } from '@ala/envs';
import { answerToBias, tameOutliers } from '@ala/advisor-worker';

/** One simulated advisor of an experiment configuration. */
export interface AdvisorSpec {
  /** Name in results and figures ([A-Za-z0-9_-]). */
  readonly id: string;
  /** Thinking time, uniform in [latencyMs[0], latencyMs[1]] ms (the paper: 3000-5000). */
  readonly latencyMs: readonly [number, number];
  /** Probability of the expert's action, else a random legal action (the expert's knob). */
  readonly accuracy: number;
  /** Probability of the worst legal action instead (adversarial advice). */
  readonly adversarial?: number;
  /** Authority in the vote (default 1). */
  readonly priority?: number;
  /** Confidence sent with every answer, in [0, 1] (default 0.8). */
  readonly confidence?: number;
  /** Set: the answers come from this real LLM (llm-advisor.ts); accuracy/adversarial/confidence do not apply. */
  readonly llm?: LlmAdvisorSpec;
}

/** A real-LLM advisor: the model the OpenAI-compatible server is asked for and the request knobs. */
export interface LlmAdvisorSpec {
  /** The request's `model` (the local llama-server answers to 'smollm2-135m'). */
  readonly model: string;
  /** max_tokens of one answer (default 64: the JSON answer without rationale needs ~20). */
  readonly maxTokens?: number;
  /** Sampling temperature (default 0: the model's most likely answer). */
  readonly temperature?: number;
}

/** A snapshot taken at one step, before the advisors answer it. */
export interface PendingSnapshot {
  readonly agent: number;
  readonly env: Env;
  readonly legal: readonly boolean[];
}

/** What the advice flow asks: an answer per snapshot, with its latency on the run clock. */
export interface Advisor {
  readonly spec: AdvisorSpec;
  /** Answers per kind (expert/random/adversarial for the scripted one; llm/invalid/truncated for an LLM). */
  readonly modes: Record<string, number>;
  /**
   * Gets what answer() needs for these snapshots (the real LLM calls, run time frozen meanwhile);
   * the run loop awaits it before handing the snapshots to the flow. Absent: nothing to fetch.
   */
  prepare?(snapshots: readonly PendingSnapshot[]): Promise<void>;
  /** The answer to the snapshot `env` with legal mask `legal` and bias scale `bound`; undefined = no advice. */
  answer(env: Env, legal: readonly boolean[], bound: number): SimAnswer | undefined;
}

/** An answer the advisor will deliver `latencyMs` after the snapshot. */
export interface SimAnswer {
  readonly advisorId: string;
  readonly bias: number[];
  readonly recommended: number;
  readonly priority: number;
  readonly confidence: number;
  readonly latencyMs: number;
  readonly mode: 'expert' | 'random' | 'adversarial' | 'llm';
}

/**
 * The env an advisor reads for one snapshot (CraftWorld: rebuilt from its portable state, as the
 * scripted advisor-worker does; CartPole: the 4-float physics state), built once for all advisors.
 */
export function snapshotEnv(envId: string, envState: Uint8Array | undefined, obs: ArrayLike<number>): Env {
  if (envId === CARTPOLE_ID) {
    const cart = new CartPoleEnv();
    cart.state = Array.from(obs).slice(0, 4);
    return cart;
  }
  if (envState === undefined) throw new RangeError(`${envId}: the simulated advisor needs the env's portable state`);
  return CraftWorldEnv.fromState(envState, envId);
}

/** The expert's noise-free scores of the last env asked about, shared by the advisors of a run (one planner search per snapshot). */
export class ScoreCache {
  private env: Env | undefined;
  private scores: number[] = [];
  private readonly cart = getExpert(CARTPOLE_ID);

  of(env: Env): number[] {
    if (env !== this.env) {
      this.scores = env instanceof CraftWorldEnv ? craftWorldScores(env.getState(), env.legalActions()) : this.cart.scores(env);
      this.env = env;
    }
    return [...this.scores];
  }
}

export function checkLatency(spec: AdvisorSpec): void {
  const [lo, hi] = spec.latencyMs;
  if (!(lo >= 0 && hi >= lo && Number.isFinite(hi)))
    throw new RangeError(`advisor ${spec.id}: latencyMs must be [lo, hi] with 0 <= lo <= hi, got [${lo}, ${hi}]`);
}

/** The latency generator of advisor `index` of a run: the same draws whatever answers (scripted or LLM), so arms are paired. */
export const latencyRng = (seed: number, index: number): Pcg64 => Pcg64.fromSeed(BigInt(seed) * 1000n + BigInt(101 + 2 * index));

/** One thinking time, uniform in spec.latencyMs. */
export function drawLatency(spec: AdvisorSpec, rng: Pcg64): number {
  const [lo, hi] = spec.latencyMs;
  return lo + (hi - lo) * rng.nextFloat();
}

export class SimAdvisor implements Advisor {
  private readonly expert: Expert;
  private readonly latencyRng: Pcg64;
  readonly modes: Record<string, number> = { expert: 0, random: 0, adversarial: 0 };

  constructor(
    readonly spec: AdvisorSpec,
    envId: string,
    seed: number,
    index: number,
    cache: ScoreCache = new ScoreCache(),
  ) {
    checkLatency(spec);
    const knobRng = Pcg64.fromSeed(BigInt(seed) * 1000n + BigInt(100 + 2 * index));
    const knobs = { accuracy: spec.accuracy, adversarial: spec.adversarial ?? 0, rng: knobRng };
    this.expert = createExpert(envId, (env) => cache.of(env), knobs);
    this.latencyRng = latencyRng(seed, index);
  }

  /**
   * Answers the snapshot `env` (snapshotEnv) with legal mask `legal`, bias scale `bound` (B).
   * Undefined when the answer carries no preference.
   */
  answer(env: Env, legal: readonly boolean[], bound: number): SimAnswer | undefined {
    const latencyMs = drawLatency(this.spec, this.latencyRng);
    const advice = this.expert.advise(env);
    this.modes[advice.mode]! += 1;
    const confidence = this.spec.confidence ?? 0.8;
    const b = answerToBias({ scores: tameOutliers(advice.scores), action: advice.action, confidence, model: 'sim', rationale: advice.mode }, legal, bound);
    if (b === undefined) return undefined;
    return { advisorId: this.spec.id, bias: b.bias, recommended: b.recommended, priority: this.spec.priority ?? 1, confidence, latencyMs, mode: advice.mode };
  }
}
