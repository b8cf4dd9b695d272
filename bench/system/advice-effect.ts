// Does advice visibly matter in `ala up`? For a few seeds and a fixed wall budget, runs
// `ala up --advisor none` and `ala up --advisor scripted` (as child processes, exactly as a user
// would, each with its own nats-server) with the same step rate, snapshot interval, advisor latency
// and TTL, and reports per run: the behaviour return (mean of the last 100 episodes, acting with
// advice) at 10 s, 20 s and the end, the final policy alone (`evalReturnUnadvised`), env steps,
// the advised-step fraction and advice applied/expired; then medians and advised/unadvised ratios.
// Must not: change any setting of `ala up` beyond the flags it passes (defaults unless given).
// Run: npx tsx bench/system/advice-effect.ts [--quick] [--seeds 1,2,3] [--seconds 35]
//        [--step-hz N] [--snapshot-every N] [--advisor-latency-ms N] [--advice-ttl-ms N] [--name NAME]
//      (writes bench/results/<name>.json, default advice-effect)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CartPoleEnv, cartPoleControl, Pcg64 } from '@ala/envs';
import { UP_DEFAULTS } from '../../packages/cli/src/commands/up';
import { writeResult } from '../common';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes('--quick');
const seeds = (flag('--seeds') ?? (quick ? '1' : '1,2,3')).split(',').map(Number);
const seconds = Number(flag('--seconds') ?? (quick ? 12 : 35));
/** The settings under test (flags passed to both arms); UP_DEFAULTS unless overridden here. */
const setting = {
  stepHz: Number(flag('--step-hz') ?? UP_DEFAULTS.stepHz),
  snapshotEvery: Number(flag('--snapshot-every') ?? UP_DEFAULTS.snapshotEvery),
  advisorLatencyMs: Number(flag('--advisor-latency-ms') ?? UP_DEFAULTS.advisorLatencyMs),
  adviceTtlMs: Number(flag('--advice-ttl-ms') ?? UP_DEFAULTS.adviceTtlMs),
  agents: UP_DEFAULTS.agents,
};
const CHECKPOINTS_S = [10, 20];
const BIN = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');

interface Run {
  seed: number;
  advisor: 'none' | 'scripted';
  /** Behaviour mean return (last 100 episodes) at each checkpoint second and at the end. */
  returnAt: Record<string, number | null>;
  evalReturnUnadvised: number | null;
  envSteps: number;
  episodes: number;
  policyVersion: number;
  advisedStepFraction: number;
  adviceApplied: number;
  adviceExpired: number;
  advicePublished: number;
  meanAdviceAgeMs: number;
  transport: string;
}

const PROGRESS = /^(\d+)s \| .* \| return (-|[\d.]+) \(/;

async function runOnce(seed: number, advisor: Run['advisor']): Promise<Run> {
  const out = mkdtempSync(path.join(tmpdir(), `advice-effect-${advisor}-${seed}-`));
  const args = [
    BIN,
    'up',
    '--advisor',
    advisor,
    '--seed',
    String(seed),
    '--max-seconds',
    String(seconds),
    '--target-return',
    '1000000',
    '--agents',
    String(setting.agents),
    '--step-hz',
    String(setting.stepHz),
    '--snapshot-every',
    String(setting.snapshotEvery),
    '--advisor-latency-ms',
    String(setting.advisorLatencyMs),
    '--advice-ttl-ms',
    String(setting.adviceTtlMs),
    '--progress',
    'plain',
    '--out',
    out,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const curve: [number, number | null][] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      const m = PROGRESS.exec(line);
      if (m) curve.push([Number(m[1]), m[2] === '-' ? null : Number(m[2])]);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`ala up (${advisor}, seed ${seed}) exited with ${code}`);
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
    meanReturnLast100: number | null;
    evalReturnUnadvised: number | null;
    envSteps: number;
    episodes: number;
    policyVersion: number;
    advisedStepFraction: number;
    transport: string;
    advice: { applied: number; expired: number; published: number; meanAgeMs: number };
  };
  rmSync(out, { recursive: true, force: true });
  const at = (t: number): number | null => curve.find(([s]) => s >= t)?.[1] ?? null;
  const returnAt: Record<string, number | null> = {};
  for (const t of CHECKPOINTS_S) returnAt[`${t}s`] = at(t);
  returnAt.end = s.meanReturnLast100;
  return {
    seed,
    advisor,
    returnAt,
    evalReturnUnadvised: s.evalReturnUnadvised,
    envSteps: s.envSteps,
    episodes: s.episodes,
    policyVersion: s.policyVersion,
    advisedStepFraction: s.advisedStepFraction,
    adviceApplied: s.advice.applied,
    adviceExpired: s.advice.expired,
    advicePublished: s.advice.published,
    meanAdviceAgeMs: s.advice.meanAgeMs,
    transport: s.transport,
  };
}

