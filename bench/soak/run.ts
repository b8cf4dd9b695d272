// Soak: the five services as `ala <service>` processes on one nats-server (file storage), run for
// --minutes N (default 10). Every --interval-s (default 10) it scrapes each service's /metrics and
// records RSS and event-loop delay p99 per service, the actors' step rate and the advice latency
// (advisor thinking time + router added latency, mean over the interval); then it fits a
// least-squares line per series (after a warm-up) and reports which series trend upward.
// Writes bench/results/soak.json and prints a table. Must not: change what the services do.
// Run: npm run soak -- [--minutes N] [--interval-s S]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, startNatsServer } from '@ala/testkit';
import { sleep, writeResult } from '../common';
import { fitTrend, parseProm, type Trend } from './trend';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.argv[i + 1]}`);
  return v;
};
const MINUTES = arg('--minutes', 10);
const INTERVAL_S = arg('--interval-s', 10);
const PREFIX = 'soak';
const BIN = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
const SERVICES = ['ppo-learner', 'actor-runner', 'advisor-worker', 'vote-aggregator', 'bias-router'] as const;
type Service = (typeof SERVICES)[number];
const SERVICE_ENV: Record<Service, Record<string, string>> = {
  'ppo-learner': { ALA_CHECKPOINT_EVERY_S: '60' },
  'actor-runner': { ALA_AGENTS: '8', ALA_ACTOR_ID: 'soak-0', ALA_STEP_HZ: '100', ALA_SNAPSHOT_EVERY: '4' },
  'advisor-worker': {},
  'vote-aggregator': {},
  'bias-router': {},
};

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', timeout: 3_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`scrape of :${port} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'ala-soak-'));
  const ports = new Map<Service, number>();
  const procs: ChildProcess[] = [];
  const stderr = new Map<Service, string>();
  for (const svc of SERVICES) {
    const port = await freePort();
    ports.set(svc, port);
    const p = spawn(process.execPath, [BIN, svc], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ALA_NATS_URL: server.url,
        ALA_PREFIX: PREFIX,
        ALA_METRICS_PORT: String(port),
        ALA_CHECKPOINT_DIR: dir,
        ...SERVICE_ENV[svc],
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    p.stderr?.on('data', (d: Buffer) => stderr.set(svc, ((stderr.get(svc) ?? '') + d.toString()).slice(-2000)));
    procs.push(p);
  }
  const samples: Record<string, number>[] = [];
  const load: number[] = [];
  let prev: Map<Service, Map<string, number>> | undefined;
  const t0 = Date.now();
  try {
    await sleep(15_000); // start-up (compiling five processes on shared cores) is not part of the soak
    const end = Date.now() + MINUTES * 60_000;
    while (Date.now() < end) {
      const at = Date.now();
      const now = new Map<Service, Map<string, number>>();
      for (const svc of SERVICES) now.set(svc, parseProm(await scrape(ports.get(svc)!)));
      if (prev !== undefined) {
        const s: Record<string, number> = { tS: (at - t0) / 1000 };
        const d = (svc: Service, name: string): number => (now.get(svc)!.get(name) ?? 0) - (prev!.get(svc)!.get(name) ?? 0);
        for (const svc of SERVICES) {
          s[`rssMB.${svc}`] = (now.get(svc)!.get('process_resident_memory_bytes') ?? NaN) / 2 ** 20;
          s[`loopP99Ms.${svc}`] = (now.get(svc)!.get('nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000;
        }
        s.stepRate = d('actor-runner', 'ala_actor_env_steps_total') / INTERVAL_S;
        const adv = d('advisor-worker', 'ala_advisor_latency_seconds_sum') / d('advisor-worker', 'ala_advisor_latency_seconds_count');
        const rtr = d('bias-router', 'ala_router_added_latency_seconds_sum') / d('bias-router', 'ala_router_added_latency_seconds_count');
        s.adviceLatencyMs = (adv + rtr) * 1000;
        samples.push(s);
        load.push(loadavg()[0]!);
        console.log(
          `t=${s.tS!.toFixed(0)}s steps/s=${s.stepRate.toFixed(0)} advice=${s.adviceLatencyMs.toFixed(2)}ms rss(actor)=${s['rssMB.actor-runner']!.toFixed(1)}MB load=${load[load.length - 1]!.toFixed(2)}`,
        );
      }
      prev = now;
      await sleep(Math.max(0, INTERVAL_S * 1000 - (Date.now() - at)));
    }
  } catch (err) {
    for (const [svc, e] of stderr) console.error(`--- ${svc}:\n${e}`);
    throw err;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())))));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const warmup = Math.min(3, Math.floor(samples.length / 5)); // the first ~30 s: JIT, first policies, buffers filling
  const kept = samples.slice(warmup);
  const trends: Record<string, Trend> = {};
  for (const key of Object.keys(kept[0] ?? {}).filter((k) => k !== 'tS'))
    trends[key] = fitTrend(
      kept.map((s) => s.tS!),
      kept.map((s) => s[key]!),
    );
  const upward = Object.entries(trends)
    .filter(([, t]) => t.direction === 'up')
    .map(([k]) => k);
  const file = writeResult('soak', {
    minutes: MINUTES,
    intervalS: INTERVAL_S,
    warmupSamples: warmup,
    loadAvg1m: { min: Math.min(...load), max: Math.max(...load) },
    rule: 'a series trends up/down when its least-squares change over the kept window exceeds 10% of its mean and |t| > 3 (slope / standard error)',
    upward,
    trends,
    samples,
  });
  console.log(`\n${'series'.padEnd(28)} ${'mean'.padStart(10)} ${'slope/min'.padStart(10)} ${'change'.padStart(8)} ${'t'.padStart(7)}  trend`);
  for (const [k, t] of Object.entries(trends)) {
    console.log(
      `${k.padEnd(28)} ${t.mean.toFixed(2).padStart(10)} ${t.slopePerMin.toFixed(3).padStart(10)} ${(t.relChange * 100).toFixed(1).padStart(7)}% ${t.t.toFixed(1).padStart(7)}  ${t.direction}`,
    );
  }
  console.log(`\nupward: ${upward.length ? upward.join(', ') : 'none'}; load average ${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)}; ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
