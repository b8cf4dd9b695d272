// The real LLM behind the experiments' `llm` advisors: chat completions against an
// OpenAI-compatible server (POST <endpoint>/v1/chat/completions), with a per-run answer cache keyed
// by the SHA-256 of the request (model, messages, response_format, max_tokens, temperature) that
// is loaded from and saved to a JSON file next to the run's results, so a rerun finds every answer
// there and needs no server. Without an endpoint, the first cache miss starts the local
// llama-server with SmolLM2 (@ala/testkit, installed by scripts/install-llm.sh). A dead or absent
// server is an LlmServerError naming the endpoint (bounded by a per-call timeout), never a hang.
// Records the server's model and build (also in the cache file, for reruns from it) and the real
// latency of every answer.
// Must not: parse answers or build prompts (the advisor-worker's prompt.ts does), or keep run time.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startLlamaServer, type LlamaServerHandle } from '@ala/testkit';

/** One answer as the server gave it (what the cache stores). */
export interface CachedCompletion {
  /** The final message content (reasoning fields are never read). */
  readonly content: string | null;
  readonly finishReason: string | null;
  /** Real latency of the call that produced it, ms. */
  readonly ms: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface CompletionRequest {
  readonly model: string;
  readonly messages: readonly { role: string; content: string }[];
  readonly response_format?: unknown;
  readonly max_tokens: number;
  readonly temperature: number;
}

/** What the result JSON records about the server (unknown fields stay undefined). */
export interface LlmServerInfo {
  readonly endpoint: string;
  /** Model id(s) the server reports on /v1/models. */
  readonly servedModels?: string[];
  /** llama-server's build (GET /props build_info) or the `Server` header. */
  readonly serverVersion?: string;
  /** Whether this process started the server (the local llama-server) or was given it. */
  readonly started: boolean;
  /** Set when no call was made: the server that produced the cached answers, as the cache file recorded it. */
  readonly fromCache?: boolean;
}

export interface LlmClientOptions {
  /** Server base URL; undefined = start the local llama-server on the first cache miss. */
  readonly endpoint?: string;
  /** Cache file (loaded now if it exists, written by save()); undefined = memory only. */
  readonly cacheFile?: string;
  /** Hard timeout of one call, ms (default 120000). */
  readonly timeoutMs?: number;
  /** Calls at once (default 1: on a small CPU box parallel slots only split the cores and lose the prompt cache). */
  readonly concurrency?: number;
  /** Threads of the local llama-server (default 1: on a loaded box more threads stall on each other at every sync). */
  readonly threads?: number;
}

export class LlmServerError extends Error {
  override readonly name = 'LlmServerError';
  constructor(
    readonly endpoint: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`LLM server ${endpoint}: ${detail}`, options);
  }
}

const unreachable = (e: Error): string => `unreachable (${e.cause instanceof Error ? e.cause.message : e.message})`;

/** New answers between two cache-file writes during a run. */
const SAVE_EVERY = 20;

/** The answer cache file exists but cannot be read as one (fix or delete it; nothing is overwritten). */
export class LlmCacheError extends Error {
  override readonly name = 'LlmCacheError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`LLM answer cache ${file}: ${detail}`);
  }
}

export class LlmClient {
  private cache = new Map<string, CachedCompletion>();
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private server: LlamaServerHandle | undefined;
  private starting: Promise<string> | undefined;
  private info: LlmServerInfo | undefined;
  private cachedServer: LlmServerInfo | undefined;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** Answers served from the cache / by the server in this process. */
  readonly counts = { cacheHits: 0, calls: 0 };

  private constructor(private readonly opts: LlmClientOptions) {}

