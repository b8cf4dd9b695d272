// Server-backed (asynchronous) envs: EnvSpec.createAsync and makeAsyncEnvs, family names
// (resolveEnvId), optional envs loaded on first lookup (Minecraft-v0), and what AsyncVectorEnv
// gives acting: captured legal masks and states, and env failures that end one agent's episode.
import {
  AsyncVectorEnv,
  CartPoleEnv,
  CraftWorldEnv,
  EnvRegistryError,
  InvalidOptionError,
  isAsyncEnv,
  listEnvs,
  makeAsyncEnvs,
  makeEnv,
  MINECRAFT_ID,
  OPTIONAL_ENVS,
  registerEnv,
  resolveEnvId,
  unregisterEnv,
  type AsyncEnv,
  type ResetArgs,
} from '../src/index';
import { optionalEnv } from '../src/builtins';

/** CartPole behind promises; `failStep`/`failReset` make the next calls throw, like a lost connection. */
class FlakyCartPole implements AsyncEnv {
  readonly id = 'FlakyPole-v0';
  readonly inner = new CartPoleEnv();
  readonly observationSpace = this.inner.observationSpace;
  readonly actionSpace = this.inner.actionSpace;
  failStep = false;
  failReset = false;
  closed = false;
  constructor(readonly options: object = {}) {}
  async reset(args?: ResetArgs) {
    await Promise.resolve();
    if (this.failReset) throw new Error('reset: server gone');
    return this.inner.reset(args);
  }
  async step(action: number) {
    await Promise.resolve();
    if (this.failStep) throw new Error('step timed out');
    return this.inner.step(action);
  }
  legalActions = async () => this.inner.legalActions();
  describe = async () => `flaky ${this.inner.describe()}`;
  exportState = (): Uint8Array => new Uint8Array(Float32Array.from(this.inner.state).buffer);
  close = async () => void (this.closed = true);
}

describe('async env specs', () => {
  afterEach(() => {
    for (const id of ['FlakyPole-v0', 'Fam-v0', 'Fam-v1', 'Broken-v0']) unregisterEnv(id);
  });

  it('makeAsyncEnvs builds env i with { ...options, index: i, agents } through createAsync', async () => {
    const built: FlakyCartPole[] = [];
    registerEnv<{ host?: string }>({
      id: 'FlakyPole-v0',
      create: () => new CartPoleEnv(),
      createAsync: async (o) => {
        const e = new FlakyCartPole(o);
        built.push(e);
        return e;
      },
    });
    expect(isAsyncEnv('FlakyPole-v0')).toBe(true);
    expect(isAsyncEnv('CartPole-v1')).toBe(false);
    const envs = await makeAsyncEnvs('FlakyPole-v0', 3, { host: 'h' });
    expect(envs).toHaveLength(3);
    expect(built.map((e) => e.options)).toEqual([0, 1, 2].map((index) => ({ host: 'h', index, agents: 3 })));
    expect(listEnvs().find((e) => e.id === 'FlakyPole-v0')).toMatchObject({ async: true, installed: true });
    // an env without createAsync: its synchronous envs
    const sync = await makeAsyncEnvs('CartPole-v1', 2);
    expect(sync[0]).toBeInstanceOf(CartPoleEnv);
    await expect(makeAsyncEnvs('CartPole-v1', 0)).rejects.toThrow(InvalidOptionError);
  });

  it('closes the envs already built when one cannot be built, and throws its error', async () => {
    const built: FlakyCartPole[] = [];
    registerEnv({
      id: 'Broken-v0',
      create: () => new CartPoleEnv(),
      createAsync: async (o: { index: number }) => {
        if (o.index === 1) throw new Error('bot 1 could not log in');
        const e = new FlakyCartPole();
        built.push(e);
        return e;
      },
    });
    await expect(makeAsyncEnvs('Broken-v0', 3)).rejects.toThrow('bot 1 could not log in');
    expect(built).toHaveLength(2);
    expect(built.every((e) => e.closed)).toBe(true);
    expect(() => registerEnv({ id: 'Broken-v1', create: () => new CartPoleEnv(), createAsync: 3 as never })).toThrow(EnvRegistryError);
  });

  it('resolves family names to the unique registered id, and refuses ambiguous or unknown ones', () => {
    expect(resolveEnvId('CartPole')).toBe('CartPole-v1');
    expect(resolveEnvId('CartPole-v1')).toBe('CartPole-v1');
    expect(resolveEnvId('CraftWorld')).toBe('CraftWorld-v0');
    expect(resolveEnvId('CraftWorld-easy')).toBe('CraftWorld-easy-v0');
    expect(resolveEnvId('Minecraft')).toBe(MINECRAFT_ID); // listed even when its package is not installed
    registerEnv({ id: 'Fam-v0', create: () => new CartPoleEnv() });
    registerEnv({ id: 'Fam-v1', create: () => new CartPoleEnv() });
    expect(() => resolveEnvId('Fam')).toThrow(/ambiguous: Fam-v0, Fam-v1/);
    expect(() => resolveEnvId('Nope')).toThrow(EnvRegistryError);
    expect(() => resolveEnvId('Cart')).toThrow(/unknown env "Cart"/);
  });
});

