// Compares a replayed run's advice log with the original's (`ala replay`, the replay tests).
// Advice must be identical: the same records in the same order with the same subject, payload
// (advice id, advisor, agent, state seq, bias, ...), `Ala-Ttl-Ms` and other headers, and offsets
// within a tolerance (timer and scheduling jitter). Votes are made again by the aggregator from the
// replayed advice, on its own timers: they are matched by content (agent, state seq, contributing
// advice ids), their payloads must be equal (a blend's fresh id excepted) and their order per agent
// the same; their `Ala-Ttl-Ms` and offsets depend on timing and are not compared. Pure: no I/O.
import type { Vote } from '@ala/protocol';
import type { AdviceLog, AdviceLogRecord } from './advice-log-file';

export interface LogComparison {
  /** Advice identical in content and order, offsets within the tolerance. */
  readonly identical: boolean;
  readonly advice: {
    readonly original: number;
    readonly replay: number;
    /** Records whose content differs, or that one side lacks. */
    readonly mismatched: number;
    /** |replay offset - original offset| over the advice both have, ms: median, 99th percentile, max. */
    readonly offsetDiffMs: { readonly p50: number; readonly p99: number; readonly max: number };
    readonly offsetToleranceMs: number;
    readonly firstDifference: string | null;
  };
  readonly votes: {
    readonly original: number;
    readonly replay: number;
    /** Original votes the replay made with the same payload. */
    readonly matched: number;
    /** Original votes the replay did not make (or made with another payload). */
    readonly missing: number;
    /** Votes on the same advice (same agent, state seq, contributing ids) with different payloads: a bug, never timing. */
    readonly differing: number;
    /** Replay votes the original did not make. */
    readonly extra: number;
    /** Every agent's votes came in the same order. */
    readonly samePerAgentOrder: boolean;
    /** All votes came in the same global order. */
    readonly sameGlobalOrder: boolean;
    readonly firstDifference: string | null;
  };
  /** Undecodable messages on either side (never replayed). */
  readonly invalid: { readonly original: number; readonly replay: number };
}

/** JSON with sorted keys, so equal values compare equal whatever their key order. */
export function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (typeof x === 'object' && x !== null)
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(x);
}

const adviceKey = (r: AdviceLogRecord): string =>
  r.kind === 'advice' ? canonical({ subject: r.subject, payload: r.payload, ttlMs: r.ttlMs, msgId: r.msgId, headers: r.headers }) : '';
const voteKey = (v: Vote): string => `${v.agentId}|${v.stateSeq}|${v.adviceIds.join(',')}`;
const voteContent = (v: Vote): string => canonical(v.method === 'blend' ? { ...v, adviceId: '' } : v);

function compareAdvice(a: readonly AdviceLogRecord[], b: readonly AdviceLogRecord[], toleranceMs: number): LogComparison['advice'] {
  let mismatched = Math.abs(a.length - b.length);
  const diffs: number[] = [];
  let firstDifference: string | null = a.length === b.length ? null : `${a.length} advice in the original, ${b.length} in the replay`;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    diffs.push(Math.abs(x.offsetMs - y.offsetMs));
    if (adviceKey(x) !== adviceKey(y)) {
      mismatched++;
      firstDifference ??= `advice #${i}: original ${adviceKey(x)} replay ${adviceKey(y)}`;
    }
  }
  diffs.sort((p, q) => p - q);
  const q = (f: number): number => (diffs.length === 0 ? 0 : Math.round(diffs[Math.min(diffs.length - 1, Math.floor(f * diffs.length))]! * 100) / 100);
  const offsetDiffMs = { p50: q(0.5), p99: q(0.99), max: q(1) };
  if (offsetDiffMs.max > toleranceMs) firstDifference ??= `an offset differs by ${offsetDiffMs.max} ms > ${toleranceMs} ms`;
  return { original: a.length, replay: b.length, mismatched, offsetDiffMs, offsetToleranceMs: toleranceMs, firstDifference };
}

function compareVotes(a: readonly Vote[], b: readonly Vote[]): LogComparison['votes'] {
  const replayed = new Map(b.map((v) => [voteKey(v), v]));
  const originalKeys = new Set(a.map(voteKey));
  let matched = 0;
  let differing = 0;
  let firstDifference: string | null = null;
  for (const v of a) {
    const w = replayed.get(voteKey(v));
    if (w !== undefined && voteContent(w) === voteContent(v)) matched++;
    else firstDifference ??= `vote ${voteKey(v)}: original ${voteContent(v)} replay ${w ? voteContent(w) : 'none'}`;
    if (w !== undefined && voteContent(w) !== voteContent(v)) differing++;
  }
  const extra = b.filter((v) => !originalKeys.has(voteKey(v))).length;
  const common = (xs: readonly Vote[], keep: Set<string>): string[] => xs.map(voteKey).filter((k) => keep.has(k));
  const replayKeys = new Set(replayed.keys());
  const perAgent = (xs: string[]): string => {
    const by = new Map<string, string[]>();
    for (const k of xs) {
      const agent = k.split('|')[0]!;
      if (!by.has(agent)) by.set(agent, []);
      by.get(agent)!.push(k);
    }
    return canonical([...by.entries()].sort());
  };
  const [ca, cb] = [common(a, replayKeys), common(b, originalKeys)];
  return {
    original: a.length,
    replay: b.length,
    matched,
    missing: a.length - matched,
    differing,
    extra,
    samePerAgentOrder: perAgent(ca) === perAgent(cb),
    sameGlobalOrder: canonical(ca) === canonical(cb),
    firstDifference,
  };
}

/** Compares the replay's log with the original's (see the header for what must match). */
export function compareAdviceLogs(original: AdviceLog, replay: AdviceLog, opts: { offsetToleranceMs: number }): LogComparison {
  const of = (l: AdviceLog, kind: AdviceLogRecord['kind']): AdviceLogRecord[] => l.records.filter((r) => r.kind === kind);
  const votes = (l: AdviceLog): Vote[] => l.records.flatMap((r) => (r.kind === 'vote' ? [r.payload] : []));
  const advice = compareAdvice(of(original, 'advice'), of(replay, 'advice'), opts.offsetToleranceMs);
  return {
    identical: advice.mismatched === 0 && advice.offsetDiffMs.max <= opts.offsetToleranceMs,
    advice,
    votes: compareVotes(votes(original), votes(replay)),
    invalid: { original: of(original, 'invalid').length, replay: of(replay, 'invalid').length },
  };
}
