// The advice log file of a run (RUN/advice-log.jsonl), written by `ala up` and `ala replay` and read
// by `ala replay`: line 1 is the meta record (format, prefix, stream, start time, sequence range),
// then one line per logged message in stream order: subject, kind (advice | vote | invalid),
// offset in ms from the run's start (server receipt time - start), the headers that matter
// (`Ala-Ttl-Ms`, `Nats-Msg-Id`, any other the publisher set) and the decoded payload. Pure: no I/O,
// no clock; bad input throws AdviceLogFormatError naming the line.
import { Advice, HEADER_TTL_MS, Vote, assertSubjectMatches, decode, parseTtlMs, subjects, validate, type Subjects } from '@ala/protocol';

export const ADVICE_LOG_FORMAT = 'ala.advice-log';
export const ADVICE_LOG_FILE = 'advice-log.jsonl';

export interface AdviceLogMeta {
  readonly format: typeof ADVICE_LOG_FORMAT;
  readonly v: 1;
  readonly prefix: string;
  readonly stream: string;
  /** Wall-clock start of the run (the actor's first env step), ISO and ms since the epoch. */
  readonly startedAt: string;
  readonly startedAtMs: number;
  /** From the start to the end of the run, ms (a replay runs at least this long). */
  readonly durationMs: number;
  /** The log holds stream messages afterSeq < seq <= lastSeq, less `lost` the limits had removed. */
  readonly afterSeq: number;
  readonly lastSeq: number;
  readonly lost: number;
  readonly records: number;
}

interface Common {
  /** Stream sequence in the run that logged it (audit only; never compared). */
  readonly seq: number;
  readonly subject: string;
  /** Server receipt time minus the run's start, ms (0.01 ms resolution). */
  readonly offsetMs: number;
  /** `Ala-Ttl-Ms` as published (null: none). */
  readonly ttlMs: number | null;
  /** `Nats-Msg-Id` as published (null: none). */
  readonly msgId: string | null;
  /** Every header the publisher set, `Ala-Ttl-Ms` included. */
  readonly headers: Record<string, string>;
}
export type AdviceLogRecord =
  | (Common & { readonly kind: 'advice'; readonly payload: Advice })
  | (Common & { readonly kind: 'vote'; readonly payload: Vote })
  /** A message that did not decode: kept for the audit (base64 bytes), never replayed. */
  | (Common & { readonly kind: 'invalid'; readonly error: string; readonly dataB64: string });

export interface AdviceLog {
  readonly meta: AdviceLogMeta;
  readonly records: readonly AdviceLogRecord[];
}

/** A stored message as read from the stream (structurally @ala/bus StoredLogMessage). */
export interface LoggedMessage {
  readonly seq: number;
  readonly subject: string;
  readonly timestamp: string;
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
}

export class AdviceLogFormatError extends Error {
  override readonly name = 'AdviceLogFormatError';
  constructor(
    readonly line: number,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`advice log line ${line}: ${detail}`, options);
  }
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of a server timestamp, keeping the sub-millisecond digits. */
export function timestampMs(ts: string): number {
  const m = RFC3339.exec(ts);
  if (!m) throw new AdviceLogFormatError(0, `timestamp ${JSON.stringify(ts)} is not RFC 3339`);
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(whole)) throw new AdviceLogFormatError(0, `timestamp ${JSON.stringify(ts)} is not a date`);
  return whole + Number(`0.${m[2] ?? '0'}`) * 1000;
}

const header = (h: Record<string, string>, name: string): string | undefined => Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** The record of one stored message; undecodable payloads become `invalid` records, never throw. */
export function toRecord(m: LoggedMessage, startedAtMs: number, s: Subjects): AdviceLogRecord {
  const ttl = header(m.headers, HEADER_TTL_MS);
  let ttlMs: number | null = null;
  const common = {
    seq: m.seq,
    subject: m.subject,
    offsetMs: Math.round((timestampMs(m.timestamp) - startedAtMs) * 100) / 100,
    msgId: header(m.headers, 'Nats-Msg-Id') ?? null,
    headers: { ...m.headers },
  };
  const kind = s.parse(m.subject)?.kind;
  try {
    if (ttl !== undefined) ttlMs = parseTtlMs(ttl);
    if (kind === 'advice') {
      const payload = decode(Advice, m.data);
      assertSubjectMatches(s, Advice, m.subject, payload);
      return { ...common, ttlMs, kind, payload };
    }
    if (kind === 'vote') {
      const payload = decode(Vote, m.data);
      assertSubjectMatches(s, Vote, m.subject, payload);
      return { ...common, ttlMs, kind, payload };
    }
    throw new Error(`subject ${m.subject} is neither advice nor vote`);
  } catch (err) {
    return { ...common, ttlMs, kind: 'invalid', error: (err as Error).message, dataB64: Buffer.from(m.data).toString('base64') };
  }
}

