// A short seeded CartPole-v1 run with the tuned preset (~20k env steps) must lift the mean
// episodic return well above a random policy's (~22).
import { SerialTrainer, makePpoConfig, presetFor } from '@ala/policy';

it('20k steps of PPO on CartPole-v1 reach a mean return > 100', async () => {
  const config = makePpoConfig({ totalTimesteps: 20_480 }, presetFor('CartPole-v1'));
  const trainer = await SerialTrainer.create({ envId: 'CartPole-v1', seed: 1, config });
  let first = Number.NaN;
  while (trainer.envSteps < config.totalTimesteps) {
    const r = await trainer.iterate();
    if (Number.isNaN(first) && r.episodes.length >= 10) first = r.mean100;
  }
  console.log(`mean100 after ${trainer.envSteps} steps: ${trainer.mean100.toFixed(1)} (first rollouts: ${first.toFixed(1)})`);
  expect(first).toBeLessThan(50);
  expect(trainer.mean100).toBeGreaterThan(100);
  trainer.dispose();
}, 60_000);
