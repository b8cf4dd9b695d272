// The main-thread side of the thread bias intake (bias-intake-worker.ts): starts the worker with the
// shared slots, waits until it is subscribed, forwards its bus counters (message 'Bias') to the
// actor's BusMetrics every 100 ms and on demand, its log lines to the actor's logger and its
// handler times to the metrics. A worker that exits without being asked to is a crash: logged,
// counted, reported by problem() (the actor's /readyz is then not ready) and restarted after a
// backoff (250 ms doubling to 10 s) until it is up again; the shared slots and counters survive.
// stop() asks the worker to unsubscribe and drain, and terminates it past the timeout.
// Must not: touch NATS on this thread or decide what a valid bias is.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BusLogger, BusMetrics, ConnectionSecurity } from '@ala/bus';
import type { BiasLimits } from './bias-table';
import { allocBiasSlots, BiasSlots, CounterTotals, type BiasSlotsBuffers, type IntakeTotals } from './bias-slots';
import { BiasIntakeError } from './errors';

/** What the worker gets at start (structured-cloned; the buffers are shared). */
export interface IntakeWorkerData {
  readonly natsUrl: string;
  readonly security?: ConnectionSecurity;
  readonly connectionName: string;
  readonly prefix: string;
  readonly actorId: string;
  readonly agentIds: readonly string[];
  readonly nActions: number;
  readonly limits: BiasLimits;
  readonly buffers: BiasSlotsBuffers;
  /** performance.now() - hrtime in ms on the main thread: the worker derives the main thread's clock from it. */
  readonly mainPerfMinusHrMs: number;
}

export type ToIntakeWorker = { type: 'stop' };
export type ToIntakeMain =
  | { type: 'ready'; serverId: string; cluster: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string }
  | { type: 'handlerMs'; ms: number[] }
  | { type: 'stopped' }
  | { type: 'failed'; message: string; stack: string };

export interface BiasIntakeThreadOptions extends Omit<IntakeWorkerData, 'buffers' | 'mainPerfMinusHrMs'> {
  readonly logger: BusLogger;
  /** Where the worker's bus counters for 'Bias' go (the actor's bus metrics). */
  readonly busMetrics: BusMetrics;
  /** The first start (connect, subscribe) must finish within this (default 30 s). */
  readonly startTimeoutMs?: number;
  /** stop() terminates the worker when it has not drained within this. */
  readonly stopTimeoutMs: number;
}

const FORWARD_EVERY_MS = 100;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;
const BUS_COUNTERS = [
  ['busIn', 'in'],
  ['busExpired', 'expired'],
  ['busDecodeErrors', 'decodeErrors'],
  ['busOverflow', 'overflow'],
  ['busHandlerErrors', 'handlerErrors'],
] as const;

const hrMs = (): number => {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
};