describe('optional envs', () => {
  it('lists Minecraft-v0 with whether its package is installed, and says how to install it', () => {
    const m = listEnvs().find((e) => e.id === MINECRAFT_ID)!;
    const installed = OPTIONAL_ENVS[MINECRAFT_ID]!.installed();
    expect(m).toMatchObject({ async: true, hasExpert: true, installed });
    if (!installed) {
      expect(m.description).toContain('run npm run setup:minecraft');
      expect(() => makeEnv(MINECRAFT_ID)).toThrow(/@ala\/env-minecraft is not installed; run npm run setup:minecraft/);
    }
  });

  it('an optional package that is missing is a registry error naming the setup command; nothing is registered', () => {
    const o = optionalEnv('Ghost-v0', '@ala/env-ghost-not-installed', 'ghostEnvSpec', 'a ghost', 'npm run setup:ghost');
    expect(o.installed()).toBe(false);
    expect(() => o.load()).toThrow(EnvRegistryError);
    expect(() => o.load()).toThrow('Ghost-v0 needs @ala/env-ghost-not-installed: @ala/env-ghost-not-installed is not installed; run npm run setup:ghost');
    expect(listEnvs().some((e) => e.id === 'Ghost-v0')).toBe(false);
  });
});

describe('AsyncVectorEnv for acting', () => {
  it('captures legal masks after reset and step, exports states and describes envs', async () => {
    const envs = [0, 1].map(() => new CraftWorldEnv({ size: 8, difficulty: 'easy' }));
    const v = new AsyncVectorEnv(envs);
    await v.reset({ seed: 3 });
    const A = v.numActions;
    const check = (): void =>
      envs.forEach((e, i) => expect(Array.from(v.legalActionMasks().subarray(i * A, (i + 1) * A))).toEqual(Array.from(e.legalActions())));
    check();
    const masks = v.legalActionMasks();
    const legal = [0, 1].map((i) => masks.subarray(i * A, (i + 1) * A).indexOf(1));
    await v.step(legal);
    check();
    expect(v.exportState(1)).toEqual(envs[1]!.exportState());
    expect(await v.describe(0)).toBe(envs[0]!.describe());
    expect(v.healthy(0)).toBe(true);
    expect(() => v.exportState(2)).toThrow(InvalidOptionError);
  });

  it("'truncate': a failed step ends that env's episode (finalObs, envError) and resets it; the others step on", async () => {
    const envs = [new FlakyCartPole(), new FlakyCartPole()];
    const failures: string[] = [];
    const v = new AsyncVectorEnv(envs, { onEnvError: 'truncate', onFailure: (i, phase) => failures.push(`${i}:${phase}`) });
    const reset = await v.reset({ seed: 1 });
    await v.step([0, 0]);
    const before = Float32Array.from(envs[1]!.inner.state);
    envs[1]!.failStep = true;
    const r = await v.step([1, 1]);
    envs[1]!.failStep = false;
    expect(Array.from(r.truncated)).toEqual([0, 1]);
    expect(Array.from(r.terminated)).toEqual([0, 0]);
    expect(r.rewards[1]).toBe(0);
    expect(Array.from(r.infos[1]!.finalObs!)).toEqual(Array.from(before)); // the last observation the agent saw
    expect(r.infos[1]!.envError).toBe('step timed out');
    expect(r.infos[1]!.episode).toEqual({ return: 1, length: 1 });
    expect(Array.from(r.obs.subarray(4, 8))).toEqual(Array.from(Float32Array.from(envs[1]!.inner.state))); // reset: a new episode
    expect(r.infos[0]!.finalObs).toBeUndefined();
    expect(v.failureCounts()).toEqual({ step: 1, reset: 0 });
    expect(failures).toEqual(['1:step']);
    expect(reset.obs).toHaveLength(8);
  });

  it("'truncate': an env whose reset fails is down (truncated rows at its last obs, no snapshot state) until a retry succeeds", async () => {
    let now = 0;
    const envs = [new FlakyCartPole(), new FlakyCartPole()];
    const v = new AsyncVectorEnv(envs, { onEnvError: 'truncate', resetRetryMs: 100, now: () => now });
    await v.reset({ seed: 1 });
    envs[0]!.failStep = true;
    envs[0]!.failReset = true;
    const last = Float32Array.from(envs[0]!.inner.state);
    const r1 = await v.step([0, 1]);
    expect(r1.truncated[0]).toBe(1);
    expect(r1.infos[0]).toMatchObject({ envDown: true, envError: 'step timed out' });
    expect(r1.infos[0]!.episode).toBeUndefined(); // failed before its first step: no episode to report
    expect(v.healthy(0)).toBe(false);
    expect(v.exportState(0)).toBeUndefined();
    const r2 = await v.step([1, 1]); // no retry before 100 ms: still down, its last observation again
    expect(Array.from(r2.obs.subarray(0, 4))).toEqual(Array.from(last));
    expect(Array.from(r2.infos[0]!.finalObs!)).toEqual(Array.from(last));
    expect(r2.truncated[0]).toBe(1);
    expect(v.failureCounts()).toEqual({ step: 1, reset: 1 });
    now = 150;
    const r3 = await v.step([0, 0]); // retried and failed again
    expect(v.failureCounts()).toEqual({ step: 1, reset: 2 });
    expect(r3.truncated[0]).toBe(1);
    envs[0]!.failReset = false;
    envs[0]!.failStep = false;
    now = 300;
    const r4 = await v.step([0, 0]);
    expect(v.healthy(0)).toBe(true);
    expect(r4.truncated[0]).toBe(1); // the row of the recovery step still closes the down stretch
    expect(Array.from(r4.obs.subarray(0, 4))).toEqual(Array.from(Float32Array.from(envs[0]!.inner.state)));
    const r5 = await v.step([0, 0]);
    expect(r5.truncated[0]).toBe(0);
    expect(r5.rewards[0]).toBe(1);
  });

  it("'throw' (the default): a failed step rejects the batch", async () => {
    const envs = [new FlakyCartPole(), new FlakyCartPole()];
    const v = new AsyncVectorEnv(envs);
    await v.reset({ seed: 1 });
    envs[0]!.failStep = true;
    await expect(v.step([0, 0])).rejects.toThrow('step timed out');
    expect(v.failureCounts()).toEqual({ step: 0, reset: 0 });
  });
});
