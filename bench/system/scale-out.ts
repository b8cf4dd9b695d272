// Scale-out: 1, 2 and 4 actor-runner processes (20 agents each, unpaced, CartPole-v1, advisor off:
// no snapshots, no advice chain) against one ppo-learner process, all as real `ala <service>`
// processes on the Helm chart's three-node NATS cluster (k8s/ala values-three-device.yaml, run as
// local nats-servers) with every stream and store at three replicas. Per actor count, after a
// warm-up, over a measured window: env-steps/s the actors produced, samples/s the learner
// consumed and trained, learner utilisation (wall time in updates / wall time, the
// `updateSeconds` stat), updates/s, the backlog (consumer pending on ALA_TRAJ, samples dropped by
// the batch cap or as stale), CPU cores used by each process group and `uptime` load. Baseline: 1
// actor, in the same run. Fresh streams (a prefix per count) so no backlog carries over.
// Run: npx tsx bench/system/scale-out.ts [--quick] [--counts 1,2,4] [--warmup S] [--window S] [--seed N] [--step-hz H]
// (npm run bench:scale-out; writes bench/results/scale-out.json; --step-hz H: scale-out-hzH.json; --quick: *-quick.json)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { openJetStream, resourceNames, type JetStreamContext } from '@ala/bus';
import { presetFor } from '@ala/policy';
import { locateNatsServer, waitFor } from '@ala/testkit';
import { render } from '../../tests/deploy/chart';
import { startChartNatsCluster, type ChartNatsCluster } from '../../tests/deploy/nats-cluster';
import { killAll, startAla, type AlaProcess } from '../../tests/deploy/processes';
import { sleep, writeResult } from '../common';
import { machineLoad, packageVersion } from '../machine';
import { poll, sumOf, type Poll } from './scale-out-stats';
import { summarise, table, type CountResult } from './scale-out-report';

const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const quick = process.argv.includes('--quick');
const COUNTS = arg('--counts', quick ? '1,2' : '1,2,4')
  .split(',')
  .map(Number);
const WARMUP_S = Number(arg('--warmup', quick ? '3' : '10'));
const WINDOW_S = Number(arg('--window', quick ? '5' : '30'));
const SEED = Number(arg('--seed', '1'));
const STEP_HZ = Number(arg('--step-hz', '0'));
const AGENTS = 20;
const CHUNK_STEPS = 32;
const POLL_EVERY_MS = quick ? 1000 : 2000;
const POLL_WAIT_MS = 5000; // a learner in a synchronous update answers when it is done

if (!COUNTS.every((c) => Number.isInteger(c) && c >= 1 && c <= 16) || !(WINDOW_S > 0) || !(WARMUP_S >= 0) || !(STEP_HZ >= 0) || !Number.isInteger(SEED))
  throw new RangeError(`bad options: counts ${COUNTS.join(',')}, warmup ${WARMUP_S}, window ${WINDOW_S}, seed ${SEED}, step-hz ${STEP_HZ}`);

/** Settings of each process, as the chart's values would set them. */
export const LEARNER_ENV = { ALA_STREAM_REPLICAS: '3', ALA_METRICS_PORT: '0' };
export const ACTOR_ENV = {
  ALA_AGENTS: String(AGENTS),
  ALA_STEP_HZ: String(STEP_HZ),
  ALA_CHUNK_STEPS: String(CHUNK_STEPS),
  ALA_SNAPSHOT_EVERY: '0', // advisor off: no state snapshots, no advice
  ALA_STREAM_REPLICAS: '3',
  ALA_METRICS_PORT: '0',
};

