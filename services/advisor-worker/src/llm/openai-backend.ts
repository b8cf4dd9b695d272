// The `openai-compatible` advisor backend: one chat completion per snapshot through
// @huggingface/inference against any OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI) at
// `endpointUrl` (the client appends /v1/chat/completions). Always `retry_on_error: false` (the
// client would retry HTTP 503 forever, FIELD-NOTES) and a hard timeout signal; a circuit breaker
// stops calling a failing server; a bounded LRU cache answers repeated state texts; tokens are
// counted against an optional budget. Must not publish or read the bus.
import { chatCompletion, InferenceClientProviderApiError } from '@huggingface/inference';
import { LRUCache } from 'lru-cache';
import type { StateSnapshot } from '@ala/protocol';
import { noopMetrics, type ServiceMetrics } from '@ala/telemetry';
import { BackendError, type AdvisorBackend, type BackendAnswer } from '../backend';
import type { LlmConfig } from '../config';
import { LLM_METRIC_DEFS, LLM_METRICS as M } from './metrics';
import { CircuitBreaker } from './circuit-breaker';
import { buildMessages, parseAnswer, responseFormat } from './prompt';

export interface OpenAiBackendOptions {
  config: LlmConfig;
  /** Label of the metrics. */
  advisorId: string;
  metrics?: ServiceMetrics;
  /** Monotonic ms clock (default performance.now). */
  now?: () => number;
}

const BREAKER_STATE = { closed: 0, open: 1, 'half-open': 2 } as const;

export function openAiBackend(opts: OpenAiBackendOptions): AdvisorBackend {
  const cfg = opts.config;
  const metrics = opts.metrics ?? noopMetrics;
  const now = opts.now ?? (() => performance.now());
  const labels = { advisor: opts.advisorId };
  metrics.define(LLM_METRIC_DEFS);
  const breaker = new CircuitBreaker({ failures: cfg.breakerFailures, cooldownMs: cfg.breakerCooldownMs });
  const cache = cfg.cacheSize > 0 ? new LRUCache<string, BackendAnswer>({ max: cfg.cacheSize }) : undefined;
  const counts = { llmRequests: 0, llmOk: 0, llmTimeouts: 0, llmHttpErrors: 0, llmInvalid: 0, llmCircuitOpen: 0, llmBudgetRefused: 0, llmCacheHits: 0, llmCacheMisses: 0, llmPromptTokens: 0, llmCompletionTokens: 0 };
  const outcome = (key: keyof typeof counts, label: string): void => {
    counts[key]++;
    metrics.inc(M.requests, { ...labels, outcome: label });
  };
  const breakerGauge = (): void => metrics.set(M.breaker, BREAKER_STATE[breaker.state(now())], labels);

  async function request(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer> {
    const timeout = AbortSignal.timeout(cfg.timeoutMs);
    const t0 = now();
    counts.llmRequests++;
    let out;
    try {
      out = await chatCompletion(
        {
          endpointUrl: cfg.endpointUrl,
          model: cfg.model,
          ...(cfg.apiKey !== undefined ? { accessToken: cfg.apiKey } : {}),
          messages: buildMessages(snapshot),
          max_tokens: cfg.maxTokens,
          temperature: cfg.temperature,
          response_format: responseFormat(snapshot.actionNames.length),
        },
        { retry_on_error: false, signal: AbortSignal.any([signal, timeout]) },
      );
    } catch (err) {
      if (signal.aborted) {
        breaker.release();
        throw new BackendError('aborted', 'request aborted by the caller', { cause: err });
      }
      breaker.failure(now());
      breakerGauge();
      if (timeout.aborted) {
        outcome('llmTimeouts', 'timeout');
        throw new BackendError('timeout', `no answer within ${cfg.timeoutMs} ms`, { cause: err });
      }
      outcome('llmHttpErrors', 'http_error');
      const status = err instanceof InferenceClientProviderApiError ? ` (HTTP ${err.httpResponse.status})` : '';
      throw new BackendError('unavailable', `request failed${status}`, { cause: err });
    }
    breaker.success();
    breakerGauge();
    metrics.observe(M.latency, (now() - t0) / 1000, labels);
    const usage = out.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
    const prompt = Number.isFinite(usage?.prompt_tokens) ? (usage?.prompt_tokens as number) : 0;
    const completion = Number.isFinite(usage?.completion_tokens) ? (usage?.completion_tokens as number) : 0;
    counts.llmPromptTokens += prompt;
    counts.llmCompletionTokens += completion;
    metrics.inc(M.tokens, { ...labels, kind: 'prompt' }, prompt);
    metrics.inc(M.tokens, { ...labels, kind: 'completion' }, completion);
    // Only the final content: reasoning fields (reasoning_content, reasoning) are never read.
    const content: unknown = out.choices?.[0]?.message?.content;
    let answer: BackendAnswer;
    try {
      answer = parseAnswer(content, snapshot, cfg.model);
    } catch (err) {
      outcome('llmInvalid', 'invalid');
      throw err;
    }
    outcome('llmOk', 'ok');
    return answer;
  }

  return {
    kind: 'openai-compatible',
    async advise(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer> {
      const key = JSON.stringify([snapshot.envId, snapshot.text, snapshot.actionNames, snapshot.legal]);
      const hit = cache?.get(key);
      if (hit !== undefined) {
        counts.llmCacheHits++;
        metrics.inc(M.cache, { ...labels, result: 'hit' });
        return hit;
      }
      counts.llmCacheMisses++;
      metrics.inc(M.cache, { ...labels, result: 'miss' });
      if (cfg.tokenBudget > 0 && counts.llmPromptTokens + counts.llmCompletionTokens >= cfg.tokenBudget) {
        outcome('llmBudgetRefused', 'budget');
        throw new BackendError('budget', `token budget ${cfg.tokenBudget} spent`);
      }
      if (!breaker.tryAcquire(now())) {
        outcome('llmCircuitOpen', 'circuit_open');
        throw new BackendError('circuit-open', 'circuit breaker open: the LLM endpoint failed repeatedly');
      }
      const answer = await request(snapshot, signal);
      cache?.set(key, answer);
      return answer;
    },
    stats: () => ({ ...counts, llmBreakerState: BREAKER_STATE[breaker.state(now())], llmBreakerOpened: breaker.opened }),
  };
}
