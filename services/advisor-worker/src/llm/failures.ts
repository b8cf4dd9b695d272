// What went wrong with one LLM call, in words an operator can act on: the failure kind (timeout,
// http_4xx, http_5xx, network), the HTTP status and the server's own error text (OpenAI
// `error.message`, FastAPI `detail`, llama.cpp `error.message`), and whether the server refused
// the JSON-schema response_format (so the backend may fall back to `json_object`).
// Pure: reads an error object, no I/O.
import { InferenceClientProviderApiError } from '@huggingface/inference';

export type CallFailureKind = 'timeout' | 'http_4xx' | 'http_5xx' | 'network';

export interface CallFailure {
  readonly kind: CallFailureKind;
  readonly status?: number;
  /** The server's message (or the transport error's), at most 300 characters. */
  readonly message: string;
}

const MAX_MESSAGE = 300;

function text(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (x === undefined || x === null) return undefined;
  try {
    return JSON.stringify(x);
  } catch {
    return String(x);
  }
}

/** The server's error text from a JSON error body, in the shapes servers use. */
export function serverMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const err = b.error;
  if (typeof err === 'object' && err !== null && typeof (err as Record<string, unknown>).message === 'string') return (err as Record<string, string>).message;
  return text(err) ?? text(b.detail) ?? text(b.message);
}

export function classifyFailure(err: unknown, timedOut: boolean): CallFailure {
  if (timedOut) return { kind: 'timeout', message: 'no answer before the request timeout' };
  if (err instanceof InferenceClientProviderApiError) {
    const status = err.httpResponse.status;
    const message = (serverMessage(err.httpResponse.body) ?? err.message).slice(0, MAX_MESSAGE);
    return { kind: status >= 500 ? 'http_5xx' : 'http_4xx', status, message };
  }
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const cause = e?.cause ? ` (${text(e.cause.code) ?? text(e.cause.message) ?? ''})` : '';
  return { kind: 'network', message: `${text(e?.message) ?? 'request failed'}${cause}`.slice(0, MAX_MESSAGE) };
}

/** Did the server refuse the JSON-schema response_format (llama-cpp-python: HTTP 500, "json_object" expected)? */
export function refusedJsonSchema(f: CallFailure): boolean {
  return (f.kind === 'http_4xx' || f.kind === 'http_5xx') && /json_schema|response_format|json_object/i.test(f.message);
}
