// The advisor of a replayed run (`ala replay`): publishes the advice recorded in a run's advice log
// on `<prefix>.advice.<agent>`, in the recorded order, each at its recorded offset from this run's
// start, with the recorded `Ala-Ttl-Ms` and other headers, and nothing else (no LLM, no scripted
// expert). Runs in place of the advisor-worker, as its identity. Must not: read files, change a
// payload, or reorder records (a record that is late is published at once, still in order).
import { Advice } from '@ala/protocol';
import { HEADER_TTL_MS } from '@ala/protocol';
import type { Bus, BusLogger } from '@ala/bus';
import type { AdviceLogRecord } from './advice-log-file';

export interface ReplayPublisher {
  /** Starts the schedule now (the run's start: the actor's first env step). */
  start(): void;
  /** True once every record is published and the original run's duration has passed. */
  done(): boolean;
  stop(): Promise<void>;
  stats(): Record<string, number>;
}

export interface ReplayPublisherDeps {
  readonly bus: Bus;
  readonly records: readonly AdviceLogRecord[];
  /** The original run's duration from its start, ms. */
  readonly durationMs: number;
  readonly log: BusLogger;
  /** Monotonic clock, ms (default performance.now). */
  readonly now?: () => number;
}

/** Time left after the last record before done(): the aggregator's window and the router's hop. */
const TAIL_MS = 500;

export function startReplayPublisher(deps: ReplayPublisherDeps): ReplayPublisher {
  const now = deps.now ?? (() => performance.now());
  const advice = deps.records.filter((r): r is Extract<AdviceLogRecord, { kind: 'advice' }> => r.kind === 'advice');
  const counts = { scheduled: advice.length, published: 0, failed: 0, skippedInvalid: deps.records.filter((r) => r.kind === 'invalid').length, maxLateMs: 0 };
  const lastOffset = advice.at(-1)?.offsetMs ?? 0;
  let t0: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let loop: Promise<void> = Promise.resolve();

  const sleep = (ms: number): Promise<void> =>
    new Promise((r) => {
      wake = r;
      timer = setTimeout(r, ms);
    });

  async function run(start: number): Promise<void> {
    for (const r of advice) {
      const wait = start + r.offsetMs - now();
      if (wait > 0.5) await sleep(wait);
      if (stopped) return;
      counts.maxLateMs = Math.max(counts.maxLateMs, Math.round(now() - start - r.offsetMs));
      const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => k.toLowerCase() !== HEADER_TTL_MS.toLowerCase()));
      try {
        // edge out: recorded advice -> vote-aggregator (core NATS, the recorded Ala-Ttl-Ms)
        deps.bus.publish(Advice, r.subject, r.payload, {
          ...(r.ttlMs !== null ? { ttlMs: r.ttlMs } : {}),
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
        });
        counts.published++;
      } catch (err) {
        counts.failed++;
        deps.log.error('ala replay: publishing a recorded advice failed', { seq: r.seq, error: err });
      }
    }
  }

  return {
    start() {
      if (t0 !== undefined) return;
      t0 = now();
      loop = run(t0);
    },
    done() {
      return t0 !== undefined && counts.published + counts.failed === advice.length && now() - t0 >= Math.max(deps.durationMs, lastOffset + TAIL_MS);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      await deps.bus.flush();
    },
    stats() {
      return { ...counts };
    },
  };
}
