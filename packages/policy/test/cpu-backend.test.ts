// The cpu fallback really trains: a Learner on the pure-JS backend (its own jest module registry,
// so its own TF.js engine) runs an update with finite metrics.
import { Learner, activeTfBackend, makePpoConfig } from '@ala/policy';
import { syntheticRollout } from './helpers';

it('Learner on the cpu backend', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // TF.js's "install tfjs-node" banner
  const config = makePpoConfig({ numEnvs: 4, numSteps: 16, numMinibatches: 2, updateEpochs: 2, totalTimesteps: 640 });
  const learner = await Learner.create({ obsDim: 3, nActions: 4, config, seed: 9, backend: 'cpu' });
  expect(learner.backend).toBe('cpu');
  expect(activeTfBackend()).toBe('cpu');
  const m = learner.update(syntheticRollout(16, 4, 3, 4, 2));
  expect(m.policyVersion).toBe(1);
  for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
  learner.dispose();
  warn.mockRestore();
});
