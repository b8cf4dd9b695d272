// The advisor worker's wiring: the only module that touches the bus. One subscription in, one
// publication out; every snapshot is answered off the subscription's handler (so replicas and
// slow backends never block delivery), with at most `maxInFlight` answers at once (excess dropped
// and counted, never queued; with `pauseWhenBusy` the subscription is dropped while saturated and
// taken again when half the answers are done, so the queue group's other replicas get the load). The advisor's thinking time counts against the snapshot's TTL
// (docs/architecture.md, Advice lifetime): the backend is aborted at the snapshot's deadline, and the advice is
// published with what is left.
import { randomBytes } from 'node:crypto';
import type { Bus, BusLogger, BusSubscription, Clock, MessageMeta } from '@ala/bus';
import { rateLimitedLogger, silentLogger } from '@ala/bus';
import { Advice, StateSnapshot, subjects } from '@ala/protocol';
import { noopMetrics, type ServiceMetrics } from '@ala/telemetry';
import { BackendError, type AdvisorBackend, type BackendFailure } from './backend';
import type { AdvisorConfig } from './config';
import { createBackend } from './create-backend';
import { ADVISOR_METRIC_DEFS, ADVISOR_METRICS as M } from './metrics';
import { answerToBias } from './score-to-bias';

export interface AdvisorDeps {
  bus: Bus;
  clock: Clock;
  config: AdvisorConfig;
  metrics?: ServiceMetrics;
  log?: BusLogger;
  /** Overrides the backend chosen by `config.backend`. */
  backend?: AdvisorBackend;
}

export interface RunningService {
  stop(): Promise<void>;
  stats(): Record<string, number>;
  /** The backend's last failure message per kind (e.g. the LLM server's error text). */
  failures(): Record<string, string>;
  /** Snapshots answered at once: maxInFlight, capped by llm.slots for the openai-compatible backend. */
  readonly maxInFlight: number;
}

type DropReason =
  | 'expired'
  | 'busy'
  | 'no_signal'
  | 'error'
  | 'invalid_answer'
  | 'truncated'
  | 'unsupported'
  | 'timeout'
  | 'unavailable'
  | 'circuit_open'
  | 'budget'
  | 'aborted';

const FAILURE_REASON: Record<BackendFailure, DropReason> = {
  unsupported: 'unsupported',
  timeout: 'timeout',
  unavailable: 'unavailable',
  'invalid-answer': 'invalid_answer',
  truncated: 'truncated',
  'circuit-open': 'circuit_open',
  budget: 'budget',
  aborted: 'aborted',
};

class TtlExpired extends Error {
  override readonly name = 'TtlExpired';
}