  static async open(opts: LlmClientOptions): Promise<LlmClient> {
    const c = new LlmClient(opts);
    if (opts.cacheFile !== undefined) {
      const text = await fs.readFile(opts.cacheFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (text !== undefined) {
        let answers: unknown;
        try {
          const file = JSON.parse(text) as { answers?: unknown; server?: LlmServerInfo };
          answers = file.answers;
          c.cachedServer = file.server;
        } catch (err) {
          throw new LlmCacheError(opts.cacheFile, `not JSON (${(err as Error).message})`);
        }
        if (typeof answers !== 'object' || answers === null) throw new LlmCacheError(opts.cacheFile, 'no "answers" object');
        c.cache = new Map(Object.entries(answers as Record<string, CachedCompletion>));
      }
    }
    return c;
  }

  /** The server of this run's calls, else the one the cache file recorded (fromCache), else undefined. */
  serverInfo(): LlmServerInfo | undefined {
    return this.info ?? (this.cachedServer ? { ...this.cachedServer, fromCache: true } : undefined);
  }

  static key(req: CompletionRequest): string {
    return createHash('sha256')
      .update(JSON.stringify([req.model, req.messages, req.response_format ?? null, req.max_tokens, req.temperature]))
      .digest('hex');
  }

  /** The cached answer to `req`, else the server's (then cached). */
  async complete(req: CompletionRequest): Promise<CachedCompletion & { cached: boolean }> {
    const key = LlmClient.key(req);
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.counts.cacheHits += 1;
      return { ...hit, cached: true };
    }
    await this.slot();
    try {
      const endpoint = await this.endpoint();
      const answer = await this.call(endpoint, req);
      this.cache.set(key, answer);
      this.dirty = true;
      this.counts.calls += 1;
      if (this.counts.calls % SAVE_EVERY === 0) await this.save(); // an interrupted run keeps its answers
      return { ...answer, cached: false };
    } finally {
      this.running -= 1;
      this.queue.shift()?.();
    }
  }

  /** Writes the cache file (atomically) if anything was added; writes never overlap. */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    const file = this.opts.cacheFile;
    if (file === undefined || !this.dirty) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const answers = Object.fromEntries([...this.cache.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const server = this.info ?? this.cachedServer;
    await fs.writeFile(tmp, `${JSON.stringify({ format: 1, ...(server ? { server } : {}), answers })}\n`);
    await fs.rename(tmp, file);
    this.dirty = false;
  }

  /** Saves the cache and stops the server this client started. */
  async close(): Promise<void> {
    await this.save();
    await this.server?.stop();
    this.server = undefined;
  }

  private async slot(): Promise<void> {
    if (this.running >= (this.opts.concurrency ?? 1)) await new Promise<void>((r) => this.queue.push(r));
    this.running += 1;
  }

  private endpoint(): Promise<string> {
    this.starting ??= this.connect();
    return this.starting;
  }

  private async connect(): Promise<string> {
    let endpoint = this.opts.endpoint?.replace(/\/+$/, '');
    if (endpoint === undefined) {
      this.server = await startLlamaServer({ slots: this.opts.concurrency ?? 1, threads: this.opts.threads ?? 1 });
      endpoint = this.server.url;
    }
    const get = (p: string): Promise<Response> =>
      fetch(`${endpoint}${p}`, { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
        throw new LlmServerError(endpoint, unreachable(err), { cause: err });
      });
    const models = await get('/v1/models');
    if (!models.ok) throw new LlmServerError(endpoint, `GET /v1/models answered HTTP ${models.status}`);
    const body = (await models.json()) as { data?: { id?: string }[] };
    // llama-server's own endpoint (other servers answer 404 and the build comes from the Server header);
    // /v1/models has just answered, so a failure here is odd but not fatal: said once, the build then unknown
    const props = await get('/props').catch((err: unknown) => {
      console.warn(`llm: ${endpoint}/props failed (${(err as Error).message}); the server build is not recorded`);
      return undefined;
    });
    const build = props?.ok ? ((await props.json()) as { build_info?: string }).build_info : undefined;
    this.info = {
      endpoint,
      servedModels: (body.data ?? []).flatMap((m) => (typeof m.id === 'string' ? [m.id] : [])),
      serverVersion: build ?? models.headers.get('server') ?? undefined,
      started: this.server !== undefined,
    };
    return endpoint;
  }

  private async call(endpoint: string, req: CompletionRequest): Promise<CachedCompletion> {
    const timeoutMs = this.opts.timeoutMs ?? 120_000;
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(`${endpoint}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(req),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new LlmServerError(endpoint, e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : unreachable(e), { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new LlmServerError(endpoint, `HTTP ${res.status}: ${text.slice(0, 300)}`);
    let out: {
      choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    try {
      out = JSON.parse(text) as typeof out;
    } catch (err) {
      throw new LlmServerError(endpoint, `answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 120)}`, { cause: err });
    }
    const choice = out.choices?.[0];
    return {
      content: choice?.message?.content ?? null,
      finishReason: choice?.finish_reason ?? null,
      ms: Math.round(performance.now() - t0),
      promptTokens: out.usage?.prompt_tokens ?? 0,
      completionTokens: out.usage?.completion_tokens ?? 0,
    };
  }
}
