// An experiment advisor whose answers come from a real LLM: each snapshot becomes the
// advisor-worker's prompt (buildMessages/responseFormat of @ala/advisor-worker, no history, no
// rationale: the action is chosen before a rationale would be written, so it only costs tokens),
// the call runs while the run clock is frozen (prepare), and the answer (parseAnswer, then
// answerToBias scaled to B, as the worker does) is delivered after a thinking time drawn from the
// advisor's seeded latency distribution, the same draws a scripted advisor at that index gets. An
// invalid or truncated answer is no advice, counted. Records the model, server, real latencies,
// tokens and how often the model agreed with the scripted expert's best action.
// Must not: keep time or schedule anything (the run loop and advice flow do), or talk HTTP (llm-client.ts).
import { BackendError, PROMPT_VERSION, answerToBias, buildMessages, parseAnswer, responseFormat } from '@ala/advisor-worker';
import { CraftWorldEnv, type Env } from '@ala/envs';
import type { StateSnapshot } from '@ala/protocol';
import type { Pcg64 } from '@ala/envs';
import type { CachedCompletion, LlmClient, LlmServerInfo } from './llm-client';
import {
  ScoreCache,
  SimAdvisor,
  checkLatency,
  drawLatency,
  latencyRng,
  type Advisor,
  type AdvisorSpec,
  type LlmAdvisorSpec,
  type PendingSnapshot,
  type SimAnswer,
} from './sim-advisor';

/** What a run records about one LLM advisor (result JSON `llm.<advisor id>`). */
export interface LlmAdvisorStats {
  readonly model: string;
  readonly promptVersion: string;
  /** The server that answered the calls of this run (absent when every answer came from the cache file). */
  readonly server?: LlmServerInfo;
  readonly answers: number;
  readonly invalid: number;
  readonly truncated: number;
  /** Answers read from the cache (file or this run) / fetched from the server. */
  readonly cacheHits: number;
  readonly calls: number;
  /** Real latency of the calls that produced the answers (cached ones: when first asked), ms. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly mean: number; readonly max: number };
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Valid answers whose action has the expert's best score (ties count), and the chance rate of a random legal action. */
  readonly agreeRate: number;
  readonly chanceRate: number;
  /** Valid answers per recommended action name. */
  readonly actions: Record<string, number>;
}

export class LlmAdvisorConfigError extends Error {
  override readonly name = 'LlmAdvisorConfigError';
}

