// The vote aggregator's wiring: the only module that touches the bus. Advice from every advisor
// goes into per-agent windows (advice-window.ts); when a window closes (timer or quorum) the live
// advice is voted (vote-builder.ts) and one Vote per agent and state is published with the
// smallest remaining lifetime of its contributions. Run one instance (windows are per process).
import { randomBytes } from 'node:crypto';
import type { Bus, BusLogger, Clock, MessageMeta } from '@ala/bus';
import { rateLimitedLogger, silentLogger } from '@ala/bus';
import { Advice, Vote, subjects } from '@ala/protocol';
import { noopMetrics, type ServiceMetrics } from '@ala/telemetry';
import { AdviceWindows } from './advice-window';
import type { AggregatorConfig } from './config';
import { AGGREGATOR_METRIC_DEFS, AGGREGATOR_METRICS as M } from './metrics';
import { buildVote } from './vote-builder';

export interface AggregatorDeps {
  bus: Bus;
  clock: Clock;
  config: AggregatorConfig;
  metrics?: ServiceMetrics;
  log?: BusLogger;
}

export interface RunningService {
  stop(): Promise<void>;
  stats(): Record<string, number>;
}

export function start(deps: AggregatorDeps): RunningService {
  const { bus, clock, config } = deps;
  const metrics = deps.metrics ?? noopMetrics;
  const log = rateLimitedLogger(deps.log ?? silentLogger, { clock: deps.clock }); // per-message failures: one line per kind per 10 s, all counted
  const s = subjects(config.prefix);
  metrics.define(AGGREGATOR_METRIC_DEFS);
  const windows = new AdviceWindows({ windowMs: config.windowMs, maxStateLag: config.maxStateLag, quorum: config.quorum, maxAgents: config.maxAgents });
  const timers = new Map<string, NodeJS.Timeout>();
  const counts: Record<string, number> = { received: 0, accepted: 0, votes: 0 };
  const bump = (key: string, n = 1): void => void (counts[key] = (counts[key] ?? 0) + n);
  const instance = randomBytes(4).toString('hex');
  let blendSeq = 0;
  let stopped = false;
  const freshId = (): string => `blend-${instance}-${(blendSeq++).toString(36)}`;
  const voteOpts = config.halfLifeMs > 0 ? { halfLifeMs: config.halfLifeMs } : {};

  const key = (agentId: string, seq: number): string => `${agentId}\u0000${seq}`;

  function closeWindow(agentId: string, seq: number): void {
    const k = key(agentId, seq);
    const t = timers.get(k);
    if (t !== undefined) clearTimeout(t);
    timers.delete(k);
    const now = clock.now();
    const closed = windows.close(agentId, seq, now);
    metrics.set(M.openWindows, windows.openWindows());
    if (closed === undefined) return;
    if (closed.expired > 0) bump('adviceExpiredInWindow', closed.expired);
    if (closed.stale > 0) bump('adviceStaleInWindow', closed.stale);
    if (closed.live.length === 0) {
      const reason = closed.expired > 0 ? 'expired' : 'stale';
      bump(`votesDropped_${reason}`);
      metrics.inc(M.votesDropped, { reason });
      return;
    }
    const built = buildVote(closed.live, config.method, now, freshId, voteOpts);
    if (!built.ok) {
      bump(`votesDropped_${built.reason}`);
      metrics.inc(M.votesDropped, { reason: built.reason });
      return;
    }
    // edge out: one voted advice per agent and state -> bias-router (Ala-Ttl-Ms = min remaining)
    bus.publish(Vote, s.vote(agentId), built.vote, { ttlMs: Math.min(built.ttlMs, config.maxTtlMs) });
    bump('votes');
    metrics.inc(M.votes, { method: built.vote.method });
    metrics.observe(M.inputs, built.vote.adviceIds.length);
  }

  function onAdvice(advice: Advice, meta: MessageMeta): void {
    bump('received');
    if (stopped) return;
    const now = clock.now();
    const deadline = Number.isFinite(meta.deadline) ? meta.deadline : now + config.maxTtlMs;
    const r = windows.add(advice, now, deadline);
    if (!r.accepted) {
      bump(`dropped_${r.reason}`);
      metrics.inc(M.advice, { outcome: r.reason });
      return;
    }
    bump('accepted');
    metrics.inc(M.advice, { outcome: 'accepted' });
    metrics.set(M.openWindows, windows.openWindows());
    if (r.ready) return closeWindow(advice.agentId, advice.stateSeq);
    if (r.opened) {
      const t = setTimeout(
        () => {
          try {
            closeWindow(advice.agentId, advice.stateSeq);
          } catch (err) {
            bump('errors');
            log.error('vote aggregator failed to close a window', { agentId: advice.agentId, error: err });
          }
        },
        Math.max(0, r.closeAt - now),
      );
      timers.set(key(advice.agentId, advice.stateSeq), t);
    }
  }

  // edge in: advice from every advisor for every agent (no queue group: windows live in this process)
  const sub = bus.subscribe(Advice, s.adviceAll, onAdvice);

  return {
    async stop() {
      stopped = true;
      await sub.unsubscribe();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
    stats() {
      return { ...counts, openWindows: windows.openWindows(), agents: windows.agentCount() };
    },
  };
}