export function start(deps: AdvisorDeps): RunningService {
  const { bus, clock, config } = deps;
  const metrics = deps.metrics ?? noopMetrics;
  const log = rateLimitedLogger(deps.log ?? silentLogger, { clock: deps.clock }); // per-message failures: one line per kind per 10 s, all counted
  const s = subjects(config.prefix);
  const backend = deps.backend ?? createBackend(config, metrics, log);
  // An LLM server runs `slots` requests at once; more would queue there and expire (docs/configuration.md)
  const maxInFlight = backend.kind === 'openai-compatible' ? Math.min(config.maxInFlight, config.llm.slots) : config.maxInFlight;
  const labels = { advisor: config.advisorId };
  metrics.define(ADVISOR_METRIC_DEFS);
  const instance = randomBytes(4).toString('hex');
  const idPrefix = `${config.advisorId.slice(0, 40)}-${instance}-`;
  const stopping = new AbortController();
  const pending = new Set<Promise<void>>();
  const counts = { received: 0, published: 0, dropped: 0, pauses: 0 };
  const dropped = new Map<DropReason, number>();
  let nextId = 0;

  const drop = (reason: DropReason): void => {
    counts.dropped++;
    dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
    metrics.inc(M.dropped, { ...labels, reason });
  };
  const setInFlight = (): void => metrics.set(M.inFlight, pending.size, labels);

  async function answer(snap: StateSnapshot, meta: MessageMeta): Promise<void> {
    const budgetMs = meta.remainingMs();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new TtlExpired('snapshot TTL over')), Math.max(0, budgetMs));
    let result;
    try {
      result = await backend.advise(snap, AbortSignal.any([deadline.signal, stopping.signal]));
    } catch (err) {
      if (deadline.signal.aborted) return drop('expired');
      if (err instanceof BackendError) return drop(FAILURE_REASON[err.kind]);
      log.warn('advisor backend failed', { advisor: config.advisorId, error: err });
      return drop('error');
    } finally {
      clearTimeout(timer);
    }
    let mapped;
    try {
      mapped = answerToBias(result, snap.legal, config.biasScale);
    } catch (err) {
      if (err instanceof BackendError) return drop('invalid_answer');
      throw err;
    }
    if (mapped === undefined) return drop('no_signal');
    // The advisor's thinking time is dwell time: publish with the snapshot's remaining lifetime.
    const ttlMs = Math.floor(meta.remainingMs());
    if (ttlMs < 1) return drop('expired');
    const advice: Advice = {
      v: 1,
      adviceId: `${idPrefix}${(nextId++).toString(36)}`,
      advisorId: config.advisorId,
      agentId: snap.agentId,
      priority: config.priority,
      stateSeq: snap.seq,
      bias: mapped.bias,
      recommended: mapped.recommended,
      confidence: result.confidence,
      model: result.model.slice(0, 128) || backend.kind,
      latencyMs: Math.max(0, clock.now() - meta.receivedAt),
      ...(result.promptVersion !== undefined ? { promptVersion: result.promptVersion.slice(0, 64) } : {}),
    };
    // edge out: advice for the agent -> vote-aggregator (core NATS, Ala-Ttl-Ms = remaining lifetime)
    bus.publish(Advice, s.advice(snap.agentId), advice, { ttlMs });
    counts.published++;
    metrics.inc(M.published, labels);
    metrics.observe(M.latency, advice.latencyMs / 1000, labels);
  }

  const onSnapshot = (snap: StateSnapshot, meta: MessageMeta): void => {
    counts.received++;
    metrics.inc(M.snapshots, labels);
    if (stopping.signal.aborted) return drop('aborted');
    if (meta.remainingMs() < Math.max(config.minRemainingMs, Number.MIN_VALUE)) return drop('expired');
    if (pending.size >= maxInFlight) return drop('busy'); // delivered before a pause took effect
    const p: Promise<void> = answer(snap, meta)
      .catch((err: unknown) => {
        log.error('advisor failed to answer', { advisor: config.advisorId, error: err });
        drop('error');
      })
      .finally(() => {
        pending.delete(p);
        setInFlight();
        if (sub === undefined && !stopping.signal.aborted && pending.size <= Math.floor(maxInFlight / 2)) resume();
      });
    pending.add(p);
    setInFlight();
    if (config.pauseWhenBusy && pending.size >= maxInFlight) pause();
  };
  // edge in: state snapshots of every agent, shared among replicas of this advisor (queue group)
  const subscribe = (): BusSubscription => bus.subscribe(StateSnapshot, s.stateAll, onSnapshot, { queue: `advisor-${config.advisorId}` });
  let sub: BusSubscription | undefined = subscribe();
  let unsubscribing: Promise<void> = Promise.resolve();
  function pause(): void {
    if (sub === undefined) return;
    const old = sub;
    sub = undefined;
    counts.pauses++;
    metrics.inc(M.pauses, labels);
    metrics.set(M.paused, 1, labels);
    unsubscribing = old.unsubscribe().catch((err: unknown) => log.warn('advisor: unsubscribe failed', { advisor: config.advisorId, error: err }));
  }
  function resume(): void {
    sub = subscribe();
    metrics.set(M.paused, 0, labels);
  }
  metrics.set(M.paused, 0, labels);

  return {
    maxInFlight,
    failures: () => backend.failures?.() ?? {},
    async stop() {
      stopping.abort();
      const last = sub;
      sub = undefined;
      await Promise.all([last?.unsubscribe(), unsubscribing]);
      await Promise.allSettled([...pending]);
    },
    stats() {
      const out: Record<string, number> = { ...counts, inFlight: pending.size, paused: sub === undefined && !stopping.signal.aborted ? 1 : 0 };
      for (const [reason, n] of dropped) out[`dropped_${reason}`] = n;
      return { ...out, ...(backend.stats?.() ?? {}) };
    },
  };
}
