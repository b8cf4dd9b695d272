// The LLM backend's counters for stats() (`ala up`'s progress line and summary, `ala status`):
// requests, answers, errors by kind, truncations, tokens, latency p50/p95 of answered calls
// (an HDR histogram, fixed memory) and the server's last message per failure kind.
// In-memory only: no I/O, no metrics registry (metrics.ts is the Prometheus side).
import { createHistogram } from 'node:perf_hooks';

const ERROR_COUNTER: Record<string, keyof LlmCounts> = {
  timeout: 'llmTimeouts',
  http_4xx: 'llmHttp4xx',
  http_5xx: 'llmHttp5xx',
  network: 'llmNetworkErrors',
  invalid: 'llmInvalid',
  truncated: 'llmTruncated',
};

function zero() {
  return {
    /** Calls sent to the server (a json_object retry after a refused schema counts again). */
    llmRequests: 0,
    llmOk: 0,
    /** Every failed call: timeouts, HTTP and network errors, invalid and truncated answers. */
    llmErrors: 0,
    llmTimeouts: 0,
    /** HTTP and network failures (llmHttp4xx + llmHttp5xx + llmNetworkErrors). */
    llmHttpErrors: 0,
    llmHttp4xx: 0,
    llmHttp5xx: 0,
    llmNetworkErrors: 0,
    llmInvalid: 0,
    llmTruncated: 0,
    llmCircuitOpen: 0,
    llmBudgetRefused: 0,
    llmAborted: 0,
    llmFormatFallbacks: 0,
    llmCacheHits: 0,
    llmCacheMisses: 0,
    llmPromptTokens: 0,
    llmCompletionTokens: 0,
  };
}
export type LlmCounts = ReturnType<typeof zero>;

export class LlmCounters {
  readonly counts: LlmCounts = zero();
  private readonly latencyMs = createHistogram({ lowest: 1, highest: 3_600_000, figures: 3 });
  private answeredMs = 0;
  private readonly last = new Map<string, string>();

  /** A call came back with a completion (whatever its content), after `ms`. */
  answered(ms: number, promptTokens: number, completionTokens: number): void {
    this.latencyMs.record(Math.min(3_600_000, Math.max(1, Math.round(ms))));
    this.answeredMs += ms;
    this.counts.llmPromptTokens += promptTokens;
    this.counts.llmCompletionTokens += completionTokens;
  }

  /** A failed call of `kind` (timeout, http_4xx, http_5xx, network, invalid, truncated). */
  fail(kind: string, message: string): void {
    this.counts.llmErrors++;
    const key = ERROR_COUNTER[kind];
    if (key !== undefined) this.counts[key]++;
    if (kind === 'http_4xx' || kind === 'http_5xx' || kind === 'network') this.counts.llmHttpErrors++;
    this.last.delete(kind); // most recent last
    this.last.set(kind, message);
  }

  /** The last message per failure kind. */
  lastErrors(): Record<string, string> {
    return Object.fromEntries(this.last);
  }

  stats(): Record<string, number> {
    const h = this.latencyMs;
    return {
      ...this.counts,
      llmLatencyP50Ms: h.count === 0 ? 0 : h.percentile(50),
      llmLatencyP95Ms: h.count === 0 ? 0 : h.percentile(95),
      llmCompletionTokensPerS: this.answeredMs > 0 ? (this.counts.llmCompletionTokens * 1000) / this.answeredMs : 0,
    };
  }
}
