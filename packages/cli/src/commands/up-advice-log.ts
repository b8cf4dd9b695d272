// The advice log inside `ala up` (docs/architecture.md "Advice log and replay"): the stack ensures
// stream ALA_ADVICE_LOG as the vote-aggregator (its owner) and notes its last sequence before any
// advice; when the run stops, after the advice services, it reads what this run logged; up.ts then
// writes RUN/advice-log.jsonl with offsets from the run's start. Must not: start services or decide
// when a run starts or ends (up.ts does).
import * as path from 'node:path';
import { adviceLogPosition, adviceLogStreamName, ensureAdviceLog, readAdviceLog, type JetStreamContext, type StoredLogMessage } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { writeFileAtomic } from '../train/run-dir';
import { ADVICE_LOG_FILE, ADVICE_LOG_FORMAT, formatAdviceLog, toRecord, type AdviceLogMeta } from '../replay/advice-log-file';

export interface UpAdviceLog {
  readonly stream: string;
  /** The log's last sequence before this run: the run logged the messages after it. */
  readonly afterSeq: number;
  /** Reads what the run logged (call once the advice services have stopped, before the connection closes); never throws. */
  collect(): Promise<void>;
  /** Why collect() failed, if it did. */
  failure(): Error | undefined;
  /** What collect() read (undefined before it, or when it failed). */
  collected(): { messages: StoredLogMessage[]; lost: number; lastSeq: number } | undefined;
}

/** Ensures the advice log (as the vote-aggregator) and notes where this run starts in it. */
export async function openUpAdviceLog(
  js: JetStreamContext,
  prefix: string,
  opts: { maxAgeMs: number; maxBytes: number; replicas: number },
): Promise<UpAdviceLog> {
  await ensureAdviceLog(js, prefix, opts);
  const afterSeq = (await adviceLogPosition(js, prefix)).lastSeq;
  let result: { messages: StoredLogMessage[]; lost: number; lastSeq: number } | undefined;
  let failure: Error | undefined;
  return {
    stream: adviceLogStreamName(prefix),
    afterSeq,
    async collect() {
      // the caller goes on stopping (learner, connections, server) whatever happens here
      result = await readAdviceLog(js, prefix, { afterSeq }).catch((err: unknown) => void (failure = err as Error));
    },
    collected: () => result,
    failure: () => failure,
  };
}

/** Writes DIR/advice-log.jsonl from what the run logged; returns its meta record. Throws what collect() met. */
export async function writeRunAdviceLog(
  outDir: string,
  log: UpAdviceLog,
  run: { prefix: string; startedAtMs: number; durationMs: number },
): Promise<AdviceLogMeta | undefined> {
  const failed = log.failure();
  if (failed) throw new Error(`reading ${log.stream} failed: ${failed.message}`, { cause: failed });
  const got = log.collected();
  if (got === undefined) return undefined;
  const s = subjects(run.prefix);
  const records = got.messages.map((m) => toRecord(m, run.startedAtMs, s));
  const meta: AdviceLogMeta = {
    format: ADVICE_LOG_FORMAT,
    v: 1,
    prefix: run.prefix,
    stream: log.stream,
    startedAt: new Date(run.startedAtMs).toISOString(),
    startedAtMs: run.startedAtMs,
    durationMs: Math.round(run.durationMs),
    afterSeq: log.afterSeq,
    lastSeq: got.lastSeq,
    lost: got.lost,
    records: records.length,
  };
  await writeFileAtomic(path.join(outDir, ADVICE_LOG_FILE), formatAdviceLog({ meta, records }));
  return meta;
}
