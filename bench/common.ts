// Shared helpers of the benchmarks: percentiles and the results file. Must not: measure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';

export interface Dist {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50/p99/max/mean of samples (same units in and out, rounded to 4 decimals). */
export function dist(samples: readonly number[]): Dist {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const r = (x: number): number => Math.round(x * 1e4) / 1e4;
  return { n: s.length, p50: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? NaN), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

/** The same distribution with millisecond-suffixed keys (samples in ms), as the transport benches report it. */
export interface DistMs {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}
export function distMs(samples: readonly number[]): DistMs {
  const d = dist(samples);
  return { n: d.n, p50Ms: d.p50, p99Ms: d.p99, maxMs: d.max, meanMs: d.mean };
}

/** Writes bench/results/<name>.json with the machine context. */
export function writeResult(name: string, result: object): string {
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ bench: name, date: new Date().toISOString(), node: process.version, cpus: cpus().length, ...result }, null, 2) + '\n');
  return file;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