async function runCount(cluster: ChartNatsCluster, nc: NatsConnection, ctx: JetStreamContext, actors: number): Promise<CountResult> {
  const prefix = `so${actors}`;
  const loadBefore = machineLoad();
  const base = { ALA_PREFIX: prefix, ALA_SEED: String(SEED) };
  const learner = startAla('ppo-learner', ['ppo-learner'], { ...base, ...LEARNER_ENV, ALA_NATS_URL: cluster.urls[0]! });
  const procs: AlaProcess[] = [];
  const outputs = (): string => [learner, ...procs].map((p) => `--- ${p.name}:\n${p.output().slice(-600)}`).join('\n');
  const pids = (): Record<string, number[]> => ({
    learner: [learner.proc.pid!],
    actors: procs.map((p) => p.proc.pid!),
    nats: cluster.procs.map((p) => p.proc.pid!),
  });
  const expected = actors + 1;
  const ready = async (what: string, done: (p: Poll) => boolean): Promise<void> => {
    try {
      await waitFor(async () => done(await poll(nc, expected, POLL_WAIT_MS, pids())), 120_000, { intervalMs: 500, what });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${outputs()}`, { cause: err });
    }
  };
  // not found yet throws: waitFor retries and keeps the last error as the timeout's cause
  await waitFor(async () => (await ctx.jsm.streams.info(resourceNames(prefix).traj)) !== undefined, 60_000, {
    intervalMs: 250,
    what: `the learner's ${resourceNames(prefix).traj}`,
  });
  for (let k = 0; k < actors; k++) {
    // actor k connects to node (k + 1) mod 3 (the learner to node 0): clients spread over the cluster
    const env = { ...base, ...ACTOR_ENV, ALA_ACTOR_ID: `a${k}`, ALA_SEED: String(SEED * 1000 + k), ALA_NATS_URL: cluster.urls[(k + 1) % cluster.urls.length]! };
    procs.push(startAla(`actor-runner-${k}`, ['actor-runner'], env));
  }
  const countOf = (p: Poll, svc: string): number => [...p.instances.values()].filter((i) => i.service === svc).length;
  await ready(`${actors} actors stepping and 2 learner updates`, (p) => countOf(p, 'actor-runner') === actors && sumOf(p, 'ppo-learner', 'updates') >= 2);
  console.log(`${actors} actor(s): running, warm-up ${WARMUP_S} s`);
  await sleep(WARMUP_S * 1000);

  // Measured window: a poll every POLL_EVERY_MS; a poll missing an instance is kept (rates skip it)
  const traj = resourceNames(prefix).traj;
  const pendingAt = async (): Promise<number> => {
    const c = await ctx.jsm.consumers.info(traj, 'ppo-learner');
    return c.num_pending + c.num_ack_pending;
  };
  const pendingStart = await pendingAt();
  const polls: Poll[] = [await poll(nc, expected, POLL_WAIT_MS, pids())];
  const t0 = polls[0]!.t;
  while (performance.now() - t0 < WINDOW_S * 1000) {
    const next = polls[polls.length - 1]!.t + POLL_EVERY_MS;
    await sleep(Math.max(0, next - performance.now()));
    polls.push(await poll(nc, expected, POLL_WAIT_MS, pids()));
  }
  const pendingEnd = await pendingAt();
  const loadAfter = machineLoad();

  // Stop: actors first, then the learner (its final checkpoint is off: no ALA_CHECKPOINT_DIR)
  for (const p of procs) p.proc.kill('SIGTERM');
  const actorExits = await Promise.all(procs.map((p) => p.exited));
  learner.proc.kill('SIGTERM');
  const learnerExit = await learner.exited;
  if ([...actorExits, learnerExit].some((c) => c !== 0))
    throw new Error(`a service did not stop cleanly: actors ${actorExits.join(',')} learner ${learnerExit}\n${outputs()}`);
  const names = resourceNames(prefix);
  for (const s of [names.traj, names.bias, `KV_${names.policyKv}`, `OBJ_${names.weights}`]) await ctx.jsm.streams.delete(s).catch(() => false);
  return summarise({
    actors,
    agentsPerActor: AGENTS,
    chunkSteps: CHUNK_STEPS,
    polls,
    pendingStart,
    pendingEnd,
    load: { before: loadBefore, after: loadAfter },
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ala-scale-out-'));
  let nc: NatsConnection | undefined;
  try {
    const started = machineLoad();
    const cluster = await startChartNatsCluster(render('ala', ['values-three-device.yaml']), dir);
    nc = await connect({ servers: cluster.urls, name: 'bench-scale-out', maxReconnectAttempts: -1 });
    let ctx: JetStreamContext | undefined; // the meta leader may still be being elected
    await waitFor(async () => (ctx = await openJetStream(nc!, { timeoutMs: 2_000 })) !== undefined, 60_000, {
      intervalMs: 500,
      what: 'JetStream on the cluster',
    });
    const runs: CountResult[] = [];
    for (const n of COUNTS) {
      runs.push(await runCount(cluster, nc, ctx!, n));
      console.log(table(runs));
    }
    const baseline = runs[0]!;
    for (const r of runs) {
      r.ratioVsBaseline = {
        producedStepsPerSec: Math.round((r.producedStepsPerSec.total / baseline.producedStepsPerSec.total) * 100) / 100,
        trainedSamplesPerSec: Math.round((r.trainedSamplesPerSec.total / baseline.trainedSamplesPerSec.total) * 100) / 100,
      };
    }
    let commit = 'unknown';
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' }).trim();
    } catch {
      /* not a git checkout: the commit stays unknown */
    }
    const file = writeResult(`scale-out${STEP_HZ > 0 ? `-hz${STEP_HZ}` : ''}${quick ? '-quick' : ''}`, {
      env: 'CartPole-v1',
      advisor: 'off (ALA_SNAPSHOT_EVERY=0, no advice services)',
      baseline: `${COUNTS[0]} actor process(es)`,
      config: {
        counts: COUNTS,
        agentsPerActor: AGENTS,
        stepHz: STEP_HZ,
        chunkSteps: CHUNK_STEPS,
        warmupSeconds: WARMUP_S,
        windowSeconds: WINDOW_S,
        pollEveryMs: POLL_EVERY_MS,
        natsCluster: '3 nats-servers from k8s/ala values-three-device.yaml, streams and stores at 3 replicas',
        learner: (() => {
          const p = presetFor('CartPole-v1'); // what the ppo-learner uses with its defaults (ALA_MIN_BATCH 0, ALA_MAX_BATCH 0 = 8 x min)
          const min = p.numEnvs * p.numSteps;
          return {
            preset: 'CartPole-v1',
            hidden: p.hidden,
            updateEpochs: p.updateEpochs,
            minibatches: p.numMinibatches,
            maxPolicyLag: p.maxPolicyLag,
            minBatch: min,
            maxBatch: 8 * min,
          };
        })(),
        learnerEnv: LEARNER_ENV,
        actorEnv: ACTOR_ENV,
        connections: 'learner -> node 0, actor k -> node (k + 1) mod 3',
      },
      seed: SEED,
      versions: {
        commit,
        natsServer: locateNatsServer().version,
        '@nats-io/transport-node': packageVersion('@nats-io/transport-node'),
        '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs'),
        'onnxruntime-node': packageVersion('onnxruntime-node'),
      },
      load: { started, finished: machineLoad() },
      runs,
    });
    console.log(`wrote ${file}`);
  } finally {
    await nc?.close();
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
