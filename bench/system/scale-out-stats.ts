// Readings of the scale-out benchmark: one poll of every service instance's stats through the NATS
// services framework ($SRV.STATS, what `ala status` reads), stamped with the time each answer
// arrived (a learner busy in a synchronous update answers late, so the send time would be wrong),
// plus CPU seconds of each process group; and the rates over a window of polls (totals and
// per-interval p50/p99). Must not: start or stop processes.
import type { NatsConnection } from '@nats-io/transport-node';
import { dist, type Dist } from '../common';
import { machineCpuSeconds, processCpuSeconds } from '../machine';

/** One instance's counters at the moment its answer arrived (ms, performance.now()). */
export interface Reading {
  readonly t: number;
  readonly stats: Record<string, number>;
}

/** One poll: answers by service name and instance id, and CPU seconds read when the poll began. */
export interface Poll {
  readonly t: number;
  readonly instances: Map<string, { service: string; reading: Reading }>;
  /** CPU seconds per group ('learner', 'actors', 'nats', 'bench', 'machine'). */
  readonly cpu: Record<string, number>;
}

interface StatsAnswer {
  name?: string;
  id?: string;
  endpoints?: { data?: unknown }[];
}

/** Asks $SRV.STATS; returns when `expected` instances answered or after `maxWaitMs`. */
export async function poll(nc: NatsConnection, expected: number, maxWaitMs: number, pids: Record<string, readonly number[]>): Promise<Poll> {
  const t = performance.now();
  const cpu: Record<string, number> = { machine: machineCpuSeconds().busy, bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 };
  for (const [group, list] of Object.entries(pids)) cpu[group] = list.reduce((s, pid) => s + (processCpuSeconds(pid) ?? 0), 0);
  const instances = new Map<string, { service: string; reading: Reading }>();
  const replies = await nc.requestMany('$SRV.STATS', undefined, { strategy: 'count', maxMessages: expected, maxWait: maxWaitMs });
  for await (const m of replies) {
    const at = performance.now();
    const a = m.json<StatsAnswer>();
    const data = a.endpoints?.find((e) => e.data !== undefined && e.data !== null)?.data;
    if (a.name === undefined || a.id === undefined || typeof data !== 'object' || data === null) continue;
    const stats: Record<string, number> = {};
    for (const [k, v] of Object.entries(data)) if (typeof v === 'number' && Number.isFinite(v)) stats[k] = v;
    instances.set(a.id, { service: a.name, reading: { t: at, stats } });
  }
  return { t, instances, cpu };
}

/** Instances of `service` in a poll. */
export function readingsOf(p: Poll, service: string): Map<string, Reading> {
  const out = new Map<string, Reading>();
  for (const [id, i] of p.instances) if (i.service === service) out.set(id, i.reading);
  return out;
}

/** Sum over instances of d(counter)/dt (per second) between two polls; instances missing in either are left out. */
export function rate(a: Poll, b: Poll, service: string, field: string): number {
  const ra = readingsOf(a, service);
  let sum = 0;
  for (const [id, rb] of readingsOf(b, service)) {
    const r0 = ra.get(id);
    if (r0 === undefined || rb.t <= r0.t) continue;
    sum += ((rb.stats[field] ?? 0) - (r0.stats[field] ?? 0)) / ((rb.t - r0.t) / 1000);
  }
  return sum;
}

export interface WindowRate {
  /** Over the whole window (first to last poll). */
  total: number;
  /** Over each interval between consecutive polls. */
  perInterval: Dist;
}

/** The rate of a counter over a window of polls: whole window and per interval. */
export function windowRate(polls: readonly Poll[], service: string, field: string, scale = 1): WindowRate {
  const r = (x: number): number => Math.round(x * scale * 1000) / 1000;
  const per: number[] = [];
  for (let i = 1; i < polls.length; i++) per.push(r(rate(polls[i - 1]!, polls[i]!, service, field)));
  return { total: r(rate(polls[0]!, polls[polls.length - 1]!, service, field)), perInterval: dist(per) };
}

/** CPU cores used by a process group over the window (CPU seconds / wall seconds). */
export function cpuCores(polls: readonly Poll[], group: string): number {
  const a = polls[0]!;
  const b = polls[polls.length - 1]!;
  return Math.round((((b.cpu[group] ?? 0) - (a.cpu[group] ?? 0)) / ((b.t - a.t) / 1000)) * 100) / 100;
}

/** A field of the one instance of `service` in the last poll (e.g. a gauge). */
export function lastValue(polls: readonly Poll[], service: string, field: string): number | undefined {
  for (const r of readingsOf(polls[polls.length - 1]!, service).values()) return r.stats[field];
  return undefined;
}

/** The sum of a field over every instance of `service` in a poll. */
export function sumOf(p: Poll, service: string, field: string): number {
  let s = 0;
  for (const r of readingsOf(p, service).values()) s += r.stats[field] ?? 0;
  return s;
}
