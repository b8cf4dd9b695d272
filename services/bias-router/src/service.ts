// The bias router's wiring: the only module that touches the bus. Votes come in; each is
// rate-limited per advisor (token-bucket.ts), bounded and given its capped lifetime
// (bound-vote.ts), then published to `<prefix>.bias.<agent>`: with JetStream, one publish into
// ALA_BIAS (Nats-TTL + Ala-Ttl-Ms) both stores it and delivers it to core subscribers.
import type { Bus, BusLogger, BusMetrics, Clock, JetStreamContext, MessageMeta } from '@ala/bus';
import { publishBiasStored, rateLimitedLogger, silentLogger } from '@ala/bus';
import { Bias, Vote, subjects } from '@ala/protocol';
import { noopMetrics, type ServiceMetrics } from '@ala/telemetry';
import { boundVote, chargedAdvisors } from './bound-vote';
import type { RouterConfig } from './config';
import { ROUTER_METRIC_DEFS, ROUTER_METRICS as M } from './metrics';
import { TokenBuckets } from './token-bucket';

export interface RouterDeps {
  bus: Bus;
  clock: Clock;
  config: RouterConfig;
  metrics?: ServiceMetrics;
  log?: BusLogger;
  /** JetStream context: with `config.store`, biases are stored in ALA_BIAS with Nats-TTL. */
  jetstream?: JetStreamContext;
  /** Bus metrics for the stored publishes (they bypass the Bus). */
  busMetrics?: BusMetrics;
  /** Wall clock for Bias.createdAt (informational; default Date.now). */
  wallNow?: () => number;
}

export interface RunningService {
  stop(): Promise<void>;
  stats(): Record<string, number>;
}

export function start(deps: RouterDeps): RunningService {
  const { bus, clock, config } = deps;
  const metrics = deps.metrics ?? noopMetrics;
  const log = rateLimitedLogger(deps.log ?? silentLogger, { clock: deps.clock }); // per-message failures: one line per kind per 10 s, all counted
  const wallNow = deps.wallNow ?? Date.now;
  const s = subjects(config.prefix);
  metrics.define(ROUTER_METRIC_DEFS);
  const limiter = new TokenBuckets({ ratePerS: config.ratePerS, burst: config.burst, maxKeys: config.maxAdvisors });
  const js = config.store ? deps.jetstream : undefined;
  const counts: Record<string, number> = { received: 0, routed: 0, expired: 0, rateLimited: 0, publishErrors: 0, clipped: 0, stored: js ? 1 : 0 };
  const opts = { bound: config.bound, l2Cap: config.l2Cap, boostOnly: config.boostOnly, maxTtlMs: config.maxTtlMs };

  const outcome = (key: string, label: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
    metrics.inc(M.votes, { outcome: label });
  };

  async function onVote(vote: Vote, meta: MessageMeta): Promise<void> {
    counts.received = (counts.received ?? 0) + 1;
    // Expiry first, so a dead vote never spends an advisor's token.
    const bounded = boundVote(vote, meta.remainingMs(), opts, wallNow());
    if (!bounded.ok) return outcome('expired', 'expired');
    if (!limiter.take(chargedAdvisors(vote), clock.now())) return outcome('rateLimited', 'rate_limited');
    if (bounded.clipped) {
      counts.clipped = (counts.clipped ?? 0) + 1;
      metrics.inc(M.clipped);
    }
    const subject = s.bias(vote.agentId);
    try {
      if (js !== undefined) {
        // edge out: bias -> ALA_BIAS (stored, Nats-TTL) and core subscribers of ala.bias.<agent> (actors)
        await publishBiasStored(js, subject, bounded.bias, bounded.ttlMs, { metrics: deps.busMetrics });
      } else {
        // edge out: bias -> core subscribers of ala.bias.<agent> (actors), Ala-Ttl-Ms = capped remaining
        bus.publish(Bias, subject, bounded.bias, { ttlMs: bounded.ttlMs });
      }
    } catch (err) {
      log.warn('bias publish failed', { agentId: vote.agentId, error: err });
      return outcome('publishErrors', 'publish_error');
    }
    outcome('routed', 'routed');
    metrics.observe(M.latency, Math.max(0, clock.now() - meta.receivedAt) / 1000);
    metrics.observe(M.ttl, bounded.ttlMs / 1000);
  }

  // edge in: voted advice for every agent (queue group: replicas share the votes)
  const sub = bus.subscribe(Vote, s.voteAll, onVote, { queue: 'bias-router' });

  return {
    async stop() {
      await sub.unsubscribe();
    },
    stats() {
      return { ...counts, advisorsTracked: limiter.size() };
    },
  };
}
