// The LLM backend's metric catalogue (docs/metrics.md mirrors it). Names only: no I/O.
import type { MetricDef } from '@ala/telemetry';

export const LLM_METRICS = {
  requests: 'ala_llm_requests_total',
  tokens: 'ala_llm_tokens_total',
  cache: 'ala_llm_cache_lookups_total',
  latency: 'ala_llm_request_duration_seconds',
  breaker: 'ala_llm_circuit_state',
  errors: 'ala_llm_errors_total',
} as const;

export const LLM_METRIC_DEFS: readonly MetricDef[] = [
  {
    name: LLM_METRICS.requests,
    help: 'LLM calls by outcome (ok, timeout, http_error, invalid, truncated, circuit_open, budget); circuit_open and budget never reach the server',
    kind: 'counter',
    labels: ['advisor', 'outcome'],
  },
  { name: LLM_METRICS.tokens, help: 'Tokens reported by the server (usage), by kind (prompt, completion)', kind: 'counter', labels: ['advisor', 'kind'] },
  { name: LLM_METRICS.cache, help: 'Response cache lookups by result (hit, miss)', kind: 'counter', labels: ['advisor', 'result'] },
  { name: LLM_METRICS.latency, help: 'Duration of successful LLM calls', kind: 'histogram', labels: ['advisor'] },
  {
    name: LLM_METRICS.errors,
    help: 'Failed LLM calls by kind (timeout, http_4xx, http_5xx, network, invalid, truncated, format_refused); each kind is logged with the server message',
    kind: 'counter',
    labels: ['advisor', 'kind'],
  },
  { name: LLM_METRICS.breaker, help: 'Circuit breaker state (0 closed, 1 open, 2 half-open)', kind: 'gauge', labels: ['advisor'] },
];
