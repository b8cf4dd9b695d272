// Bias burst vs step timing (issue #13: "a burst of 100k votes or biases: the actor's step-time p99
// stays within 10% of the quiet run"). A real nats-server and one actor-runner (CartPole-v1, 8
// agents paced at 200 Hz, ORT policy from the store) with its live biases received on the main
// thread (ALA_BIAS_INTAKE=main, the baseline) or by the intake worker thread (=thread), blocks in
// ABBA order (main, thread, thread, main). In each block, rounds of three windows: quiet (2 s),
// burst (100k valid biases from a separate publisher process, tests/faults/burst-publisher.ts,
// until every one reached the actor), control (the same burst to agents nobody subscribes to: the
// publisher and server load without any delivery to this process). Measured: the gaps between
// consecutive VectorEnv.step calls (p50/p99 per window), and where the CPU went per window (this
// process's main thread, its other threads (intake worker, GC, ORT), the publisher, the
// nats-server, the whole machine) from /proc. Reported per mode: the median over windows of each
// window's p99, the ratio burst/quiet and control/quiet. Target: thread burst/quiet <= 1.10.
// Must not: change the actor's behaviour beyond ALA_BIAS_INTAKE (recorded in the JSON).
// Run: npx tsx bench/faults/bias-burst.ts [--quick]   (writes bench/results/bias-burst.json)
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connect, CountingBusMetrics, ensurePolicyStores, ensureStreams, NatsBus, openJetStream, silentLogger } from '@ala/bus';
import { Learner, presetFor } from '@ala/policy';
import { subjects } from '@ala/protocol';
import { startNatsServer } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor } from '@ala/actor-runner';
import { jetStreamPolicySink } from '@ala/ppo-learner';
import { runBurstPublisher, StepStamps } from '../../tests/faults/burst-tools';
import { dist, sleep, writeResult } from '../common';

const quick = process.argv.includes('--quick');
const N = quick ? 20_000 : 100_000;
const ROUNDS = quick ? 2 : 3;
const ORDER: readonly ('main' | 'thread')[] = quick ? ['main', 'thread'] : ['main', 'thread', 'thread', 'main'];
const QUIET_MS = 2_000;
const AGENTS = 8;
const STEP_HZ = 200;
const SEED = 1;
const PREFIX = 'burst';
const TICK_MS = 1000 / 100; // CLK_TCK = 100 on Linux

type Kind = 'quiet' | 'burst' | 'control';
interface Cpu {
  mainMs: number;
  otherThreadsMs: number;
  childrenMs: number;
  natsServerMs: number;
  machineBusyMs: number;
  machineCapacityMs: number;
}
interface Window {
  mode: 'main' | 'thread';
  block: number;
  round: number;
  kind: Kind;
  durMs: number;
  steps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  mainElu: number;
  cpuMs: Omit<Cpu, 'machineCapacityMs'> & { machineBusyPct: number };
}

// --- CPU accounting from /proc (ticks of 10 ms) ---
const statFields = (file: string): string[] => {
  const s = readFileSync(file, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
};
const ticks = (f: string[], i: number): number => Number(f[i - 3]);
function natsServerPid(port: number): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('nats-server') && cmd.includes(String(port))) return Number(d);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}
function cpuNow(natsPid: number | undefined): Cpu {
  const self = statFields('/proc/self/stat');
  let main = 0;
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const f = statFields(`/proc/self/task/${tid}/stat`);
    const t = ticks(f, 14) + ticks(f, 15);
    if (Number(tid) === process.pid) main = t;
    else others += t;
  }
  const nats = natsPid === undefined ? [] : statFields(`/proc/${natsPid}/stat`);
  const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpuLine[3]! + cpuLine[4]!;
  const total = cpuLine.reduce((a, b) => a + b, 0);
  return {
    mainMs: main * TICK_MS,
    otherThreadsMs: others * TICK_MS,
    childrenMs: (ticks(self, 16) + ticks(self, 17)) * TICK_MS,
    natsServerMs: nats.length === 0 ? NaN : (ticks(nats, 14) + ticks(nats, 15)) * TICK_MS,
    machineBusyMs: (total - idle) * TICK_MS,
    machineCapacityMs: total * TICK_MS,
  };
}

const publish = (url: string, agents: readonly string[]): Promise<void> => runBurstPublisher(url, PREFIX, N, agents);

