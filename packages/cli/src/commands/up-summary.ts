// What `ala up` reports: the live progress line, summary.json and the final table, all computed
// from the stack's stats (pure functions). Advice accounting (docs/metrics.md):
//   published = biases the router sent; applied = agent-steps that acted with a live bias;
//   expired   = advice that died before steering a single step, at any stage (advisor over its
//               deadline, aggregator window, router, bus receipt, actor table);
//   invalid   = messages refused by the codec on any subscription, plus biases the actor refused
//               (wrong length, unknown agent, non-finite);
//   coverage  = applied / envSteps;
//   clipped / ttlCapped = biases the actor accepted only after cutting them to its own bound B /
//               its maximum TTL (nonzero means a misconfigured router or a hostile publisher).
// Must not: do I/O.
import type { StackStats } from './up-stack';

export interface AdviceSummary {
  readonly published: number;
  readonly applied: number;
  readonly expired: number;
  readonly invalid: number;
  /** Biases with a component beyond the actor's B, clipped to ±B. */
  readonly clipped: number;
  /** Biases whose TTL exceeded the actor's maximum (or was missing), cut to it. */
  readonly ttlCapped: number;
  readonly coverage: number;
  readonly meanAgeMs: number;
}

/** The openai-compatible advisor's calls (absent with other advisors). */
export interface LlmSummary {
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  /** Failed calls by kind. */
  readonly errorsByKind: Readonly<Record<'timeout' | 'http_4xx' | 'http_5xx' | 'network' | 'invalid' | 'truncated', number>>;
  readonly truncated: number;
  /** Calls cancelled because their snapshot's TTL ran out (or the advisor stopped) before the answer. */
  readonly cancelled: number;
  /** Snapshots refused without a call because the circuit breaker was open. */
  readonly circuitOpenRefusals: number;
  readonly breakerState: 'closed' | 'open' | 'half-open';
  readonly breakerOpened: number;
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly completionTokensPerS: number;
  /** True once the server refused the JSON schema and answers were asked for as json_object. */
  readonly jsonObjectFallback: boolean;
  /** The server's last message per failure kind. */
  readonly lastErrors: Readonly<Record<string, string>>;
}

export interface UpSummary extends UpProbes {
  readonly envId: string;
  readonly envSteps: number;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  readonly episodes: number;
  /** Mean return of the last 100 episodes (null before any finished). */
  readonly meanReturnLast100: number | null;
  readonly policyVersion: number;
  readonly learnerUpdates: number;
  readonly policyLagMean: number;
  readonly advice: AdviceSummary;
  readonly advisedStepFraction: number;
  /** Mean return of the final policy π alone (no advice) on fresh envs; null when not evaluated. */
  readonly evalReturnUnadvised: number | null;
  readonly evalEpisodes: number;
  readonly transport: string;
  readonly ttlEnforcedByServer: boolean;
  /** Publishes/subscribes the NATS server denied to this run's services (0 expected; docs/security.md). */
  readonly natsPermissionErrors: number;
  readonly stoppedBy: 'target-return' | 'max-seconds' | 'signal' | 'error';
  /** Where the learner ran: 'worker' (own thread and NATS connection) or 'main' (shares the actor's event loop). */
  readonly learnerThread: 'worker' | 'main';
  /** Why the run stopped with 'error' (learner worker crash, actor loop error); null otherwise. */
  readonly error: string | null;
  /** LLM calls of the openai-compatible advisor; null with other advisors. */
  readonly llm: LlmSummary | null;
}

/** Timing probes of a run (ms), measured by up.ts / up-stack.ts. */
export interface UpProbes {
  /** Main-thread event-loop delay p99 / max over the run (perf_hooks.monitorEventLoopDelay), ms. */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  /** Time between consecutive vector steps of the actor, p50 / p99 / max, ms (paced: 1000 / stepHz when on time). */
  readonly stepGapP50Ms: number;
  readonly stepGapP99Ms: number;
  readonly stepGapMaxMs: number;
}

const n = (r: Record<string, number>, k: string): number => r[k] ?? 0;

