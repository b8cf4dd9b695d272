// ppo-learner config: documented defaults, env parsing, typed errors.
import { ConfigError } from '@ala/telemetry';
import { LEARNER_DEFAULTS, loadConfig } from '../src';

test('defaults without environment', () => {
  expect(loadConfig({})).toEqual(LEARNER_DEFAULTS);
});

test('reads every variable', () => {
  const c = loadConfig({
    ALA_NATS_URL: 'nats://h:2',
    ALA_ENV: 'CraftWorld-v0',
    ALA_SEED: '4',
    ALA_MIN_BATCH: '512',
    ALA_MAX_BATCH: '2048',
    ALA_MAX_POLICY_LAG: '2',
    ALA_TOTAL_TIMESTEPS: '1000000',
    ALA_CHECKPOINT_DIR: '/ckpt',
    ALA_CHECKPOINT_EVERY_S: '10',
    ALA_LEARNER_CONSUMER: 'l2',
  });
  expect(c).toMatchObject({
    natsUrl: 'nats://h:2',
    envId: 'CraftWorld-v0',
    seed: 4,
    minBatch: 512,
    maxBatch: 2048,
    maxPolicyLag: 2,
    totalTimesteps: 1_000_000,
    checkpointDir: '/ckpt',
    checkpointEverySec: 10,
    consumer: 'l2',
  });
});

test.each([
  ['ALA_MIN_BATCH', '-1', 'minBatch'],
  ['ALA_MAX_BATCH', '10', 'maxBatch'],
  ['ALA_MAX_POLICY_LAG', '-2', 'maxPolicyLag'],
  ['ALA_CHECKPOINT_EVERY_S', '0', 'checkpointEverySec'],
  ['ALA_SEED', 'x', 'seed'],
  ['ALA_LEARNER_CONSUMER', 'a b', 'consumer'],
])('%s=%s is refused', (key, value, field) => {
  const env = { ALA_MIN_BATCH: key === 'ALA_MAX_BATCH' ? '100' : undefined, [key]: value };
  expect(() => loadConfig(env)).toThrow(ConfigError);
  try {
    loadConfig(env);
  } catch (e) {
    expect((e as ConfigError).field).toBe(field);
  }
});
