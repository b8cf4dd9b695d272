// The ppo-learner inside a worker thread, for `ala up` on NATS: the synchronous TF.js PPO update
// (50-200 ms) then blocks this thread's event loop, not the main thread's, where the actor steps
// and live advice is applied. The worker has its own NATS connection, bus and JetStream ports
// (the same ones `ala ppo-learner` uses) and talks to the main thread only by messages
// (learner-thread.ts defines them): stats snapshots, per-update metrics, log lines, stop.
// Loaded by learner-thread.ts through tsx (`require('tsx/cjs')` in an eval worker).
// Must not: run outside a worker thread, hold learner logic (services/ppo-learner) or print.
import { parentPort, workerData } from 'node:worker_threads';
import { connect, NatsBus, openJetStream, CountingBusMetrics, type BusLogger } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { jetStreamLearnerPorts, start, type PpoLearner } from '@ala/ppo-learner';
import type { LearnerWorkerData, ToMain, ToWorker } from './learner-thread';

/** How often a stats snapshot goes to the main thread (its progress line reads the last one). */
const STATS_EVERY_MS = 200;

async function run(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('learner-worker.ts must run in a worker thread');
  const post = (m: ToMain): void => port.postMessage(m);
  const data = workerData as LearnerWorkerData;
  const cfg = data.config;
  const text = (msg: string, fields?: Record<string, unknown>): string =>
    fields === undefined ? msg : `${msg} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}`;
  const log: BusLogger = {
    info: (msg, fields) => post({ type: 'log', level: 'info', msg: text(msg, fields) }),
    warn: (msg, fields) => post({ type: 'log', level: 'warn', msg: text(msg, fields) }),
    error: (msg, fields) => post({ type: 'log', level: 'error', msg: text(msg, fields) }),
  };
  const conn = await connect({ servers: data.natsUrl, name: 'ala-up-ppo-learner', logger: log, ...(data.security ? { security: data.security } : {}) });
  let learner: PpoLearner | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    if (learner) await learner.stop(); // finishes the update in progress, final checkpoint
    await bus.close();
    await conn.drain().catch((err: unknown) => log.warn('ppo-learner worker: drain failed', { error: err }));
    if (learner) post({ type: 'stopped', stats: learner.stats() });
    port.close(); // nothing else keeps this thread alive: it exits with code 0
  };
  // in: stop requests from the main thread (may arrive while start() is still running)
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') stopping ??= started.then(stop).catch(fail);
  });
  const bus = new NatsBus(conn.nc, { metrics: new CountingBusMetrics(), logger: log, subjects: subjects(cfg.prefix) });
  const started = (async () => {
    const js = await openJetStream(conn.nc);
    const ports = await jetStreamLearnerPorts(js, cfg.prefix, cfg.consumer);
    learner = await start({ config: cfg, bus, ...ports, logger: log, onUpdate: (m) => post({ type: 'update', m }) });
    const l = learner;
    post({ type: 'started', ppo: l.ppo, stats: l.stats() });
    timer = setInterval(() => post({ type: 'stats', stats: l.stats(), permissionErrors: conn.stats().permissionErrors }), STATS_EVERY_MS);
  })();
  await started;
}

/** Report the failure, then rethrow on the next tick: the worker exits non-zero and the main thread sees 'error'. */
function fail(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort?.postMessage({ type: 'failed', message: e.message, stack: e.stack ?? '' } satisfies ToMain);
  setImmediate(() => {
    throw e;
  });
}

run().catch(fail);
