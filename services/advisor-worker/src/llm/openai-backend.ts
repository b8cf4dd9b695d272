// The `openai-compatible` advisor backend: one chat completion per snapshot through
// @huggingface/inference against any OpenAI-compatible server (vLLM, llama.cpp's llama-server,
// Ollama, TGI) at `endpointUrl` (the client appends /v1/chat/completions). Always
// `retry_on_error: false` (the client would retry HTTP 503 forever) and a hard timeout signal; a
// circuit breaker stops calling a failing server; a bounded LRU cache answers repeated states;
// tokens are counted against an optional budget. Every failure is counted by kind and logged with
// the server's own message (the caller's logger is rate-limited: one line per kind per interval).
// `finish_reason: "length"` is a truncated answer, never parsed. With responseFormat `auto` a
// server that refuses the JSON schema (llama-cpp-python) is asked for `json_object` from then on,
// and its answers are validated all the same. Must not publish or read the bus.
import { chatCompletion } from '@huggingface/inference';
import { LRUCache } from 'lru-cache';
import type { BusLogger } from '@ala/bus';
import type { StateSnapshot } from '@ala/protocol';
import { noopMetrics, type ServiceMetrics } from '@ala/telemetry';
import { BackendError, type AdvisorBackend, type BackendAnswer } from '../backend';
import type { LlmConfig } from '../config';
import { LLM_METRIC_DEFS, LLM_METRICS as M } from './metrics';
import { CircuitBreaker } from './circuit-breaker';
import { classifyFailure, refusedJsonSchema, type CallFailure } from './failures';
import { LlmCounters } from './llm-counters';
import { PromptHistory } from './prompt-history';
import { buildMessages, parseAnswer, PROMPT_VERSION, rationaleBudget, responseFormat } from './prompt';

export interface OpenAiBackendOptions {
  config: LlmConfig;
  /** Label of the metrics. */
  advisorId: string;
  metrics?: ServiceMetrics;
  /** Failures are logged here, once per kind per interval when the logger is rate-limited. */
  log?: BusLogger;
  /** Monotonic ms clock (default performance.now). */
  now?: () => number;
  /** Earlier snapshots per agent shown in the prompt (default 3; 0 = none). */
  historyLength?: number;
}

const BREAKER_STATE = { closed: 0, open: 1, 'half-open': 2 } as const;