/** The file's text: the meta line, then one line per record. */
export function formatAdviceLog(log: AdviceLog): string {
  return [log.meta, ...log.records].map((r) => JSON.stringify(r)).join('\n') + '\n';
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function parseMeta(x: unknown): AdviceLogMeta {
  if (!isRecord(x) || x.format !== ADVICE_LOG_FORMAT || x.v !== 1) throw new AdviceLogFormatError(1, `not an ${ADVICE_LOG_FORMAT} v1 meta record`);
  for (const k of ['startedAtMs', 'durationMs', 'afterSeq', 'lastSeq', 'lost', 'records'] as const)
    if (!num(x[k])) throw new AdviceLogFormatError(1, `meta.${k} must be a number`);
  for (const k of ['prefix', 'stream', 'startedAt'] as const) if (typeof x[k] !== 'string') throw new AdviceLogFormatError(1, `meta.${k} must be a string`);
  subjects(x.prefix as string); // throws on a bad prefix
  return x as unknown as AdviceLogMeta;
}

function parseRecord(x: unknown, line: number, s: Subjects): AdviceLogRecord {
  if (!isRecord(x)) throw new AdviceLogFormatError(line, 'not a JSON object');
  if (!num(x.seq) || typeof x.subject !== 'string' || !num(x.offsetMs)) throw new AdviceLogFormatError(line, 'needs seq, subject and offsetMs');
  if (!(x.ttlMs === null || (num(x.ttlMs) && x.ttlMs >= 0))) throw new AdviceLogFormatError(line, 'ttlMs must be null or a number >= 0');
  if (!(x.msgId === null || typeof x.msgId === 'string')) throw new AdviceLogFormatError(line, 'msgId must be null or a string');
  if (!isRecord(x.headers) || !Object.values(x.headers).every((v) => typeof v === 'string'))
    throw new AdviceLogFormatError(line, 'headers must map names to strings');
  const kind = x.kind;
  if (kind === 'invalid') {
    if (typeof x.error !== 'string' || typeof x.dataB64 !== 'string') throw new AdviceLogFormatError(line, 'an invalid record needs error and dataB64');
    return x as unknown as AdviceLogRecord;
  }
  if (kind !== 'advice' && kind !== 'vote') throw new AdviceLogFormatError(line, `kind must be advice, vote or invalid, got ${JSON.stringify(kind)}`);
  try {
    const def = kind === 'advice' ? Advice : Vote;
    validate(def as typeof Advice, x.payload);
    assertSubjectMatches(s, def as typeof Advice, x.subject, x.payload);
  } catch (err) {
    throw new AdviceLogFormatError(line, `payload: ${(err as Error).message}`, { cause: err });
  }
  return x as unknown as AdviceLogRecord;
}

/** Parses and validates a whole file (every payload against its message schema and subject). */
export function parseAdviceLog(text: string): AdviceLog {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new AdviceLogFormatError(1, 'empty file');
  const json = (l: string, i: number): unknown => {
    try {
      return JSON.parse(l);
    } catch (err) {
      throw new AdviceLogFormatError(i + 1, 'not JSON', { cause: err });
    }
  };
  const meta = parseMeta(json(lines[0]!, 0));
  const s = subjects(meta.prefix);
  const records = lines.slice(1).map((l, i) => parseRecord(json(l, i + 1), i + 2, s));
  if (records.length !== meta.records) throw new AdviceLogFormatError(1, `meta says ${meta.records} records, the file has ${records.length}`);
  return { meta, records };
}
