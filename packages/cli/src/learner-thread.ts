// The main-thread side of `ala up`'s learner worker (learner-worker.ts): starts the ppo-learner in
// a worker_threads Worker with its own NATS connection and exposes it as a PpoLearner (ppo, stats,
// stop), so up-stack.ts and up.ts need not know where the learner runs. Stats are the last
// snapshot the worker posted (<= 200 ms old); per-update metrics arrive as messages.
// A worker that dies without being asked to stop is a crash: `failure()` returns it, the `onCrash`
// callback fires once, and stop() resolves at once (nothing left to stop).
// Must not: run PPO on this thread, or leave the worker running after stop() resolved.
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { BusLogger, ConnectionSecurity } from '@ala/bus';
import type { PpoConfig } from '@ala/policy';
import type { LearnerStats, PpoLearner, PpoLearnerConfig } from '@ala/ppo-learner';

/** What the worker gets at start. */
export interface LearnerWorkerData {
  readonly config: PpoLearnerConfig;
  readonly natsUrl: string;
  /** The ppo-learner identity's seed file and TLS files (paths only, never a seed). */
  readonly security?: ConnectionSecurity;
}

/** Main thread -> worker. */
export type ToWorker = { type: 'stop' };

/** Worker -> main thread. */
export type ToMain =
  | { type: 'started'; ppo: PpoConfig; stats: LearnerStats }
  | { type: 'stats'; stats: LearnerStats; permissionErrors?: number }
  | { type: 'update'; m: Record<string, number> }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string }
  | { type: 'stopped'; stats: LearnerStats }
  | { type: 'failed'; message: string; stack: string };

/** The learner worker failed to start, crashed, or did not stop in time. */
export class LearnerThreadError extends Error {
  override readonly name = 'LearnerThreadError';
  constructor(
    readonly phase: 'start' | 'run' | 'stop',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface LearnerThread extends PpoLearner {
  /** Worker thread id (for logs and tests). */
  readonly threadId: number;
  /** Publishes/subscribes the NATS server denied to the worker's connection (last report). */
  permissionErrors(): number;
  /** The crash, once the worker died without a stop request; undefined while healthy or after a clean stop. */
  failure(): LearnerThreadError | undefined;
  /** Resolves with the worker's exit code once it ended. */
  readonly exited: Promise<number>;
  /** Ends the worker at once, without a final checkpoint: seen by the stack as a crash (a last resort; tests use it as one). */
  terminate(): Promise<void>;
}

export interface LearnerThreadOptions {
  readonly logger: BusLogger;
  readonly onUpdate?: (m: Record<string, number>) => void;
  /** Called once when the worker crashes after a successful start. */
  readonly onCrash?: (err: LearnerThreadError) => void;
  /** Start (connect, restore, publish v1) must finish within this (default 60 s). */
  readonly startTimeoutMs?: number;
  /** stop() terminates the worker when the final checkpoint takes longer than this (default 30 s). */
  readonly stopTimeoutMs?: number;
}

const WORKER_FILE = path.join(__dirname, 'learner-worker.ts');
let live = 0;

/** Learner workers started by this process that have not exited yet (0 after every stop: no orphan thread). */
export function liveLearnerThreads(): number {
  return live;
}

/** Starts the learner worker; resolves once it published its first policy version. */
export function startLearnerThread(data: LearnerWorkerData, opts: LearnerThreadOptions): Promise<LearnerThread> {
  // tsx compiles the worker's TypeScript (the CLI, jest and tsx runs all work without a build)
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(WORKER_FILE)});`;
  const worker = new Worker(boot, { eval: true, workerData: data, name: 'ala-ppo-learner' });
  const log = opts.logger;
  let stats: LearnerStats | undefined;
  let permissionErrors = 0;
  let ppo: PpoConfig | undefined;
  let reported: { message: string; stack: string } | undefined;
  let stopRequested = false;
  let crash: LearnerThreadError | undefined;
  let onStarted: ((ok: boolean) => void) | undefined;
  let onStopped: (() => void) | undefined;
  live += 1;
  const exited = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      live -= 1;
      resolve(code);
    }),
  );

  worker.on('message', (m: ToMain) => {
    switch (m.type) {
      case 'started':
        [ppo, stats] = [m.ppo, m.stats];
        onStarted?.(true);
        break;
      case 'stats':
        stats = m.stats;
        permissionErrors = m.permissionErrors ?? permissionErrors;
        break;
      case 'update':
        opts.onUpdate?.(m.m);
        break;
      case 'log':
        log[m.level](m.msg);
        break;
      case 'stopped':
        stats = m.stats;
        onStopped?.();
        break;
      case 'failed':
        reported = { message: m.message, stack: m.stack };
        break;
    }
  });
  let lastError: Error | undefined;
  worker.on('error', (err) => void (lastError = err));
  void exited.then((code) => {
    if (!stopRequested || code !== 0) {
      const why = reported?.message ?? lastError?.message ?? `exit code ${code}`;
      crash = new LearnerThreadError(ppo === undefined ? 'start' : 'run', `ppo-learner worker ${ppo === undefined ? 'failed to start' : 'crashed'}: ${why}`, {
        cause: lastError,
      });
      if (ppo !== undefined && !stopRequested) opts.onCrash?.(crash);
    }
    onStarted?.(false);
    onStopped?.();
  });

  return new Promise<LearnerThread>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopRequested = true;
      void worker.terminate();
      reject(new LearnerThreadError('start', `ppo-learner worker did not start within ${opts.startTimeoutMs ?? 60_000} ms`));
    }, opts.startTimeoutMs ?? 60_000);
    onStarted = (ok) => {
      clearTimeout(timer);
      onStarted = undefined;
      if (!ok || ppo === undefined) {
        reject(crash ?? new LearnerThreadError('start', 'ppo-learner worker ended before it started'));
        return;
      }
      const config = ppo;
      resolve({
        threadId: worker.threadId,
        permissionErrors: () => permissionErrors,
        ppo: config,
        exited,
        failure: () => crash,
        terminate: async () => {
          await worker.terminate();
          await exited;
        },
        stats: () => ({ ...stats! }),
        stop: async () => {
          if (stopRequested) return;
          stopRequested = true;
          if (crash !== undefined) return;
          const stopped = new Promise<void>((r) => (onStopped = r));
          worker.postMessage({ type: 'stop' } satisfies ToWorker);
          let t: NodeJS.Timeout | undefined;
          const late = await Promise.race([
            stopped.then(() => false),
            new Promise<boolean>((r) => (t = setTimeout(() => r(true), opts.stopTimeoutMs ?? 30_000))),
          ]);
          clearTimeout(t);
          if (late) {
            await worker.terminate();
            throw new LearnerThreadError('stop', `ppo-learner worker did not stop within ${opts.stopTimeoutMs ?? 30_000} ms: terminated (no final checkpoint)`);
          }
          // the worker closes its port after 'stopped' and exits by itself; make sure of it
          let t2: NodeJS.Timeout | undefined;
          const code = await Promise.race([exited, new Promise<undefined>((r) => (t2 = setTimeout(() => r(undefined), 5_000)))]);
          clearTimeout(t2);
          if (code === undefined)
            await worker.terminate(); // stopped cleanly but lingered: end it
          else if (crash !== undefined) throw crash; // e.g. the final checkpoint threw
        },
      });
    };
  });
}
