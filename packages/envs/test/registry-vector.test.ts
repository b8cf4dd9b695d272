// Registry (built-ins, user registration, errors) and VectorEnv (same-step autoreset, final obs,
// episode statistics, flat batches, seeding seed + i, validation before any env moves).
import {
  AsyncVectorEnv,
  CartPoleEnv,
  EnvRegistryError,
  InvalidActionError,
  InvalidOptionError,
  listEnvs,
  makeEnv,
  registerEnv,
  unregisterEnv,
  VectorEnv,
  type Env,
} from '../src/index';

describe('registry', () => {
  it('lists built-ins and builds them', () => {
    expect(listEnvs().map((e) => e.id)).toContain('CartPole-v1');
    expect(makeEnv('CartPole-v1')).toBeInstanceOf(CartPoleEnv);
    expect(() => makeEnv('Nope-v0')).toThrow(EnvRegistryError);
  });

  it('lets users register their own env without forking', () => {
    registerEnv<{ maxEpisodeSteps?: number }>({ id: 'ShortPole-v0', create: (o) => new CartPoleEnv({ maxEpisodeSteps: o.maxEpisodeSteps ?? 10 }) });
    try {
      const env = makeEnv('ShortPole-v0');
      env.reset({ seed: 0 });
      expect(() => registerEnv({ id: 'ShortPole-v0', create: () => env })).toThrow(EnvRegistryError);
      expect(() => registerEnv({ id: 'bad id!', create: () => env })).toThrow(EnvRegistryError);
    } finally {
      expect(unregisterEnv('ShortPole-v0')).toBe(true);
    }
  });
});

describe('VectorEnv', () => {
  it('seeds env i with seed + i', () => {
    const v = VectorEnv.make('CartPole-v1', 3);
    const { obs } = v.reset({ seed: 10 });
    const single = new CartPoleEnv().reset({ seed: 12 }).obs;
    expect(Array.from(obs.subarray(8, 12))).toEqual(Array.from(single));
  });

  it('autoresets in the same step, reports finalObs and episode statistics', () => {
    const n = 4;
    const v = new VectorEnv(Array.from({ length: n }, () => new CartPoleEnv({ maxEpisodeSteps: 50 })));
    const twins = Array.from({ length: n }, () => new CartPoleEnv({ maxEpisodeSteps: 50 }));
    v.reset({ seed: 0 });
    twins.forEach((t, i) => t.reset({ seed: i }));
    const returns = new Float64Array(n);
    let episodes = 0;
    for (let t = 0; t < 120; t++) {
      const actions = Array.from({ length: n }, (_, i) => ((t * (i + 1)) % 3 === 0 ? 1 : 0));
      const r = v.step(actions);
      expect(r.obs).toHaveLength(n * 4);
      for (let i = 0; i < n; i++) {
        const twin = twins[i]!.step(actions[i]!);
        returns[i] = returns[i]! + twin.reward;
        expect(r.terminated[i]).toBe(twin.terminated ? 1 : 0);
        expect(r.truncated[i]).toBe(twin.truncated ? 1 : 0);
        const row = Array.from(r.obs.subarray(i * 4, i * 4 + 4));
        if (twin.terminated || twin.truncated) {
          episodes++;
          expect(Array.from(r.infos[i]!.finalObs!)).toEqual(Array.from(twin.obs));
          expect(r.infos[i]!.episode).toEqual({ return: returns[i], length: twins[i]!.elapsedSteps });
          returns[i] = 0;
          expect(row).toEqual(Array.from(twins[i]!.reset().obs)); // next episode, stream continued
        } else {
          expect(row).toEqual(Array.from(twin.obs));
          expect(r.infos[i]!.finalObs).toBeUndefined();
        }
      }
    }
    expect(episodes).toBeGreaterThan(n);
  });

  it('validates every action before stepping any env', () => {
    const v = VectorEnv.make('CartPole-v1', 2);
    expect(() => v.step([0, 0])).toThrow();
    v.reset({ seed: 1 });
    const before = (v.envs as CartPoleEnv[]).map((e) => e.state);
    expect(() => v.step([1, 7])).toThrow(InvalidActionError);
    expect(() => v.step([1])).toThrow(InvalidActionError);
    expect((v.envs as CartPoleEnv[]).map((e) => e.state)).toEqual(before);
    expect(v.legalActionMasks()).toEqual(new Uint8Array([1, 1, 1, 1]));
    expect(() => new VectorEnv([] as Env[])).toThrow(InvalidOptionError);
    expect(() => VectorEnv.make('CartPole-v1', 0)).toThrow(InvalidOptionError);
  });
});

describe('vector env construction', () => {
  it.each([
    ['VectorEnv', (envs: Env[]) => new VectorEnv(envs)],
    ['AsyncVectorEnv', (envs: Env[]) => new AsyncVectorEnv(envs)],
  ])('%s refuses an empty batch and envs with different spaces', (_name, make) => {
    expect(() => make([])).toThrow(InvalidOptionError);
    expect(() => make([makeEnv('CartPole-v1'), makeEnv('CraftWorld-v0')])).toThrow(/must have the same spaces/);
    const ok = make([makeEnv('CartPole-v1'), makeEnv('CartPole-v1')]);
    expect(ok.obsDim).toBe(4);
    expect(ok.numActions).toBe(2);
  });
});
