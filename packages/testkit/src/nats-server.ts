// Starts a throwaway nats-server with JetStream for tests and benchmarks, on a free loopback port
// with a temporary store dir; stop/restart/kill drive fault tests (restart keeps port and store).
// It must never skip silently: without a usable server (or Docker engine) it throws an error that
// says how to install one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NatsServerNotFoundError, NatsServerStartError, NatsServerVersionError } from './errors';
import { dockerAnswers, startNatsContainer } from './nats-container';
import { locateNatsServer } from './server-binary';

export interface StartNatsServerOptions {
  /** Explicit nats-server binary (else NATS_SERVER_BIN, <repo>/.tools/bin, PATH). */
  bin?: string;
  /** Environment to resolve NATS_SERVER_BIN / PATH from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Client port; default a free loopback port. */
  port?: number;
  /** JetStream store dir; default a fresh temp dir, removed by `stop()`. */
  storeDir?: string;
  /** Extra nats-server arguments, e.g. `['-c', 'auth.conf']`. */
  args?: string[];
  /** How long to wait for "Server is ready" (default 10 s). */
  startTimeoutMs?: number;
  /** `auto` (default): use Docker only when no binary is usable and an engine answers. */
  docker?: 'auto' | 'never';
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` (container mode: the mapped host and port). */
  readonly url: string;
  readonly port: number;
  /** JetStream store dir (container mode: the path inside the container). */
  readonly storeDir: string;
  /** Server version, e.g. `2.14.9`. */
  readonly version: string;
  readonly kind: 'process' | 'container';
  /** Credentials to connect with (container mode only; the NATS image module sets them). */
  readonly user?: string;
  readonly pass?: string;
  /** Graceful shutdown (SIGTERM) and removal of a temp store dir. Final. */
  stop(): Promise<void>;
  /** Graceful stop, then start again on the same port with the same store dir. */
  restart(): Promise<void>;
  /** SIGKILL (a crash): the store dir stays; `restart()` brings the server back. */
  kill(): Promise<void>;
  isRunning(): boolean;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Never leak servers: kill every child still alive when the test process exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A port that was free a moment ago (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

function launch(bin: string, port: number, storeDir: string, args: string[], timeoutMs: number): Promise<Running> {
  installExitHook();
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
  });
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new NatsServerStartError(`nats-server did not become ready within ${timeoutMs} ms`, output.slice(-4000)));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-16_000);
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stdout?.off('data', onData);
        // keep draining the pipes so the server never blocks on a full pipe
        child.stderr?.resume();
        child.stdout?.resume();
        resolve({ child, exited });
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new NatsServerStartError(`could not spawn ${bin}`, output, { cause: err }));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new NatsServerStartError(`nats-server exited before it was ready (port ${port})`, output.slice(-4000)));
    });
  });
}

async function signalAndWait(run: Running, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill(signal);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), graceMs);
  await run.exited;
  clearTimeout(timer);
}

/**
 * Starts nats-server >= 2.11 with JetStream. Throws NatsServerNotFoundError /
 * NatsServerVersionError (with install instructions) when no usable server exists.
 */
export async function startNatsServer(opts: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const env = opts.env ?? process.env;
  const explicit = opts.bin !== undefined || (env['NATS_SERVER_BIN'] ?? '') !== '';
  let binary;
  try {
    binary = locateNatsServer({ bin: opts.bin, env });
  } catch (err) {
    const fallible = err instanceof NatsServerNotFoundError || err instanceof NatsServerVersionError;
    if (fallible && !explicit && opts.docker !== 'never' && (await dockerAnswers(env))) {
      return startNatsContainer({ port: opts.port ?? (await freePort()), args: opts.args ?? [] });
    }
    throw err;
  }
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  const ownStore = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? mkdtempSync(path.join(tmpdir(), 'ala-nats-'));
  const args = opts.args ?? [];
  let port = opts.port ?? (await freePort());
  let run: Running | undefined;
  // A picked port can be taken between probe and bind: retry a few times with a new one.
  for (let attempt = 0; ; attempt++) {
    try {
      run = await launch(binary.bin, port, storeDir, args, timeoutMs);
      break;
    } catch (err) {
      if (opts.port !== undefined || attempt >= 2) {
        if (ownStore) rmSync(storeDir, { recursive: true, force: true });
        throw err;
      }
      port = await freePort();
    }
  }
  const running = (): boolean => run !== undefined && run.child.exitCode === null && run.child.signalCode === null;
  const handle: NatsServerHandle = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    version: binary.version,
    kind: 'process',
    isRunning: running,
    async stop() {
      if (run) await signalAndWait(run, 'SIGTERM', 5_000);
      run = undefined;
      if (ownStore) rmSync(storeDir, { recursive: true, force: true });
    },
    async restart() {
      if (run) await signalAndWait(run, 'SIGTERM', 5_000);
      run = await launch(binary.bin, port, storeDir, args, timeoutMs);
    },
    async kill() {
      if (run) await signalAndWait(run, 'SIGKILL', 5_000);
    },
  };
  return handle;
}
