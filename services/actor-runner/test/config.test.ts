// actor-runner config: documented defaults, env parsing, and a typed error for every bad value.
import { ConfigError } from '@ala/telemetry';
import { ACTOR_DEFAULTS, loadConfig, validateActorConfig } from '../src';

test('defaults without environment', () => {
  expect(loadConfig({})).toEqual(ACTOR_DEFAULTS);
});

test('reads every variable', () => {
  const c = loadConfig({
    NATS_URL: 'nats://h:1',
    ALA_PREFIX: 'x.y',
    ALA_ACTOR_ID: 'jetson-3',
    ALA_ENV: 'CraftWorld-v0',
    ALA_AGENTS: '5',
    ALA_STEP_HZ: '20.5',
    ALA_CHUNK_STEPS: '64',
    ALA_SNAPSHOT_EVERY: '0',
    ALA_SNAPSHOT_MAX_HZ: '2.5',
    ALA_ADVICE_TTL_MS: '3000',
    ALA_BETA: '0.5',
    ALA_BIAS_BOUND: '2',
    ALA_MAX_ADVICE_TTL_MS: '5000',
    ALA_KL_BUDGET: '0.1',
    ALA_SEED: '9',
    ALA_MAX_INFLIGHT_CHUNKS: '2',
    ALA_STREAM_REPLICAS: '3',
    ALA_BIAS_INTAKE: 'thread',
  });
  expect(c).toEqual({
    natsUrl: 'nats://h:1',
    prefix: 'x.y',
    actorId: 'jetson-3',
    envId: 'CraftWorld-v0',
    agents: 5,
    stepHz: 20.5,
    chunkSteps: 64,
    snapshotEvery: 0,
    snapshotMaxHz: 2.5,
    adviceTtlMs: 3000,
    beta: 0.5,
    biasBound: 2,
    maxAdviceTtlMs: 5000,
    klBudget: 0.1,
    seed: 9,
    maxInflightChunks: 2,
    metricsPort: 0,
    nkeySeedFile: undefined,
    tlsCaFile: undefined,
    tlsCertFile: undefined,
    tlsKeyFile: undefined,
    shutdownTimeoutMs: 10000,
    streamReplicas: 3,
    biasIntake: 'thread',
  });
});

test.each([
  ['ALA_AGENTS', '0', 'agents'],
  ['ALA_BIAS_INTAKE', 'worker', 'biasIntake'],
  ['ALA_AGENTS', '2.5', 'agents'],
  ['ALA_STEP_HZ', '-1', 'stepHz'],
  ['ALA_ADVICE_TTL_MS', '0', 'adviceTtlMs'],
  ['ALA_CHUNK_STEPS', 'many', 'chunkSteps'],
  ['ALA_ACTOR_ID', 'a.b', 'actorId'],
  ['ALA_PREFIX', 'a..b', 'prefix'],
  ['ALA_BETA', 'NaN', 'beta'],
  ['ALA_BIAS_BOUND', '0', 'biasBound'],
  ['ALA_BIAS_BOUND', '101', 'biasBound'],
  ['ALA_ROUTER_BOUND', '-1', 'biasBound'],
  ['ALA_MAX_ADVICE_TTL_MS', '0', 'maxAdviceTtlMs'],
  ['ALA_SNAPSHOT_MAX_HZ', '-1', 'snapshotMaxHz'],
  ['ALA_SNAPSHOT_MAX_HZ', 'fast', 'snapshotMaxHz'],
  ['ALA_SNAPSHOT_MAX_HZ', '2e6', 'snapshotMaxHz'],
])('%s=%s is refused', (key, value, field) => {
  expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
  try {
    loadConfig({ [key]: value });
  } catch (e) {
    expect((e as ConfigError).field).toBe(field);
  }
});

test('snapshotMaxHz: default 100 per agent (ala up: 50 steps/s, a snapshot every step, is not cut); 0 = no limit', () => {
  expect(ACTOR_DEFAULTS.snapshotMaxHz).toBe(100);
  expect(loadConfig({ ALA_SNAPSHOT_MAX_HZ: '0' }).snapshotMaxHz).toBe(0);
});

test.each([NaN, -0.5, Infinity, 1e7])('validateActorConfig refuses snapshotMaxHz %p with a clear ConfigError', (bad) => {
  expect(() => validateActorConfig({ ...ACTOR_DEFAULTS, snapshotMaxHz: bad })).toThrow(
    expect.objectContaining({
      name: 'ConfigError',
      field: 'snapshotMaxHz',
      message: expect.stringMatching(/snapshotMaxHz must be a number in \[0, 1000000\]/) as unknown,
    }),
  );
});

test("the bias bound and maximum TTL are the router's settings: ALA_BIAS_BOUND / ALA_MAX_ADVICE_TTL_MS, else the ALA_ROUTER_* names", () => {
  expect(loadConfig({ ALA_ROUTER_BOUND: '0.5', ALA_ROUTER_MAX_TTL_MS: '700' })).toMatchObject({ biasBound: 0.5, maxAdviceTtlMs: 700 });
  expect(loadConfig({ ALA_BIAS_BOUND: '3', ALA_ROUTER_BOUND: '0.5', ALA_MAX_ADVICE_TTL_MS: '900', ALA_ROUTER_MAX_TTL_MS: '700' })).toMatchObject({
    biasBound: 3,
    maxAdviceTtlMs: 900,
  });
});