export function openAiBackend(opts: OpenAiBackendOptions): AdvisorBackend {
  const cfg = opts.config;
  const metrics = opts.metrics ?? noopMetrics;
  const log = opts.log;
  const now = opts.now ?? (() => performance.now());
  const labels = { advisor: opts.advisorId };
  metrics.define(LLM_METRIC_DEFS);
  const breaker = new CircuitBreaker({ failures: cfg.breakerFailures, cooldownMs: cfg.breakerCooldownMs });
  const cache = cfg.cacheSize > 0 ? new LRUCache<string, BackendAnswer>({ max: cfg.cacheSize }) : undefined;
  const history = new PromptHistory(opts.historyLength ?? 3);
  const c = new LlmCounters();
  const rationaleChars = rationaleBudget(cfg.maxTokens, cfg.rationaleMaxChars);
  let format: 'json_schema' | 'json_object' = cfg.responseFormat === 'json_object' ? 'json_object' : 'json_schema';
  const outcome = (label: string): void => metrics.inc(M.requests, { ...labels, outcome: label });
  const breakerGauge = (): void => metrics.set(M.breaker, BREAKER_STATE[breaker.state(now())], labels);
  const fail = (kind: string, detail: Record<string, unknown>): void => {
    c.fail(kind, typeof detail.message === 'string' ? detail.message : kind);
    metrics.inc(M.errors, { ...labels, kind });
    log?.warn(`llm: request failed (${kind})`, { advisor: opts.advisorId, endpoint: cfg.endpointUrl, model: cfg.model, ...detail });
  };

  async function call(snapshot: StateSnapshot, messages: ReturnType<typeof buildMessages>, signal: AbortSignal) {
    const timeout = AbortSignal.timeout(cfg.timeoutMs);
    const t0 = now();
    c.counts.llmRequests++;
    try {
      const out = await chatCompletion(
        {
          endpointUrl: cfg.endpointUrl,
          model: cfg.model,
          ...(cfg.apiKey !== undefined ? { accessToken: cfg.apiKey } : {}),
          messages,
          max_tokens: cfg.maxTokens,
          temperature: cfg.temperature,
          response_format: responseFormat(snapshot, format, rationaleChars),
        },
        { retry_on_error: false, signal: AbortSignal.any([signal, timeout]) },
      );
      return { out, ms: now() - t0 };
    } catch (err) {
      if (signal.aborted) {
        breaker.release();
        c.counts.llmAborted++;
        throw new BackendError('aborted', 'request aborted by the caller', { cause: err });
      }
      throw Object.assign(classifyFailure(err, timeout.aborted), { cause: err });
    }
  }

  async function request(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer> {
    const turn = history.take(snapshot);
    const messages = buildMessages(snapshot, { history: turn.history, rationaleMaxChars: rationaleChars });
    let res;
    for (;;) {
      try {
        res = await call(snapshot, messages, signal);
        break;
      } catch (err) {
        if (err instanceof BackendError) throw err;
        const f = err as CallFailure & { cause: unknown };
        if (cfg.responseFormat === 'auto' && format === 'json_schema' && refusedJsonSchema(f)) {
          format = 'json_object'; // for good: this server knows only json_object; answers are still validated
          c.counts.llmFormatFallbacks++;
          metrics.inc(M.errors, { ...labels, kind: 'format_refused' });
          log?.warn('llm: the server refused the JSON-schema response_format; asking for json_object from now on', {
            advisor: opts.advisorId,
            status: f.status,
            message: f.message,
          });
          continue;
        }
        const openedBefore = breaker.opened;
        breaker.failure(now());
        breakerGauge();
        fail(f.kind, { status: f.status, message: f.message });
        if (breaker.opened > openedBefore) {
          log?.warn('llm: circuit breaker opened; snapshots get no advice until a trial request succeeds', {
            advisor: opts.advisorId,
            endpoint: cfg.endpointUrl,
            cooldownMs: cfg.breakerCooldownMs,
            opened: breaker.opened,
            lastError: f.message,
          });
        }
        if (f.kind === 'timeout') {
          outcome('timeout');
          throw new BackendError('timeout', `no answer within ${cfg.timeoutMs} ms`, { cause: f.cause });
        }
        outcome('http_error');
        throw new BackendError('unavailable', `request failed${f.status !== undefined ? ` (HTTP ${f.status})` : ''}: ${f.message}`, { cause: f.cause });
      }
    }
    breaker.success();
    breakerGauge();
    const { out, ms } = res;
    metrics.observe(M.latency, ms / 1000, labels);
    const usage = out.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
    const prompt = Number.isFinite(usage?.prompt_tokens) ? (usage?.prompt_tokens as number) : 0;
    const completion = Number.isFinite(usage?.completion_tokens) ? (usage?.completion_tokens as number) : 0;
    c.answered(ms, prompt, completion);
    metrics.inc(M.tokens, { ...labels, kind: 'prompt' }, prompt);
    metrics.inc(M.tokens, { ...labels, kind: 'completion' }, completion);
    const choice = out.choices?.[0];
    if (choice?.finish_reason === 'length') {
      outcome('truncated');
      fail('truncated', { message: `answer cut at max_tokens=${cfg.maxTokens} (finish_reason "length")`, completionTokens: completion });
      throw new BackendError('truncated', `answer cut at ${cfg.maxTokens} tokens`);
    }
    // Only the final content: reasoning fields (reasoning_content, reasoning) are never read.
    const content: unknown = choice?.message?.content;
    let answer: BackendAnswer;
    try {
      answer = { ...parseAnswer(content, snapshot, cfg.model), promptVersion: PROMPT_VERSION };
    } catch (err) {
      outcome('invalid');
      fail('invalid', { message: (err as Error).message, content: typeof content === 'string' ? content.slice(0, 200) : typeof content });
      throw err;
    }
    outcome('ok');
    c.counts.llmOk++;
    if (answer.action !== undefined) turn.advised(snapshot.actionNames[answer.action] ?? String(answer.action));
    return answer;
  }

  return {
    kind: 'openai-compatible',
    async advise(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer> {
      const key = JSON.stringify([snapshot.envId, snapshot.text, snapshot.actionNames, snapshot.legal]);
      const hit = cache?.get(key);
      if (hit !== undefined) {
        c.counts.llmCacheHits++;
        metrics.inc(M.cache, { ...labels, result: 'hit' });
        return hit;
      }
      c.counts.llmCacheMisses++;
      metrics.inc(M.cache, { ...labels, result: 'miss' });
      if (cfg.tokenBudget > 0 && c.counts.llmPromptTokens + c.counts.llmCompletionTokens >= cfg.tokenBudget) {
        c.counts.llmBudgetRefused++;
        outcome('budget');
        throw new BackendError('budget', `token budget ${cfg.tokenBudget} spent`);
      }
      if (!breaker.tryAcquire(now())) {
        c.counts.llmCircuitOpen++;
        outcome('circuit_open');
        throw new BackendError('circuit-open', 'circuit breaker open: the LLM endpoint failed repeatedly');
      }
      const answer = await request(snapshot, signal);
      cache?.set(key, answer);
      return answer;
    },
    stats: () => ({
      ...c.stats(),
      llmBreakerState: BREAKER_STATE[breaker.state(now())],
      llmBreakerOpened: breaker.opened,
      llmJsonObjectFormat: format === 'json_object' ? 1 : 0,
    }),
    failures: () => c.lastErrors(),
  };
}