async function main(): Promise<void> {
  const server = await startNatsServer();
  const natsPid = natsServerPid(server.port);
  const conn = await connect({ servers: server.url, name: 'bench-burst', logger: silentLogger });
  const js = await openJetStream(conn.nc);
  await ensureStreams(js, PREFIX);
  const learner = await Learner.create({ obsDim: 4, nActions: 2, config: presetFor('CartPole-v1'), seed: SEED });
  await jetStreamPolicySink(await ensurePolicyStores(js, PREFIX)).put(1, 'v1.onnx', learner.exportOnnx());
  learner.dispose();
  const windows: Window[] = [];
  const load: number[] = [loadavg()[0]!];
  const steps = new StepStamps();
  const { makeVectorEnv } = steps;
  try {
    for (let block = 0; block < ORDER.length; block++) {
      const mode = ORDER[block]!;
      const metrics = new CountingBusMetrics();
      const actor = await startActor({
        config: {
          ...ACTOR_DEFAULTS,
          natsUrl: server.url,
          prefix: PREFIX,
          actorId: `b${block}`,
          agents: AGENTS,
          stepHz: STEP_HZ,
          snapshotEvery: 0,
          seed: SEED,
          maxInflightChunks: 1024,
          biasIntake: mode,
        },
        bus: new NatsBus(conn.nc, { metrics, logger: silentLogger, subjects: subjects(PREFIX) }),
        ...(await jetStreamActorPorts(js, PREFIX)),
        logger: silentLogger,
        makeVectorEnv,
      });
      if (actor.biasIntake !== mode) throw new Error(`asked for intake ${mode}, got ${actor.biasIntake}`);
      await actor.ready;
      await sleep(1_000); // warm-up
      const measure = async (round: number, kind: Kind, run: () => Promise<void>): Promise<void> => {
        steps.stamps = [];
        const c0 = cpuNow(natsPid);
        const e0 = performance.eventLoopUtilization();
        const t0 = performance.now();
        await run();
        const durMs = performance.now() - t0;
        const elu = performance.eventLoopUtilization(e0);
        const c1 = cpuNow(natsPid);
        const gaps = steps.stamps.slice(1).map((t, i) => t - steps.stamps[i]!);
        const d = dist(gaps);
        windows.push({
          mode,
          block,
          round,
          kind,
          durMs: Math.round(durMs),
          steps: steps.stamps.length,
          p50Ms: d.p50,
          p99Ms: d.p99,
          maxMs: d.max,
          mainElu: Math.round(elu.utilization * 1000) / 1000,
          cpuMs: {
            mainMs: c1.mainMs - c0.mainMs,
            otherThreadsMs: c1.otherThreadsMs - c0.otherThreadsMs,
            childrenMs: c1.childrenMs - c0.childrenMs,
            natsServerMs: c1.natsServerMs - c0.natsServerMs,
            machineBusyMs: c1.machineBusyMs - c0.machineBusyMs,
            machineBusyPct: Math.round((100 * (c1.machineBusyMs - c0.machineBusyMs)) / Math.max(1, c1.machineCapacityMs - c0.machineCapacityMs)),
          },
        });
        const w = windows[windows.length - 1]!;
        console.log(
          `${mode} block ${block} round ${round} ${kind}: p50 ${w.p50Ms} ms p99 ${w.p99Ms} ms (${w.steps} steps, ${w.durMs} ms) cpu ${JSON.stringify(w.cpuMs)}`,
        );
      };
      for (let r = 0; r < ROUNDS; r++) {
        await measure(r, 'quiet', () => sleep(QUIET_MS));
        const before = metrics.get('in', 'Bias');
        await measure(r, 'burst', async () => {
          await publish(server.url, actor.agentIds);
          while (metrics.get('in', 'Bias') < before + N) await sleep(5); // every bias reached the actor
        });
        await measure(r, 'control', () =>
          publish(
            server.url,
            actor.agentIds.map((_, i) => `nobody-${i}`),
          ),
        );
        load.push(loadavg()[0]!);
      }
      const st = actor.stats();
      await actor.stop();
      if (st.loopErrors > 0 || st.biasIntakeCrashes > 0)
        throw new Error(`block ${block}: loop errors ${st.loopErrors}, intake crashes ${st.biasIntakeCrashes}`);
    }
  } finally {
    await conn.drain();
    await server.stop();
  }

  // per mode and kind: the median over windows of each window's p50 and p99, and the mean CPU per second of window
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary: Record<string, Record<string, unknown>> = {};
  for (const mode of ['main', 'thread'] as const) {
    const per: Record<string, unknown> = {};
    for (const kind of ['quiet', 'burst', 'control'] as const) {
      const ws = windows.filter((w) => w.mode === mode && w.kind === kind);
      const perS = (f: (w: Window) => number): number => Math.round(ws.reduce((a, w) => a + f(w), 0) / (ws.reduce((a, w) => a + w.durMs, 0) / 1000));
      per[kind] = {
        windows: ws.length,
        medianP50Ms: med(ws.map((w) => w.p50Ms)),
        medianP99Ms: med(ws.map((w) => w.p99Ms)),
        p99sMs: ws.map((w) => w.p99Ms),
        medianDurMs: med(ws.map((w) => w.durMs)),
        cpuMsPerS: {
          mainThread: perS((w) => w.cpuMs.mainMs),
          otherThreads: perS((w) => w.cpuMs.otherThreadsMs),
          publisher: perS((w) => w.cpuMs.childrenMs),
          natsServer: perS((w) => w.cpuMs.natsServerMs),
          machine: perS((w) => w.cpuMs.machineBusyMs),
        },
        medianMainElu: med(ws.map((w) => w.mainElu)),
      };
    }
    const p99 = (k: Kind): number => (per[k] as { medianP99Ms: number }).medianP99Ms;
    per.ratioBurstOverQuiet = Math.round((p99('burst') / p99('quiet')) * 1000) / 1000;
    per.ratioControlOverQuiet = Math.round((p99('control') / p99('quiet')) * 1000) / 1000;
    per.ratioBurstOverControl = Math.round((p99('burst') / p99('control')) * 1000) / 1000;
    summary[mode] = per;
  }
  const thread = summary.thread as { ratioBurstOverQuiet: number };
  const result = {
    config: { quick, biases: N, rounds: ROUNDS, order: ORDER, quietMs: QUIET_MS, agents: AGENTS, stepHz: STEP_HZ, env: 'CartPole-v1', biasTtlMs: 5000 },
    seed: SEED,
    versions: { node: process.version, natsServer: server.version },
    load1: { start: load[0], samples: load.map((x) => Math.round(x * 100) / 100) },
    target: { threadBurstOverQuiet: 1.1, met: thread.ratioBurstOverQuiet <= 1.1 },
    summary,
    windows,
  };
  console.log(JSON.stringify({ summary, target: result.target, load1: result.load1 }, null, 2));
  console.log(`wrote ${writeResult('bias-burst', result)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
