// A real OpenAI-compatible LLM server for tests, benches and `npm run llm:up`: llama.cpp's
// `llama-server` with SmolLM2-135M-Instruct, both installed by scripts/install-llm.sh into the
// clone's .tools/ (bin/llama-server, models/smollm2-135m.gguf). Starts it on a free loopback port
// with `slots` parallel sequences (-np) and `threads` CPU threads (-t), waits (bounded) until
// /health answers 200, and stops it (SIGTERM, then SIGKILL) on stop() or when this process exits.
// Must not: download anything (the install script does) or pick the model for the user.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LlamaServerNotFoundError, LlamaServerStartError } from './errors';
import { freePort } from './nats-server';
import { findRepoRoot } from './server-binary';

export interface StartLlamaServerOptions {
  /** Server binary (default LLAMA_SERVER_BIN, else <repo>/.tools/bin/llama-server). */
  readonly bin?: string;
  /** GGUF model (default LLAMA_SERVER_MODEL, else <repo>/.tools/models/smollm2-135m.gguf). */
  readonly model?: string;
  /** Name the server answers to (the request's `model`), default 'smollm2-135m'. */
  readonly alias?: string;
  /** Parallel sequences, llama-server -np (default 2). */
  readonly slots?: number;
  /** CPU threads, -t (default 1). */
  readonly threads?: number;
  /** Context size shared by the slots, -c (default 2048 per slot). */
  readonly contextTokens?: number;
  readonly port?: number;
  /** Bound on the wait for /health, ms (default 60000). */
  readonly startTimeoutMs?: number;
}

export interface LlamaServerHandle {
  /** Base URL for an OpenAI-compatible client (it appends /v1/chat/completions). */
  readonly url: string;
  readonly port: number;
  readonly alias: string;
  readonly slots: number;
  isRunning(): boolean;
  /** The server's last output lines (for failure reports). */
  logTail(): string;
  /** SIGKILL, no grace: a crashed server, for fault tests. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Where install-llm.sh puts the binary and the model. */
export function llamaServerPaths(root = findRepoRoot(process.cwd()) ?? process.cwd()): { bin: string; model: string } {
  return {
    bin: process.env.LLAMA_SERVER_BIN ?? path.join(root, '.tools', 'bin', 'llama-server'),
    model: process.env.LLAMA_SERVER_MODEL ?? path.join(root, '.tools', 'models', 'smollm2-135m.gguf'),
  };
}

async function exited(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

export async function startLlamaServer(opts: StartLlamaServerOptions = {}): Promise<LlamaServerHandle> {
  const found = llamaServerPaths();
  const bin = opts.bin ?? found.bin;
  const model = opts.model ?? found.model;
  for (const f of [bin, model]) if (!existsSync(f)) throw new LlamaServerNotFoundError(f);
  const slots = opts.slots ?? 2;
  const alias = opts.alias ?? 'smollm2-135m';
  const port = opts.port ?? (await freePort());
  const args = [
    '-m',
    model,
    '--alias',
    alias,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '-c',
    String(opts.contextTokens ?? 2048 * slots),
    '-np',
    String(slots),
    '-t',
    String(opts.threads ?? 1),
    '--no-webui',
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const tail: string[] = [];
  const keep = (b: Buffer): void => {
    tail.push(
      ...b
        .toString()
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new LlamaServerStartError(`llama-server exited (${child.exitCode ?? child.signalCode}) before it was healthy`, tail.join('\n'));
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await exited(child, 'SIGKILL', 1_000);
      throw new LlamaServerStartError(`llama-server not healthy within ${opts.startTimeoutMs ?? 60_000} ms`, tail.join('\n'));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    alias,
    slots,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    logTail: () => tail.join('\n'),
    kill: () => exited(child, 'SIGKILL', 1_000),
    stop: () => exited(child, 'SIGTERM', 5_000),
  };
}