interface Ready {
  readonly completion: CachedCompletion;
  readonly snapshot: StateSnapshot;
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export class LlmAdvisor implements Advisor {
  readonly modes: Record<string, number> = { llm: 0, invalid: 0, truncated: 0 };
  private readonly llm: LlmAdvisorSpec;
  private readonly rng: Pcg64;
  private readonly ready = new Map<Env, Ready>();
  private readonly latencies: number[] = [];
  private tokens = { prompt: 0, completion: 0 };
  private hits = 0;
  private calls = 0;
  private agree = 0;
  private chance = 0;
  private readonly actions: Record<string, number> = {};

  constructor(
    readonly spec: AdvisorSpec,
    private readonly envId: string,
    seed: number,
    index: number,
    private readonly client: LlmClient,
    private readonly scores: ScoreCache = new ScoreCache(),
  ) {
    checkLatency(spec);
    if (spec.llm === undefined) throw new LlmAdvisorConfigError(`advisor ${spec.id} is not an llm advisor`);
    this.llm = spec.llm;
    this.rng = latencyRng(seed, index);
  }

  /** The snapshot message the advisor-worker would get for `env` (agent `agent`). */
  private snapshotOf(agent: number, env: Env, legal: readonly boolean[]): StateSnapshot {
    return {
      v: 1,
      agentId: `exp-${agent}`,
      actorId: 'exp',
      envId: this.envId,
      seq: 0,
      policyVersion: 0,
      episodeStep: env instanceof CraftWorldEnv ? env.getState().steps : 0,
      text: env.describe(),
      actionNames: [...env.actionSpace.actionNames],
      legal: [...legal],
      ...(env instanceof CraftWorldEnv ? {} : { obs: Array.from((env as unknown as { state: number[] }).state) }),
      createdAt: 0,
    };
  }

  async prepare(snapshots: readonly PendingSnapshot[]): Promise<void> {
    await Promise.all(
      snapshots.map(async (s) => {
        const snapshot = this.snapshotOf(s.agent, s.env, s.legal);
        const completion = await this.client.complete({
          model: this.llm.model,
          messages: buildMessages(snapshot, { rationaleMaxChars: 0 }),
          response_format: responseFormat(snapshot, 'json_schema', 0),
          max_tokens: this.llm.maxTokens ?? 64,
          temperature: this.llm.temperature ?? 0,
        });
        if (completion.cached) this.hits += 1;
        else this.calls += 1;
        this.ready.set(s.env, { completion, snapshot });
      }),
    );
  }

  answer(env: Env, legal: readonly boolean[], bound: number): SimAnswer | undefined {
    const latencyMs = drawLatency(this.spec, this.rng);
    const r = this.ready.get(env);
    if (r === undefined) throw new LlmAdvisorConfigError(`advisor ${this.spec.id}: answer() before prepare() for this snapshot`);
    this.ready.delete(env);
    const c = r.completion;
    this.latencies.push(c.ms);
    this.tokens.prompt += c.promptTokens;
    this.tokens.completion += c.completionTokens;
    if (c.finishReason === 'length') {
      this.modes.truncated! += 1;
      return undefined;
    }
    let parsed;
    try {
      parsed = parseAnswer(c.content, r.snapshot, this.llm.model);
    } catch (err) {
      if (!(err instanceof BackendError)) throw err;
      this.modes.invalid! += 1;
      return undefined;
    }
    this.modes.llm! += 1;
    if (parsed.action !== undefined) {
      const name = r.snapshot.actionNames[parsed.action]!;
      this.actions[name] = (this.actions[name] ?? 0) + 1;
    }
    const expert = this.scores.of(env);
    const legalScores = expert.filter((x, a) => legal[a] && Number.isFinite(x));
    const top = Math.max(...legalScores);
    const best = expert.filter((x, a) => legal[a] && x === top).length;
    if (parsed.action !== undefined && expert[parsed.action] === top) this.agree += 1;
    this.chance += best / Math.max(1, legalScores.length);
    const b = answerToBias(parsed, legal, bound);
    if (b === undefined) return undefined;
    return {
      advisorId: this.spec.id,
      bias: b.bias,
      recommended: b.recommended,
      priority: this.spec.priority ?? 1,
      confidence: parsed.confidence,
      latencyMs,
      mode: 'llm',
    };
  }

  stats(): LlmAdvisorStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const valid = this.modes.llm!;
    const info = this.client.serverInfo();
    return {
      model: this.llm.model,
      promptVersion: PROMPT_VERSION,
      ...(info ? { server: info } : {}),
      answers: sorted.length,
      invalid: this.modes.invalid!,
      truncated: this.modes.truncated!,
      cacheHits: this.hits,
      calls: this.calls,
      latencyMs: {
        p50: quantile(sorted, 0.5),
        p95: quantile(sorted, 0.95),
        mean: sorted.length === 0 ? 0 : sorted.reduce((s, x) => s + x, 0) / sorted.length,
        max: sorted.at(-1) ?? 0,
      },
      promptTokens: this.tokens.prompt,
      completionTokens: this.tokens.completion,
      agreeRate: valid === 0 ? 0 : this.agree / valid,
      chanceRate: valid === 0 ? 0 : this.chance / valid,
      actions: Object.fromEntries(Object.entries(this.actions).sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}

/** What a run needs to build its advisors: the LLM client when a configuration has `llm` advisors. */
export interface AdvisorContext {
  readonly llm?: LlmClient;
}

/** The advisors of a run: scripted (SimAdvisor) or real-LLM (LlmAdvisor), sharing one expert score cache. */
export function createAdvisors(specs: readonly AdvisorSpec[], envId: string, seed: number, ctx: AdvisorContext = {}): Advisor[] {
  const cache = new ScoreCache();
  return specs.map((a, k) => {
    if (a.llm === undefined) return new SimAdvisor(a, envId, seed, k, cache);
    if (ctx.llm === undefined)
      throw new LlmAdvisorConfigError(`advisor ${a.id} needs a real LLM: run it through \`ala experiment\` (which opens the LLM client)`);
    return new LlmAdvisor(a, envId, seed, k, ctx.llm, cache);
  });
}

/** The LLM statistics of a run's advisors (undefined when none is an LLM). */
export function llmStats(advisors: readonly Advisor[]): Record<string, LlmAdvisorStats> | undefined {
  const out: Record<string, LlmAdvisorStats> = {};
  for (const a of advisors) if (a instanceof LlmAdvisor) out[a.spec.id] = a.stats();
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Runs every advisor's prepare() for the snapshots of one step. */
export async function prepareAdvisors(advisors: readonly Advisor[], snapshots: readonly PendingSnapshot[]): Promise<void> {
  if (snapshots.length === 0) return;
  for (const a of advisors) if (a.prepare) await a.prepare(snapshots);
}
