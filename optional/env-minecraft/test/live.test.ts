// The live Minecraft-v0 env against a real local flying-squid server (started by the first env,
// stopped by the last close): 2 bots reset to seeded starts and step a few hundred steps with the
// scripted expert (rewards, observations, truncation at maxSteps), a third bot whose steps exceed
// the per-step timeout, and a bot whose connection drops mid-episode and is reconnected.
import { ResetNeededError } from '@ala/envs';
import { acquireLocalServer } from '../src/local-server';
import { minecraftEnvSpec, OBS_SIZE, decodeMinecraftState, MinecraftStateEnv, type LiveMinecraftEnv } from '../src/index';

jest.setTimeout(120_000);

const spec = minecraftEnvSpec();

describe('Minecraft-v0 live env (local flying-squid server)', () => {
  const envs: LiveMinecraftEnv[] = [];
  afterAll(async () => {
    await Promise.all(envs.map((e) => e.close()));
  });

  it('2 bots collect logs with the expert and truncate at maxSteps', async () => {
    const maxSteps = 150; // 30 s of game time at the default ticksPerStep (4)
    const [a, b] = (await Promise.all([0, 1].map((index) => spec.createAsync({ index, agents: 2, actorId: 'live-test', maxSteps })))) as LiveMinecraftEnv[];
    envs.push(a!, b!);
    expect(a!.username).not.toBe(b!.username);
    const view = new MinecraftStateEnv();
    const expert = spec.expert({});
    const resets = await Promise.all([a!, b!].map((e, i) => e.reset({ seed: 11 + i })));
    for (const r of resets) expect(r.obs.length).toBe(OBS_SIZE);
    const returns = [0, 0];
    const ends: number[] = [];
    for (let t = 0; t < maxSteps; t++) {
      const results = await Promise.all(
        [a!, b!].map(async (env) => {
          view.importState(env.exportState());
          return env.step(expert.expertAction(view));
        }),
      );
      results.forEach((r, i) => {
        returns[i]! += r.reward;
        expect(r.obs.length).toBe(OBS_SIZE);
        expect(r.obs.every((v, k) => v >= a!.observationSpace.low[k]! && v <= a!.observationSpace.high[k]!)).toBe(true);
        expect(r.terminated).toBe(false);
        expect(r.info.timeout).toBeUndefined();
        expect(r.info.disconnected).toBeUndefined();
        if (r.truncated) ends.push(t + 1);
      });
    }
    expect(ends).toEqual([maxSteps, maxSteps]);
    // a log takes ~3 s (15 steps of 200 ms) to dig by hand; the expert alone gets ~4 per bot in 150 steps (docs/minecraft.md)
    expect(returns[0]!).toBeGreaterThanOrEqual(1);
    expect(returns[1]!).toBeGreaterThanOrEqual(1);
    expect(returns[0]! + returns[1]!).toBeGreaterThanOrEqual(4);
    const s = decodeMinecraftState(a!.exportState());
    expect(s).toMatchObject({ steps: maxSteps, done: true, task: 'logs' });
    expect(s.logsCollected).toBe(returns[0]);
    expect(await a!.describe()).toMatch(/step 150\/150 \(episode over\)/);
    await expect(a!.step(0)).rejects.toThrow(ResetNeededError);
  });

  it('follows the tech tree to at least planks with milestone rewards', async () => {
    const env = (await spec.createAsync({
      index: 0,
      agents: 1,
      actorId: 'techtree-test',
      task: 'techtree',
      maxSteps: 400,
      ticksPerStep: 1,
    })) as LiveMinecraftEnv;
    envs.push(env);
    await env.reset({ seed: 5 });
    const view = new MinecraftStateEnv();
    const expert = spec.expert({});
    const milestones: string[] = [];
    let ret = 0;
    for (let t = 0; t < 400; t++) {
      view.importState(env.exportState());
      const r = await env.step(expert.expertAction(view));
      ret += r.reward;
      milestones.push(...((r.info.milestones as string[] | undefined) ?? []));
      if (r.terminated || r.truncated) break;
    }
    expect(milestones.slice(0, 2)).toEqual(['log', 'planks']);
    expect(ret).toBe(milestones.length);
  });

  it('a step slower than stepTimeoutMs ends the episode with info.timeout', async () => {
    const env = (await spec.createAsync({ index: 0, agents: 1, actorId: 'timeout-test', stepTimeoutMs: 10, ticksPerStep: 4 })) as LiveMinecraftEnv;
    envs.push(env);
    await env.reset({ seed: 3 });
    const r = await env.step(1);
    expect(r).toMatchObject({ truncated: true, terminated: false, reward: 0 });
    expect(r.info.timeout).toBe(true);
    await expect(env.step(0)).rejects.toThrow(ResetNeededError);
    expect((await env.reset({ seed: 4 })).obs.length).toBe(OBS_SIZE);
  });

  it('a bot that disconnects ends its episode cleanly and is reconnected by reset', async () => {
    const env = (await spec.createAsync({ index: 0, agents: 1, actorId: 'drop-test' })) as LiveMinecraftEnv;
    envs.push(env);
    await env.reset({ seed: 8 });
    for (let t = 0; t < 5; t++) expect((await env.step(1)).truncated).toBe(false);
    env.dropConnection();
    let r = await env.step(1);
    for (let t = 0; t < 40 && !r.truncated; t++) r = await env.step(0);
    expect(r).toMatchObject({ truncated: true, terminated: false, reward: 0 });
    expect(r.info.disconnected).toBe(true);
    const again = await env.reset({ seed: 9 });
    expect(again.obs.length).toBe(OBS_SIZE);
    expect(env.reconnects).toBe(1);
    const next = await env.step(1);
    expect(next.truncated).toBe(false);
    expect(next.info.disconnected).toBeUndefined();
  });

  it('connects to an existing server from ALA_MINECRAFT_* alone (chat-command reset)', async () => {
    const server = await acquireLocalServer('1.16.5', 0); // stands in for a server run elsewhere
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        ALA_MINECRAFT_HOST: server.host,
        ALA_MINECRAFT_PORT: String(server.port),
        ALA_MINECRAFT_VERSION: '1.16.5',
        ALA_MINECRAFT_AUTH: 'offline',
      });
      const env = (await spec.createAsync({ index: 0, agents: 1, actorId: 'remote-test' })) as LiveMinecraftEnv;
      envs.push(env);
      expect(env.config).toMatchObject({ host: server.host, port: server.port });
      const r = await env.reset({ seed: 21 });
      const start = decodeMinecraftState(env.exportState());
      expect(r.obs.length).toBe(OBS_SIZE);
      // the remote reset teleports with /tp to the centre of the drawn block
      expect(Math.abs(start.x % 1)).toBeCloseTo(0.5, 1);
      let moved = 0;
      for (let t = 0; t < 20; t++) {
        const s = await env.step(1);
        expect(s.info.timeout).toBeUndefined();
        moved = Math.hypot(decodeMinecraftState(env.exportState()).x - start.x, decodeMinecraftState(env.exportState()).z - start.z);
      }
      expect(moved).toBeGreaterThan(0.5);
    } finally {
      process.env = saved;
      await server.release();
    }
  });
});