export function adviceSummary(st: StackStats): AdviceSummary {
  const a = st.actor;
  const expired =
    a.biasExpiredUnused +
    n(st.advisor, 'dropped_expired') +
    n(st.aggregator, 'adviceExpiredInWindow') +
    n(st.aggregator, 'dropped_expired') +
    n(st.router, 'expired') +
    st.bus.expired;
  return {
    published: n(st.router, 'routed'),
    applied: a.advisedSteps,
    expired,
    invalid: st.bus.decodeErrors + a.biasRejected,
    clipped: a.biasClipped,
    ttlCapped: a.biasTtlCapped,
    coverage: a.envSteps === 0 ? 0 : a.advisedSteps / a.envSteps,
    meanAgeMs: a.advisedSteps === 0 ? 0 : a.adviceAgeMsSum / a.advisedSteps,
  };
}

const BREAKER = ['closed', 'open', 'half-open'] as const;

/** The LLM counters of the advisor's stats (null when the advisor is not openai-compatible). */
export function llmSummary(st: StackStats): LlmSummary | null {
  const a = st.advisor;
  if (a.llmRequests === undefined) return null;
  return {
    requests: n(a, 'llmRequests'),
    ok: n(a, 'llmOk'),
    errors: n(a, 'llmErrors'),
    errorsByKind: {
      timeout: n(a, 'llmTimeouts'),
      http_4xx: n(a, 'llmHttp4xx'),
      http_5xx: n(a, 'llmHttp5xx'),
      network: n(a, 'llmNetworkErrors'),
      invalid: n(a, 'llmInvalid'),
      truncated: n(a, 'llmTruncated'),
    },
    truncated: n(a, 'llmTruncated'),
    cancelled: n(a, 'llmAborted'),
    circuitOpenRefusals: n(a, 'llmCircuitOpen'),
    breakerState: BREAKER[n(a, 'llmBreakerState')] ?? 'closed',
    breakerOpened: n(a, 'llmBreakerOpened'),
    latencyP50Ms: n(a, 'llmLatencyP50Ms'),
    latencyP95Ms: n(a, 'llmLatencyP95Ms'),
    promptTokens: n(a, 'llmPromptTokens'),
    completionTokens: n(a, 'llmCompletionTokens'),
    completionTokensPerS: n(a, 'llmCompletionTokensPerS'),
    jsonObjectFallback: n(a, 'llmJsonObjectFormat') === 1,
    lastErrors: { ...(st.advisorFailures ?? {}) },
  };
}

export function summarize(
  st: StackStats,
  meta: {
    envId: string;
    wallSeconds: number;
    transport: string;
    ttlEnforced: boolean;
    stoppedBy: UpSummary['stoppedBy'];
    evaluation?: { meanReturn: number; episodes: number };
    learnerThread: UpSummary['learnerThread'];
    error?: string;
    probes: UpProbes;
  },
): UpSummary {
  const a = st.actor;
  return {
    envId: meta.envId,
    envSteps: a.envSteps,
    wallSeconds: meta.wallSeconds,
    stepsPerSecond: meta.wallSeconds > 0 ? a.envSteps / meta.wallSeconds : 0,
    episodes: a.episodes,
    meanReturnLast100: a.episodes === 0 ? null : a.meanReturn100,
    policyVersion: a.policyVersion,
    learnerUpdates: st.learner.updates,
    policyLagMean: st.learner.lastLagMean,
    advice: adviceSummary(st),
    advisedStepFraction: a.envSteps === 0 ? 0 : a.advisedSteps / a.envSteps,
    evalReturnUnadvised: meta.evaluation && Number.isFinite(meta.evaluation.meanReturn) ? meta.evaluation.meanReturn : null,
    evalEpisodes: meta.evaluation?.episodes ?? 0,
    transport: meta.transport,
    ttlEnforcedByServer: meta.ttlEnforced,
    natsPermissionErrors: st.natsPermissionErrors,
    stoppedBy: meta.stoppedBy,
    learnerThread: meta.learnerThread,
    error: meta.error ?? null,
    llm: llmSummary(st),
    ...meta.probes,
  };
}

const k = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : String(Math.round(x)));

/** One progress line. */
export function progressLine(st: StackStats, elapsedS: number, stepsPerS: number): string {
  const a = st.actor;
  const adv = adviceSummary(st);
  const ret = a.episodes === 0 ? '-' : a.meanReturn100.toFixed(1);
  return (
    `${elapsedS.toFixed(0)}s | ${k(a.envSteps)} steps ${k(stepsPerS)}/s | return ${ret} (${a.episodes} ep) | advised ${(adv.coverage * 100).toFixed(0)}% age ${adv.meanAgeMs.toFixed(0)}ms` +
    ` | policy v${a.policyVersion} lag ${st.learner.lastLagMean.toFixed(1)} | advice pub ${adv.published} exp ${adv.expired} inv ${adv.invalid}` +
    llmProgress(llmSummary(st))
  );
}

