// The advisor backend seam: something that reads one state snapshot and answers with per-action
// scores or one recommended action, plus a confidence. Implemented by the scripted expert and by
// the OpenAI-compatible LLM client. Types and the backend error only: no I/O here.
import type { StateSnapshot } from '@ala/protocol';

/** What a backend answers for one snapshot (scores and/or action; validated by the caller). */
export interface BackendAnswer {
  /** Per-action scores, higher is better; one per action. Non-finite = no opinion on that action. */
  readonly scores?: readonly number[];
  /** Recommended action index (used when `scores` is absent). */
  readonly action?: number;
  /** Confidence in [0, 1]. */
  readonly confidence: number;
  /** Model or prompt name reported in the Advice. */
  readonly model: string;
  /** Short explanation (logs only). */
  readonly rationale?: string;
  /** Version of the prompt that produced the answer (LLM backends), carried in the Advice. */
  readonly promptVersion?: string;
}

export interface AdvisorBackend {
  /** Stable name (`scripted`, `openai-compatible`). */
  readonly kind: string;
  /** Answers one snapshot; must stop promptly and reject when `signal` aborts. */
  advise(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer>;
  /** Backend counters merged into the service's stats (optional). */
  stats?(): Record<string, number>;
  /** The last failure message per kind (e.g. the LLM server's error text), for reports. */
  failures?(): Record<string, string>;
}

/**
 * Why a backend gave no answer: `unsupported` env or snapshot, `timeout` of its own request,
 * `unavailable` (HTTP/transport failure), `invalid-answer` (unparsable or out of range),
 * `truncated` (the answer hit the token cap), `circuit-open` (breaker refused the call), `budget`
 * (token budget spent), `aborted` (signal).
 */
export type BackendFailure = 'unsupported' | 'timeout' | 'unavailable' | 'invalid-answer' | 'truncated' | 'circuit-open' | 'budget' | 'aborted';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly kind: BackendFailure,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${detail}`, options);
  }
}