/** The worker's code: the .ts source through tsx (no build needed: CLI, jest, tsx runs), or a compiled .js beside this file. */
function bootSource(): string {
  const file = path.join(__dirname, `bias-intake-worker${path.extname(__filename)}`);
  const tsx = file.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); ` : '';
  return `${tsx}require(${JSON.stringify(file)});`;
}

export class BiasIntakeThread {
  readonly slots: BiasSlots;
  /** Crashes since start (each one logged and followed by a restart). */
  crashes = 0;
  /** Server the worker is connected to (from its first start). */
  server = { serverId: '', cluster: '' };
  private readonly totals = new CounterTotals();
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private down: string | undefined = 'starting';
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private backoffMs = BACKOFF_MIN_MS;
  private everUp = false;
  private readonly forwardTimer: NodeJS.Timeout;

  private constructor(private readonly opts: BiasIntakeThreadOptions) {
    this.slots = new BiasSlots(allocBiasSlots(opts.agentIds.length, opts.nActions));
    this.forwardTimer = setInterval(() => this.counts(), FORWARD_EVERY_MS);
    this.forwardTimer.unref();
  }

  /** Starts the worker; resolves once it is subscribed to every agent's bias subject. Throws BiasIntakeError. */
  static async start(opts: BiasIntakeThreadOptions): Promise<BiasIntakeThread> {
    const t = new BiasIntakeThread(opts);
    try {
      await t.spawn(opts.startTimeoutMs ?? 30_000);
    } catch (err) {
      t.stopping = true;
      clearInterval(t.forwardTimer);
      await t.worker?.terminate();
      throw err;
    }
    return t;
  }

  /** Why the intake is not taking biases now (crashed, restarting), or undefined while it is. */
  problem(): string | undefined {
    return this.down;
  }

  /** Worker thread id (tests, logs); undefined while none runs. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Current totals of the intake's counters; forwards the bus counters' increments to the actor's BusMetrics. */
  counts(): IntakeTotals {
    const delta = this.totals.update(this.slots.rawCounters());
    for (const [ours, theirs] of BUS_COUNTERS) if (delta[ours] > 0) this.opts.busMetrics.count(theirs, 'Bias', delta[ours]);
    return { ...this.totals.totals };
  }

  /** Ends the worker at once, as a crash would (tests use it as one). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Unsubscribes and drains the worker's connection (terminated past stopTimeoutMs); counters stay readable. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.forwardTimer);
    const w = this.worker;
    if (w !== undefined) {
      const stopped = new Promise<void>((r) => w.once('exit', () => r()));
      w.postMessage({ type: 'stop' } satisfies ToIntakeWorker);
      let t: NodeJS.Timeout | undefined;
      const late = await Promise.race([stopped.then(() => false), new Promise<boolean>((r) => (t = setTimeout(() => r(true), this.opts.stopTimeoutMs)))]);
      clearTimeout(t);
      if (late) {
        this.opts.logger.warn(`bias intake worker did not drain within ${this.opts.stopTimeoutMs} ms: terminated`);
        await w.terminate();
      }
    }
    await this.exited;
    this.down = 'stopped';
    this.counts();
  }

  private spawn(timeoutMs: number): Promise<void> {
    const { logger: log, busMetrics, startTimeoutMs: _s, stopTimeoutMs: _t, ...rest } = this.opts;
    const data: IntakeWorkerData = { ...rest, buffers: this.slots.buffers, mainPerfMinusHrMs: performance.now() - hrMs() };
    const worker = new Worker(bootSource(), { eval: true, workerData: data, name: `ala-bias-intake-${this.opts.actorId}` });
    worker.unref(); // the intake never keeps a process alive by itself (stop() ends it)
    this.worker = worker;
    let reported: string | undefined;
    let lastError: Error | undefined;
    let ready: ((ok: boolean) => void) | undefined;
    worker.on('message', (m: ToIntakeMain) => {
      if (m.type === 'ready') {
        this.server = { serverId: m.serverId, cluster: m.cluster };
        ready?.(true);
      } else if (m.type === 'log') log[m.level](m.msg);
      else if (m.type === 'handlerMs') for (const ms of m.ms) busMetrics.handlerMs('Bias', ms);
      else if (m.type === 'failed') reported = m.message;
    });
    worker.on('error', (err) => void (lastError = err));
    this.exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        const why = reported ?? lastError?.message ?? `exit code ${code}`;
        ready?.(false);
        if (!this.stopping) this.crashed(why);
        resolve();
      }),
    );
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ready = undefined;
        reject(new BiasIntakeError('start', `bias intake worker did not subscribe within ${timeoutMs} ms`));
      }, timeoutMs);
      ready = (ok) => {
        clearTimeout(timer);
        ready = undefined;
        if (ok) {
          this.everUp = true;
          this.down = undefined;
          this.backoffMs = BACKOFF_MIN_MS;
          resolve();
        } else reject(new BiasIntakeError('start', `bias intake worker failed to start: ${reported ?? lastError?.message ?? 'exited'}`, { cause: lastError }));
      };
    });
  }

  private crashed(why: string): void {
    if (!this.everUp) return; // the first start failed: start() throws it
    this.crashes += 1;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    this.down = `bias intake worker crashed (${why}); restarting in ${wait} ms`;
    this.opts.logger.error(`actor ${this.opts.actorId}: ${this.down}`);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.down = `bias intake worker restarting after a crash (${why})`;
      this.spawn(this.opts.startTimeoutMs ?? 30_000).catch((err: unknown) => {
        if (this.worker !== undefined) void this.worker.terminate(); // a hung start: the exit handler schedules the next try
        this.opts.logger.warn(`actor ${this.opts.actorId}: ${(err as Error).message}`);
      });
    }, wait);
  }
}