function median(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return Math.round((v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2) * 100) / 100;
}

/**
 * Physics alone, no learning: CartPole-v1 driven by the expert's advice computed `delay` steps
 * late, a new advice every `every` steps, void `ttl` steps after its snapshot, followed with
 * probability `follow` (0.88 = softmax of a uniform policy plus a +-1 bias), else a fair coin.
 * Mean episode length over 100 seeded episodes: how stale advice may be before it hurts.
 */
function expertReplay(delay: number, every: number, ttl: number, follow: number): number {
  const env = new CartPoleEnv();
  const rng = Pcg64.fromSeed(7);
  let steps = 0;
  const episodes = 100;
  for (let e = 0; e < episodes; e++) {
    env.reset({ seed: e });
    const pending: { at: number; snap: number; action: number }[] = [];
    let live: { snap: number; action: number } | undefined;
    for (let t = 0; ; t++) {
      if (t % every === 0) pending.push({ at: t + delay, snap: t, action: cartPoleControl(env.state) > 0 ? 1 : 0 });
      while (pending.length > 0 && (pending[0]?.at ?? Infinity) <= t) live = pending.shift();
      if (live && t - live.snap >= ttl) live = undefined;
      const u = rng.nextFloat();
      const coin = rng.nextFloat() < 0.5 ? 1 : 0;
      const r = env.step(live && u < follow ? live.action : coin);
      steps++;
      if (r.terminated || r.truncated) break;
    }
  }
  return Math.round((steps / episodes) * 10) / 10;
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);

async function main(): Promise<void> {
  const replay: Record<string, unknown>[] = [];
  for (const [delay, every, ttl] of [
    [0, 1, 1],
    [1, 1, 3],
    [2, 1, 5],
    [3, 1, 5],
    [4, 1, 6],
    [5, 1, 8],
    [6, 1, 8],
    [3, 2, 5],
    [3, 5, 25],
    [6, 5, 25],
  ] as const) {
    replay.push({
      delaySteps: delay,
      adviceEverySteps: every,
      ttlSteps: ttl,
      meanLength: { follow1: expertReplay(delay, every, ttl, 1), follow088: expertReplay(delay, every, ttl, 0.88) },
    });
  }
  console.log('expert replay (mean episode length):', JSON.stringify(replay));
  const runs: Run[] = [];
  for (const seed of seeds) {
    for (const advisor of ['none', 'scripted'] as const) {
      const r = await runOnce(seed, advisor);
      console.log(
        `seed ${seed} ${advisor.padEnd(8)} return@10s ${r.returnAt['10s']} @20s ${r.returnAt['20s']} end ${r.returnAt.end} | alone ${r.evalReturnUnadvised}` +
          ` | steps ${r.envSteps} | advised ${(r.advisedStepFraction * 100).toFixed(0)}% age ${r.meanAdviceAgeMs.toFixed(0)} ms | applied ${r.adviceApplied} expired ${r.adviceExpired}`,
      );
      runs.push(r);
    }
  }
  const keys = [...CHECKPOINTS_S.map((t) => `${t}s`), 'end'];
  const med = (advisor: Run['advisor']): Record<string, number | null> => {
    const rs = runs.filter((r) => r.advisor === advisor);
    return {
      ...Object.fromEntries(keys.map((k) => [`return@${k}`, median(rs.map((r) => r.returnAt[k] ?? null))])),
      evalReturnUnadvised: median(rs.map((r) => r.evalReturnUnadvised)),
      envSteps: median(rs.map((r) => r.envSteps)),
      advisedStepFraction: median(rs.map((r) => r.advisedStepFraction)),
      adviceApplied: median(rs.map((r) => r.adviceApplied)),
      adviceExpired: median(rs.map((r) => r.adviceExpired)),
      meanAdviceAgeMs: median(rs.map((r) => r.meanAdviceAgeMs)),
    };
  };
  const medians = { none: med('none'), scripted: med('scripted') };
  const ratios = Object.fromEntries(
    ['return@10s', 'return@20s', 'return@end', 'evalReturnUnadvised', 'envSteps'].map((k) => [k, ratio(medians.scripted[k] ?? null, medians.none[k] ?? null)]),
  );
  console.log(JSON.stringify({ medians, ratiosAdvisedOverUnadvised: ratios }, null, 2));
  const file = writeResult(flag('--name') ?? 'advice-effect', {
    config: { ...setting, seconds, quick, command: 'ala up --advisor none|scripted', stepsPerAdviceTtl: (setting.adviceTtlMs * setting.stepHz) / 1000 },
    seeds,
    versions: { nodeVersion: process.version },
    expertReplay: replay,
    medians,
    ratiosAdvisedOverUnadvised: ratios,
    runs,
  });
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
