// Child process of bench/system/policy-refresh.ts: a learner updating without pause (PPO updates
// of the CartPole preset on a seeded synthetic rollout), so the refresh is measured while a
// learner competes for the CPU as it does in a running system. Sends 'ready' after its first
// update; on 'stop' (or when the parent goes away) replies with the number of updates and exits.
// Must not: touch NATS or write files.
import { Learner, allocRollout, presetFor } from '@ala/policy';
import { createRng, randn } from '@ala/rl-core';

const SEED = 7;

async function main(): Promise<void> {
  const config = presetFor('CartPole-v1');
  const learner = await Learner.create({ obsDim: 4, nActions: 2, config, seed: SEED });
  const rng = createRng(SEED);
  const T = config.numSteps;
  const N = config.numEnvs;
  const r = allocRollout(T, N, 4, 2);
  r.obs.forEach((_, i) => (r.obs[i] = randn(rng)));
  for (let k = 0; k < T * N; k++) {
    r.actions[k] = rng.nextFloat() < 0.5 ? 0 : 1;
    r.rewards[k] = 1;
    r.terminated[k] = rng.nextFloat() < 0.02 ? 1 : 0;
    r.values[k] = randn(rng);
    r.logpMu[k] = Math.log(0.5);
    r.logpPk[k] = Math.log(0.5);
  }
  let updates = 0;
  let stop = false;
  const finish = (): void => {
    stop = true;
  };
  process.on('message', finish);
  process.on('disconnect', finish);
  while (!stop) {
    r.policyVersion.fill(learner.policyVersion); // acted by the current policy: nothing is filtered out
    learner.update(r);
    updates += 1;
    if (updates === 1) process.send?.({ ready: true });
    await new Promise((res) => setImmediate(res)); // let 'stop' in between updates
  }
  learner.dispose();
  if (process.connected) process.send?.({ updates }, () => process.exit(0));
  else process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
