// The advice log: JetStream stream ALA_ADVICE_LOG capturing every advice (`<prefix>.advice.*`) and
// every vote (`<prefix>.vote.*`) as published, with its headers, under size and age limits, so a
// run can be audited and replayed (`ala replay`, docs/architecture.md "Advice log and replay").
// The stream has no allow_msg_ttl: the messages' `Ala-Ttl-Ms` is a receiver deadline, not a
// storage lifetime, and the log keeps them for its own max_age. Creating and reading only; the
// file format lives in @ala/cli. Must not: publish advice or votes, or decode payloads.
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { subjects } from '@ala/protocol';
import { JetStreamSetupError } from './errors';
import type { JetStreamContext } from './jetstream';

/** Stream name for a subject prefix: 'ala' -> ALA_ADVICE_LOG (the rule of resourceNames). */
export function adviceLogStreamName(prefix = 'ala'): string {
  return `${subjects(prefix).prefix.toUpperCase().replace(/\./g, '_')}_ADVICE_LOG`;
}

export interface AdviceLogOptions {
  /** Age limit of a logged message, ms (ALA_ADVICE_LOG_MAX_AGE_MS, default 24 h). */
  readonly maxAgeMs?: number;
  /** Size limit of the whole log, bytes (ALA_ADVICE_LOG_MAX_BYTES, default 1 GiB); the oldest go first. */
  readonly maxBytes?: number;
  /** Replicas (ALA_STREAM_REPLICAS, default 1). */
  readonly replicas?: number;
}

export const ADVICE_LOG_DEFAULTS = { maxAgeMs: 86_400_000, maxBytes: 1024 ** 3 } as const;

/** One logged message as stored: the publisher's headers only (not the Nats-Stream/-Sequence/... of a direct get). */
export interface StoredLogMessage {
  readonly seq: number;
  readonly subject: string;
  /** Server receipt time, RFC 3339 with nanoseconds, as the server wrote it. */
  readonly timestamp: string;
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
}

/** Creates or updates the advice log for `prefix` and checks the config read back. */
export async function ensureAdviceLog(ctx: JetStreamContext, prefix = 'ala', opts: AdviceLogOptions = {}): Promise<StreamInfo> {
  const s = subjects(prefix);
  const name = adviceLogStreamName(prefix);
  const cfg = {
    name,
    subjects: [s.adviceAll, s.voteAll],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(opts.maxAgeMs ?? ADVICE_LOG_DEFAULTS.maxAgeMs),
    max_bytes: opts.maxBytes ?? ADVICE_LOG_DEFAULTS.maxBytes,
    allow_direct: true,
    num_replicas: opts.replicas ?? 1,
  };
  let info: StreamInfo;
  try {
    try {
      info = await ctx.jsm.streams.info(name);
      const differs = (Object.keys(cfg) as (keyof typeof cfg)[]).some((k) => JSON.stringify(cfg[k]) !== JSON.stringify(info.config[k]));
      if (differs) info = await ctx.jsm.streams.update(name, cfg);
    } catch (err) {
      if (!/stream not found/i.test(String((err as Error).message))) throw err;
      info = await ctx.jsm.streams.add(cfg);
    }
  } catch (err) {
    throw new JetStreamSetupError(name, 'could not create or update the advice log', { cause: err });
  }
  for (const f of ['subjects', 'max_age', 'max_bytes', 'discard', 'allow_direct', 'num_replicas'] as const) {
    if (JSON.stringify(cfg[f]) !== JSON.stringify(info.config[f]))
      throw new JetStreamSetupError(name, `config read back has ${f}=${JSON.stringify(info.config[f])}, wanted ${JSON.stringify(cfg[f])}`);
  }
  // a per-message TTL (Nats-TTL) would delete an entry before the log's max_age
  if (info.config.allow_msg_ttl === true) throw new JetStreamSetupError(name, 'has allow_msg_ttl: entries could expire before max_age');
  return info;
}

/** First and last sequence of the log (last = 0 when nothing was ever stored). */
export async function adviceLogPosition(ctx: JetStreamContext, prefix = 'ala'): Promise<{ firstSeq: number; lastSeq: number }> {
  const name = adviceLogStreamName(prefix);
  try {
    const { state } = await ctx.jsm.streams.info(name);
    return { firstSeq: state.first_seq, lastSeq: state.last_seq };
  } catch (err) {
    throw new JetStreamSetupError(name, 'cannot read the advice log position', { cause: err });
  }
}

const SERVER_HEADERS = new Set(['nats-stream', 'nats-sequence', 'nats-time-stamp', 'nats-subject', 'nats-last-sequence', 'nats-num-pending']);

export interface ReadAdviceLogOptions {
  /** Read messages with seq > afterSeq (default 0: all). */
  readonly afterSeq?: number;
  /** Wait until the last sequence has not moved for this long before reading (default 200 ms, at most 20 x). */
  readonly settleMs?: number;
  /** Messages per direct-get batch (default 512). */
  readonly batch?: number;
}

/**
 * Every message of the log after `afterSeq` up to the last one once the log has settled (core
 * publishes are stored asynchronously), in sequence order, by batched direct get (nats-server >= 2.11).
 * `lost` counts the messages after `afterSeq` that the limits had already removed.
 */
export async function readAdviceLog(
  ctx: JetStreamContext,
  prefix = 'ala',
  opts: ReadAdviceLogOptions = {},
): Promise<{ messages: StoredLogMessage[]; lost: number; lastSeq: number }> {
  const name = adviceLogStreamName(prefix);
  const afterSeq = opts.afterSeq ?? 0;
  let pos = await adviceLogPosition(ctx, prefix);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, opts.settleMs ?? 200));
    const next = await adviceLogPosition(ctx, prefix);
    if (next.lastSeq === pos.lastSeq) break;
    pos = next;
  }
  const messages: StoredLogMessage[] = [];
  let seq = Math.max(afterSeq + 1, pos.firstSeq);
  const lost = seq - (afterSeq + 1);
  try {
    while (seq <= pos.lastSeq) {
      const iter = await ctx.jsm.direct.getBatch(name, { seq, batch: Math.min(opts.batch ?? 512, pos.lastSeq - seq + 1) });
      let got = 0;
      for await (const m of iter) {
        if (m.seq > pos.lastSeq) break;
        const headers: Record<string, string> = {};
        for (const k of m.header?.keys() ?? []) if (!SERVER_HEADERS.has(k.toLowerCase())) headers[k] = m.header.get(k);
        messages.push({ seq: m.seq, subject: m.subject, timestamp: m.timestamp, headers, data: m.data });
        seq = m.seq + 1;
        got++;
      }
      if (got === 0) break; // the rest was removed by the limits while we read
    }
  } catch (err) {
    throw new JetStreamSetupError(name, `reading the advice log at seq ${seq} failed`, { cause: err });
  }
  return { messages, lost, lastSeq: pos.lastSeq };
}
