// Env benchmarks: single-thread steps/s of CartPole-v1 and CraftWorld (targets: >= 5 M/s and
// >= 200 k/s), VectorEnv overhead, the success rates of a uniform-random legal policy and of
// the planner expert on every CraftWorld variant, and (with --bridge) the external-env
// bridge's cost per step. Writes bench/results/envs.json.
// Run: npx tsx bench/envs/run.ts [--quick] [--bridge]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchBridge } from './bridge';
import { CRAFTWORLD_VARIANTS, getExpert, makeEnv, Pcg64, randInt, VectorEnv, type Env } from '@ala/envs';

const quick = process.argv.includes('--quick');
const withBridge = process.argv.includes('--bridge');

/** Steps/s of one env under a fixed pseudo-random action stream (precomputed, legal for CartPole; legal-masked for CraftWorld). */
function stepsPerSecond(env: Env, steps: number, pick: (t: number) => number): number {
  env.reset({ seed: 0 });
  let done = 0;
  const t0 = process.hrtime.bigint();
  for (let t = 0; t < steps; t++) {
    const r = env.step(pick(t));
    if (r.terminated || r.truncated) {
      env.reset();
      done++;
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (done < 0) throw new Error('unreachable');
  return steps / secs;
}

function bestOf(runs: number, f: () => number): number {
  let best = 0;
  for (let i = 0; i < runs; i++) best = Math.max(best, f());
  return best;
}

function cartPoleSpeed(): number {
  const actions = new Uint8Array(1 << 16);
  const rng = Pcg64.fromSeed(1);
  for (let i = 0; i < actions.length; i++) actions[i] = rng.nextUint32() & 1;
  return bestOf(3, () => stepsPerSecond(makeEnv('CartPole-v1'), quick ? 1_000_000 : 5_000_000, (t) => actions[t & 0xffff]!));
}

function craftWorldSpeed(id: string): number {
  // Moves and interact are always legal: a random stream of them exercises movement, harvesting and observations.
  const actions = new Uint8Array(1 << 16);
  const rng = Pcg64.fromSeed(2);
  for (let i = 0; i < actions.length; i++) actions[i] = randInt(rng, 6);
  return bestOf(3, () => stepsPerSecond(makeEnv(id), quick ? 200_000 : 1_000_000, (t) => actions[t & 0xffff]!));
}

function vectorSpeed(id: string, n: number, steps: number): number {
  const v = VectorEnv.make(id, n);
  v.reset({ seed: 0 });
  const actions = new Int32Array(n);
  const rng = Pcg64.fromSeed(3);
  const t0 = process.hrtime.bigint();
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) actions[i] = randInt(rng, 2);
    v.step(actions);
  }
  return (steps * n) / (Number(process.hrtime.bigint() - t0) / 1e9);
}

interface Rate {
  episodes: number;
  successRate: number;
  meanReturn: number;
  meanLength: number;
  meanMilestones: number;
}

/** Success = the episode terminated (CraftWorld: iron pickaxe) or, with `successOn: 'truncated'`, lasted to the time limit (CartPole). */
function successRate(id: string, episodes: number, policy: 'random' | 'expert', successOn: 'terminated' | 'truncated' = 'terminated'): Rate {
  const env = makeEnv(id);
  const expert = getExpert(env);
  const rng = Pcg64.fromSeed(12345);
  let wins = 0;
  let ret = 0;
  let len = 0;
  let milestones = 0;
  for (let ep = 0; ep < episodes; ep++) {
    env.reset({ seed: 100_000 + ep });
    for (;;) {
      let a: number;
      if (policy === 'expert') a = expert.expertAction(env);
      else {
        const legal = env.legalActions();
        const choices: number[] = [];
        legal.forEach((l, i) => l && choices.push(i));
        a = choices[randInt(rng, choices.length)]!;
      }
      const r = env.step(a);
      ret += r.reward;
      len++;
      if (r.info['milestone'] !== undefined) milestones++;
      if (r.terminated || r.truncated) {
        if (successOn === 'terminated' ? r.terminated : r.truncated && !r.terminated) wins++;
        break;
      }
    }
  }
  return { episodes, successRate: wins / episodes, meanReturn: ret / episodes, meanLength: len / episodes, meanMilestones: milestones / episodes };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    quick,
  };
  results['cartpoleStepsPerSec'] = Math.round(cartPoleSpeed());
  console.log('CartPole-v1 steps/s', results['cartpoleStepsPerSec']);
  results['craftworldStepsPerSec'] = Math.round(craftWorldSpeed('CraftWorld-v0'));
  console.log('CraftWorld-v0 steps/s', results['craftworldStepsPerSec']);
  results['vectorCartpole16StepsPerSec'] = Math.round(vectorSpeed('CartPole-v1', 16, quick ? 20_000 : 100_000));
  console.log('VectorEnv(CartPole x16) env-steps/s', results['vectorCartpole16StepsPerSec']);
  const episodes = quick ? 100 : 500;
  const rates: Record<string, { random: Rate; expert: Rate }> = {};
  for (const id of Object.keys(CRAFTWORLD_VARIANTS)) {
    rates[id] = { random: successRate(id, episodes, 'random'), expert: successRate(id, episodes, 'expert') };
    console.log(id, 'random', rates[id].random, 'expert', rates[id].expert);
  }
  results['craftworldSuccess'] = rates;
  results['cartpoleExpert'] = successRate('CartPole-v1', quick ? 20 : 100, 'expert', 'truncated');
  results['cartpoleRandom'] = successRate('CartPole-v1', quick ? 20 : 100, 'random', 'truncated');
  if (withBridge) {
    results['bridge'] = await benchBridge(quick);
    console.log('bridge', results['bridge']);
  }
  const out = join(__dirname, '..', 'results', 'envs.json');
  mkdirSync(join(__dirname, '..', 'results'), { recursive: true });
  let previous: Record<string, unknown>;
  try {
    previous = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  } catch {
    previous = {};
  }
  // Keep the last bridge numbers when this run did not measure the bridge.
  writeFileSync(out, `${JSON.stringify({ ...(withBridge ? {} : { bridge: previous['bridge'] }), ...results }, null, 2)}\n`);
  console.log('wrote', out);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
