// The scripted backend's thinking-time distribution (ALA_SCRIPTED_LATENCY_MS / _MAX_MS): fixed by
// default, else uniform in [min, max] from a generator seeded by ALA_SCRIPTED_SEED (same seed, same
// draws); a range with max below min is refused by the config, with the variable named.
import { CraftWorldEnv, makeEnv } from '@ala/envs';
import { ConfigError } from '@ala/telemetry';
import { loadConfig, scriptedBackend, thinkingTime } from '../src';

describe('scripted thinking time', () => {
  it('is latencyMs when latencyMaxMs is 0 (the default)', () => {
    const draw = thinkingTime({ latencyMs: 50, seed: 3 });
    expect([draw(), draw(), draw()]).toEqual([50, 50, 50]);
    expect(loadConfig({}).scripted.latencyMaxMs).toBe(0);
  });

  it('draws uniformly in [min, max], reproducibly per seed', () => {
    const draws = (seed: number): number[] => {
      const d = thinkingTime({ latencyMs: 3000, latencyMaxMs: 5000, seed });
      return Array.from({ length: 2000 }, () => d());
    };
    const a = draws(7);
    expect(draws(7)).toEqual(a);
    expect(draws(8)).not.toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(3000);
    expect(Math.max(...a)).toBeLessThanOrEqual(5000);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean).toBeGreaterThan(3950); // uniform mean 4000, sd of the mean ~13
    expect(mean).toBeLessThan(4050);
    expect(a.filter((x) => x < 3500).length / a.length).toBeCloseTo(0.25, 1);
  });

  it('reads ALA_SCRIPTED_LATENCY_MAX_MS and refuses a max below the min', () => {
    expect(loadConfig({ ALA_SCRIPTED_LATENCY_MS: '50', ALA_SCRIPTED_LATENCY_MAX_MS: '100' }).scripted).toMatchObject({ latencyMs: 50, latencyMaxMs: 100 });
    expect(() => loadConfig({ ALA_SCRIPTED_LATENCY_MS: '500', ALA_SCRIPTED_LATENCY_MAX_MS: '100' })).toThrow(ConfigError);
    expect(() => loadConfig({ ALA_SCRIPTED_LATENCY_MS: '500', ALA_SCRIPTED_LATENCY_MAX_MS: '100' })).toThrow(/ALA_SCRIPTED_LATENCY_MAX_MS/);
  });

  it('an advice takes its drawn thinking time', async () => {
    const backend = scriptedBackend({ latencyMs: 20, latencyMaxMs: 60, accuracy: 1, adversarial: 0, seed: 1, confidence: 0.8 });
    const env = makeEnv('CraftWorld-v0') as CraftWorldEnv;
    env.reset({ seed: 1 });
    const snapshot = {
      v: 1 as const,
      agentId: 'a-0',
      actorId: 'act',
      envId: env.id,
      seq: 0,
      policyVersion: 1,
      episodeStep: 0,
      text: env.describe(),
      actionNames: [...env.actionSpace.actionNames],
      legal: Array.from(env.legalActions(), (x) => x === 1),
      envState: env.exportState(),
      createdAt: 0,
    };
    const expected = thinkingTime({ latencyMs: 20, latencyMaxMs: 60, seed: 1 });
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      await backend.advise(snapshot, new AbortController().signal);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(expected() - 2); // timers may fire a ms early
    }
  });
});
