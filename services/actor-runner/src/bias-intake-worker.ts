// The actor's bias intake inside a worker thread (ALA_BIAS_INTAKE=thread): its own NATS connection
// (the actor's URL, identity and TLS files) and a NatsBus subscribed to `<prefix>.bias.<agent>`
// for each of the actor's agents. Every message goes through the same receive pipeline as on the
// main thread (Ala-Ttl-Ms deadline, decode and validation, subject/agent match, per-subscription
// queue capped at 10 000 with drops counted as overflow) and the same checks (admitBias: length,
// finite, not expired, clipped to ±B, lifetime cut to maxTtlMs); the latest admitted bias per agent
// goes to shared memory (bias-slots.ts), where the step loop takes it before each step. So a burst
// of biases is read, parsed and decoded on this thread and never stalls the step loop.
// Talks to the main thread only through the shared slots and counters and a few messages
// (bias-intake-thread.ts defines them: ready, log lines, handler times, stopped, failed).
// Loaded by bias-intake-thread.ts (through tsx when run from the TypeScript sources).
// Must not: run outside a worker thread, act, or keep more than the latest bias per agent.
import { parentPort, workerData } from 'node:worker_threads';
import { connect, NatsBus, type BusCounter, type BusLogger, type BusMetrics } from '@ala/bus';
import { Bias, subjects } from '@ala/protocol';
import { admitBias, limitsWarning } from './bias-table';
import { BiasSlots, COUNTER, type IntakeCounter } from './bias-slots';
import type { IntakeWorkerData, ToIntakeMain, ToIntakeWorker } from './bias-intake-thread';
import type { BiasReject } from './stats';

/** How often handler times go to the main thread, and at most how many per report. */
const REPORT_EVERY_MS = 250;
const MAX_TIMES_PER_REPORT = 1024;

const hrMs = (): number => {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
};

async function run(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('bias-intake-worker.ts must run in a worker thread');
  const post = (m: ToIntakeMain): void => port.postMessage(m);
  const data = workerData as IntakeWorkerData;
  // the main thread's clock: performance.now() has a per-thread origin, process.hrtime does not
  const offset = data.mainPerfMinusHrMs + (hrMs() - performance.now());
  const clock = { now: (): number => performance.now() + offset };
  const text = (msg: string, fields?: Record<string, unknown>): string =>
    fields === undefined ? msg : `${msg} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}`;
  const log: BusLogger = {
    info: (msg, fields) => post({ type: 'log', level: 'info', msg: text(msg, fields) }),
    warn: (msg, fields) => post({ type: 'log', level: 'warn', msg: text(msg, fields) }),
    error: (msg, fields) => post({ type: 'log', level: 'error', msg: text(msg, fields) }),
  };
  const slots = new BiasSlots(data.buffers);
  const voided = slots.repair(); // a previous worker may have died in the middle of a write
  if (voided > 0) log.warn(`bias intake: ${voided} slot(s) left half-written by the previous worker were voided`);
  const add = (c: IntakeCounter): void => slots.count(COUNTER[c]);
  let times: number[] = [];
  const BUS: Partial<Record<BusCounter, IntakeCounter>> = {
    in: 'busIn',
    expired: 'busExpired',
    decodeErrors: 'busDecodeErrors',
    overflow: 'busOverflow',
    handlerErrors: 'busHandlerErrors',
  };
  const metrics: BusMetrics = {
    count: (counter, _message, n = 1) => {
      const c = BUS[counter];
      if (c !== undefined) slots.count(COUNTER[c], n);
    },
    handlerMs: (_message, ms) => void (times.length < MAX_TIMES_PER_REPORT && times.push(ms)),
  };
  const conn = await connect({ servers: data.natsUrl, name: data.connectionName, logger: log, ...(data.security ? { security: data.security } : {}) });
  const bus = new NatsBus(conn.nc, { metrics, clock, logger: log, subjects: subjects(data.prefix) });
  const index = new Map(data.agentIds.map((id, i) => [id, i]));
  const REJECT: Record<BiasReject, IntakeCounter> = {
    unknownAgent: 'rejectedUnknownAgent',
    length: 'rejectedLength',
    nonFinite: 'rejectedNonFinite',
    expired: 'rejectedExpired',
  };
  const row = new Float64Array(data.nActions);
  const so = { clipped: 0, ttlCapped: 0 };
  let lastLimitWarn = -Infinity;
  // in: live bias for each of the actor's agents (router -> actor): checked, clipped, latest per agent to the slots
  for (const id of data.agentIds) {
    bus.subscribe(Bias, subjects(data.prefix).bias(id), (b, meta) => {
      add('received');
      const now = clock.now();
      const i = index.get(b.agentId);
      const r = i === undefined ? 'unknownAgent' : admitBias(b.bias, data.nActions, meta.receivedAt, meta.deadline, now, data.limits, row, 0);
      if (typeof r === 'string' || i === undefined) return add(REJECT[typeof r === 'string' ? r : 'unknownAgent']);
      if (r.clipped) {
        add('clipped');
        so.clipped += 1;
      }
      if (r.ttlCapped) {
        add('ttlCapped');
        so.ttlCapped += 1;
      }
      add('accepted');
      slots.write(i, row, meta.receivedAt, r.deadline, clock.now(), b.adviceId);
      if ((r.clipped || r.ttlCapped) && now - lastLimitWarn >= 10_000) {
        lastLimitWarn = now;
        log.warn(limitsWarning(data.actorId, b.agentId, b, meta.ttlMs, data.limits, so));
      }
    });
  }
  await conn.nc.flush(); // the server has the subscriptions: nothing published from now on is missed
  const info = conn.nc.info;
  const timer = setInterval(() => {
    if (times.length === 0) return;
    post({ type: 'handlerMs', ms: times });
    times = [];
  }, REPORT_EVERY_MS);
  let stopping = false;
  // in: stop request from the main thread
  port.on('message', (m: ToIntakeWorker) => {
    if (m.type !== 'stop' || stopping) return;
    stopping = true;
    clearInterval(timer);
    void (async () => {
      await bus.close();
      await conn.drain().catch((err: unknown) => log.warn('bias intake: drain failed', { error: err }));
      if (times.length > 0) post({ type: 'handlerMs', ms: times });
      post({ type: 'stopped' });
      port.close(); // nothing else keeps this thread alive: it exits with code 0
    })().catch(fail);
  });
  post({ type: 'ready', serverId: info?.server_id ?? '', cluster: info?.cluster ?? '' });
}

/** Report the failure, then rethrow on the next tick: the worker exits non-zero and the main thread sees it. */
function fail(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort?.postMessage({ type: 'failed', message: e.message, stack: e.stack ?? '' } satisfies ToIntakeMain);
  setImmediate(() => {
    throw e;
  });
}

run().catch(fail);