function llmProgress(l: LlmSummary | null): string {
  if (l === null) return '';
  return ` | llm req ${l.requests} ok ${l.ok} err ${l.errors} trunc ${l.truncated} cancel ${l.cancelled} cb ${l.breakerState} p50 ${l.latencyP50Ms.toFixed(0)}ms p95 ${l.latencyP95Ms.toFixed(0)}ms tok ${k(l.promptTokens + l.completionTokens)}`;
}

function llmRows(l: LlmSummary | null): [string, string][] {
  if (l === null) return [];
  const kinds = Object.entries(l.errorsByKind)
    .filter(([, v]) => v > 0)
    .map(([kind, v]) => `${kind} ${v}`)
    .join(', ');
  return [
    ['llm requests / ok / errors', `${l.requests} / ${l.ok} / ${l.errors}${kinds ? ` (${kinds})` : ''}`],
    ['llm truncated / cancelled (TTL over, stop)', `${l.truncated} / ${l.cancelled}`],
    ['llm circuit breaker', `${l.breakerState}, opened ${l.breakerOpened}x, ${l.circuitOpenRefusals} snapshots refused`],
    ['llm latency p50 / p95 (ms)', `${l.latencyP50Ms.toFixed(0)} / ${l.latencyP95Ms.toFixed(0)}`],
    ['llm tokens prompt / completion', `${l.promptTokens} / ${l.completionTokens} (${l.completionTokensPerS.toFixed(1)} completion tokens/s)`],
    ...(l.jsonObjectFallback ? [['llm response format', 'json_object (the server refused the JSON schema)'] as [string, string]] : []),
    ...Object.entries(l.lastErrors).map(([kind, msg]) => [`llm last ${kind} error`, msg] as [string, string]),
  ];
}

/** The final table, one `name  value` row per line. */
export function summaryTable(s: UpSummary): string {
  const rows: [string, string][] = [
    ['env', s.envId],
    ['transport', `${s.transport}${s.ttlEnforcedByServer ? ' (server enforces TTL)' : ''}`],
    ['stopped by', s.stoppedBy],
    ['env steps', String(s.envSteps)],
    ['wall seconds', s.wallSeconds.toFixed(1)],
    ['steps/s', s.stepsPerSecond.toFixed(0)],
    ['episodes', String(s.episodes)],
    ['mean return (last 100, with advice)', s.meanReturnLast100 === null ? '-' : s.meanReturnLast100.toFixed(1)],
    ['final policy alone (no advice)', s.evalReturnUnadvised === null ? '-' : `${s.evalReturnUnadvised.toFixed(1)} (${s.evalEpisodes} episodes)`],
    ['policy version', String(s.policyVersion)],
    ['learner updates', String(s.learnerUpdates)],
    ['policy lag (mean, last update)', s.policyLagMean.toFixed(2)],
    ['advice published', String(s.advice.published)],
    ['advice applied (steps)', String(s.advice.applied)],
    ['advice expired', String(s.advice.expired)],
    ['advice invalid', String(s.advice.invalid)],
    ['bias clipped to B / TTL capped (actor)', `${s.advice.clipped} / ${s.advice.ttlCapped}`],
    ['advised-step fraction', s.advisedStepFraction.toFixed(3)],
    ['mean advice age (ms)', s.advice.meanAgeMs.toFixed(1)],
    ['NATS permission denials', String(s.natsPermissionErrors)],
    ['learner thread', s.learnerThread],
    ['step gap p50 / p99 / max (ms)', `${s.stepGapP50Ms.toFixed(2)} / ${s.stepGapP99Ms.toFixed(2)} / ${s.stepGapMaxMs.toFixed(1)}`],
    ['event-loop delay p99 / max (ms)', `${s.eventLoopDelayP99Ms.toFixed(1)} / ${s.eventLoopDelayMaxMs.toFixed(1)}`],
    ...llmRows(s.llm),
    ...(s.error === null ? [] : [['error', s.error] as [string, string]]),
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([name, v]) => `${name.padEnd(w)}  ${v}`).join('\n');
}
