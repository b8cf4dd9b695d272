// Minecraft-v0 with 20 bots on one local flying-squid server (MC 1.16.5, loopback): agent-steps/s,
// step latency p50/p99, spawn time and memory (RSS, heap). Baselines in the same run: 1 bot doing
// noop steps, and the same 20 bots doing noop steps (the server and physics cost without digging,
// walking, state capture or the expert). Steps are lock-step like AsyncVectorEnv: all bots step,
// then all wait. Writes bench/results/minecraft.json. `npm run bench:minecraft` (installs the
// package first); `-- --quick` for a short run, `-- --bots N --seconds S` to change the setup.
// Must not: run with a remote server (it measures the local one).
import { machineLoad, packageVersion } from '../machine';
import { distMs, writeResult } from '../common';
import { minecraftEnvSpec, MinecraftStateEnv, type LiveMinecraftEnv } from '../../optional/env-minecraft/src/index';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = args.includes('--quick');
const BOTS = flag('bots', 20);
const SECONDS = flag('seconds', quick ? 5 : 15);
const SEED = 1;

interface Phase {
  bots: number;
  policy: 'noop' | 'expert';
  agentStepsPerSec: number;
  stepLatency: ReturnType<typeof distMs>;
  rounds: number;
  reward: number;
  /** Logs collected per 1000 agent-steps (the logs task: reward = logs). */
  rewardPer1000Steps: number;
  timeouts: number;
  rssMb: number;
  heapMb: number;
}

const mb = (b: number): number => Math.round(b / 2 ** 20);

/** Lock-step rounds for `seconds`: every env steps (noop or the expert's action), then all wait. */
async function run(envs: LiveMinecraftEnv[], policy: 'noop' | 'expert', seconds: number): Promise<Phase> {
  const spec = minecraftEnvSpec();
  const expert = spec.expert({});
  const views = envs.map(() => new MinecraftStateEnv());
  await Promise.all(envs.map((e, i) => e.reset({ seed: SEED + i })));
  const latencies: number[] = [];
  let steps = 0;
  let rounds = 0;
  let reward = 0;
  let timeouts = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await Promise.all(
      envs.map(async (env, i) => {
        let action = 0;
        if (policy === 'expert') {
          views[i]!.importState(env.exportState());
          action = expert.expertAction(views[i]!);
        }
        const s0 = performance.now();
        const r = await env.step(action);
        latencies.push(performance.now() - s0);
        steps += 1;
        reward += r.reward;
        if (r.info.timeout) timeouts += 1;
        if (r.terminated || r.truncated) await env.reset();
      }),
    );
    rounds += 1;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const mem = process.memoryUsage();
  return {
    bots: envs.length,
    policy,
    agentStepsPerSec: Math.round(steps / elapsed),
    stepLatency: distMs(latencies),
    rounds,
    reward,
    rewardPer1000Steps: Math.round((reward * 1e5) / Math.max(1, steps)) / 100,
    timeouts,
    rssMb: mb(mem.rss),
    heapMb: mb(mem.heapUsed),
  };
}

async function main(): Promise<void> {
  const spec = minecraftEnvSpec();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const envs = (await Promise.all(
    Array.from({ length: BOTS }, (_, index) => spec.createAsync({ index, agents: BOTS, actorId: 'bench' })),
  )) as LiveMinecraftEnv[];
  const spawnMs = Math.round(performance.now() - t0);
  console.log(`${BOTS} bots connected and spawned in ${spawnMs} ms`);
  try {
    await run(envs, 'noop', Math.min(5, SECONDS)); // warm-up: chunks of the first resets sent, JIT warm; not recorded
    const one = await run(envs.slice(0, 1), 'noop', SECONDS);
    console.log(`1 bot noop: ${one.agentStepsPerSec} steps/s, p50 ${one.stepLatency.p50Ms} ms, p99 ${one.stepLatency.p99Ms} ms`);
    const noop = await run(envs, 'noop', SECONDS);
    console.log(`${BOTS} bots noop: ${noop.agentStepsPerSec} agent-steps/s, p50 ${noop.stepLatency.p50Ms} ms, p99 ${noop.stepLatency.p99Ms} ms`);
    const expert = await run(envs, 'expert', SECONDS);
    console.log(
      `${BOTS} bots expert: ${expert.agentStepsPerSec} agent-steps/s, p50 ${expert.stepLatency.p50Ms} ms, p99 ${expert.stepLatency.p99Ms} ms, reward ${expert.reward} (${expert.rewardPer1000Steps} per 1000 steps), RSS ${expert.rssMb} MB`,
    );
    const result = {
      config: {
        bots: BOTS,
        seconds: SECONDS,
        seed: SEED,
        ticksPerStep: envs[0]!.config.ticksPerStep,
        maxSteps: envs[0]!.config.maxSteps,
        digThroughActions: envs[0]!.config.digThroughActions,
        task: envs[0]!.config.task,
        server: 'local flying-squid, MC 1.16.5, view distance 4',
        quick,
      },
      seed: SEED,
      versions: {
        'flying-squid': packageVersion('@ala/env-minecraft/node_modules/flying-squid'),
        mineflayer: packageVersion('@ala/env-minecraft/node_modules/mineflayer'),
        node: process.version,
      },
      load: machineLoad(),
      spawnMs,
      memoryBeforeMb: { rss: mb(before.rss), heap: mb(before.heapUsed) },
      baselineOneBotNoop: one,
      baselineNoop: noop,
      expert,
      ratios: {
        throughput20vs1: Math.round((expert.agentStepsPerSec / one.agentStepsPerSec) * 100) / 100,
        expertVsNoopThroughput: Math.round((expert.agentStepsPerSec / noop.agentStepsPerSec) * 100) / 100,
        expertVsNoopP99: Math.round((expert.stepLatency.p99Ms / noop.stepLatency.p99Ms) * 100) / 100,
      },
    };
    console.log(`wrote ${writeResult('minecraft', result)}`);
  } finally {
    await Promise.all(envs.map((e) => e.close()));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
