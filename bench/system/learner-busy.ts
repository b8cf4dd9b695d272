// Child process of bench/system/policy-refresh.ts: a learner updating without pause (PPO updates
// of the CartPole preset on a seeded synthetic rollout), so the refresh is measured while a
// learner competes for the CPU as it does in a running system. Sends 'ready' after its first
// update; on 'stop' (or when the parent goes away) replies with the number of updates and exits.
// Must not: touch NATS or write files.
import { Learner, presetFor } from '@ala/policy';
import { syntheticRollout } from '../synthetic-rollout';

const SEED = 7;

async function main(): Promise<void> {
  const config = presetFor('CartPole-v1');
  const learner = await Learner.create({ obsDim: 4, nActions: 2, config, seed: SEED });
  const r = syntheticRollout(config.numSteps, config.numEnvs, 4, 2, SEED, learner.policyVersion);
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
