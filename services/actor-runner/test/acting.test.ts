// Acting's state snapshots (real envs, real ONNX Runtime, a manual clock): the snapshotMaxHz rate
// limit gives exact counts per agent, passes a step rate equal to the limit despite jitter, skips
// before describe() is built, and CraftWorld snapshots carry an envState that restores the env
// the text describes (and that the wire protocol accepts); CartPole snapshots carry none.
import { ManualClock } from '@ala/bus';
import { CraftWorldEnv, VectorEnv } from '@ala/envs';
import { Learner, OrtPolicy, presetFor } from '@ala/policy';
import { StateSnapshot, decode, encode } from '@ala/protocol';
import { createRng } from '@ala/rl-core';
import { Acting, SNAPSHOT_BURST, type ActingOptions } from '../src/acting';
import { BiasTable } from '../src/bias-table';

jest.setTimeout(30_000);

const models = new Map<string, Uint8Array>();
async function modelFor(venv: VectorEnv, envId: string): Promise<Uint8Array> {
  const key = `${venv.obsDim}x${venv.numActions}`;
  if (!models.has(key)) {
    const l = await Learner.create({ obsDim: venv.obsDim, nActions: venv.numActions, config: presetFor(envId), seed: 1 });
    models.set(key, l.exportOnnx());
    l.dispose();
  }
  return models.get(key)!;
}

async function setup(envId: string, agents: number, over: Partial<ActingOptions>) {
  const venv = VectorEnv.make(envId, agents);
  const policy = await OrtPolicy.create(await modelFor(venv, envId), { obsDim: venv.obsDim, nActions: venv.numActions, policyVersion: 1 });
  const agentIds = Array.from({ length: agents }, (_, i) => `a-${i}`);
  const opts: ActingOptions = { actorId: 'act', envId, agentIds, beta: 1, klBudget: 0, chunkSteps: 64, snapshotEvery: 1, ...over };
  const acting = new Acting(venv, policy, 1, opts, createRng(2), 7);
  const table = new BiasTable(agentIds, venv.numActions);
  return { venv, acting, table };
}

/** Steps `n` times, advancing the clock by `dtMs(k)` after step k; returns the snapshots per agent. */
async function run(t: Awaited<ReturnType<typeof setup>>, clock: ManualClock, n: number, dtMs: (k: number) => number) {
  const perAgent = new Map<string, StateSnapshot[]>();
  let throttled = 0;
  for (let k = 0; k < n; k++) {
    t.table.prepare(clock.now());
    const out = await t.acting.step(t.table);
    throttled += out.snapshotsThrottled;
    for (const s of out.snapshots) perAgent.set(s.agentId, [...(perAgent.get(s.agentId) ?? []), s]);
    clock.advance(dtMs(k));
  }
  await t.acting.release();
  return { perAgent, throttled };
}

describe('Acting snapshots', () => {
  it('snapshotMaxHz: exact counts per agent with a manual clock (200 steps/s, limit 20/s, 1 s)', async () => {
    expect(SNAPSHOT_BURST).toBe(16);
    const clock = new ManualClock(1000);
    const t = await setup('CartPole-v1', 3, { snapshotMaxHz: 20, clock });
    const describe = jest.spyOn(t.venv, 'describe');
    const { perAgent, throttled } = await run(t, clock, 200, () => 5);
    // GCRA, T = 50 ms, tau = 15 T = 750 ms. The n-th snapshot at 5n ms passes while 5n >= 50n - 750,
    // i.e. n = 0..16 (17 of them, TAT then 850 ms); then one per 50 ms from 100 to 950 ms (18): 35.
    for (const id of ['a-0', 'a-1', 'a-2']) {
      const snaps = perAgent.get(id)!;
      expect(snaps.length).toBe(35);
      expect(snaps.map((s) => s.seq)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    }
    expect(throttled).toBe(3 * (200 - 35));
    expect(t.acting.snapshotsThrottled).toBe(throttled);
    expect(describe).toHaveBeenCalledTimes(3 * 35); // skipped snapshots never build their text
  });

  it('snapshotMaxHz: the long-run rate is the limit (10 s at 200 steps/s, limit 20/s: 10 x 20 + 15)', async () => {
    const clock = new ManualClock();
    const t = await setup('CartPole-v1', 1, { snapshotMaxHz: 20, clock });
    const { perAgent } = await run(t, clock, 2000, () => 5);
    // 17 in the first 80 ms, then every 50 ms from 100 to 9950 ms (198)
    expect(perAgent.get('a-0')!.length).toBe(215);
  });

  it('without a limit every due snapshot is published; snapshotEvery still applies first', async () => {
    const clock = new ManualClock();
    const t = await setup('CartPole-v1', 2, { snapshotMaxHz: 0, snapshotEvery: 4, clock });
    const { perAgent, throttled } = await run(t, clock, 40, () => 1);
    expect(throttled).toBe(0);
    // every 4th step of each agent's episode (episodes may restart, resetting the phase)
    for (const snaps of perAgent.values()) {
      expect(snaps.length).toBeGreaterThanOrEqual(10);
      for (const s of snaps) expect(s.episodeStep % 4).toBe(0);
    }
  });

  it('a step rate equal to the limit passes every snapshot despite jitter (50 steps/s, limit 50/s)', async () => {
    const clock = new ManualClock();
    const t = await setup('CartPole-v1', 2, { snapshotMaxHz: 50, clock });
    const { perAgent, throttled } = await run(t, clock, 100, (k) => (k % 2 === 0 ? 17 : 23));
    expect(throttled).toBe(0);
    expect([...perAgent.values()].map((s) => s.length)).toEqual([100, 100]);
  });

  it('an unpaced burst is cut to SNAPSHOT_BURST, then to the limit (1000 steps in 100 ms, limit 100/s)', async () => {
    const clock = new ManualClock();
    const t = await setup('CartPole-v1', 1, { snapshotMaxHz: 100, clock });
    const { perAgent } = await run(t, clock, 1000, () => 0.1);
    // T = 10 ms, tau = 150 ms: the n-th at 0.1n ms passes while 9.9n <= 150 (n = 0..15: 16, TAT 160 ms),
    // then one per 10 ms from 10 to 90 ms (9): 25 in 100 ms
    expect(perAgent.get('a-0')!.length).toBe(25);
  });

  it('a paced loop catching up after a stall (10 back-to-back steps) loses no snapshot at the default limit', async () => {
    const clock = new ManualClock();
    const t = await setup('CartPole-v1', 1, { snapshotMaxHz: 100, clock });
    // 50 steps/s with a 200 ms stall every 40 steps, then 10 steps 0.1 ms apart to catch up
    const { throttled } = await run(t, clock, 400, (k) => (k % 40 === 39 ? 200 : k % 40 < 10 ? 0.1 : 20));
    expect(throttled).toBe(0);
  });

  it('CraftWorld snapshots carry an envState that restores the described env and survives the wire', async () => {
    const clock = new ManualClock();
    const t = await setup('CraftWorld-v0', 2, { snapshotEvery: 3, clock });
    const { perAgent } = await run(t, clock, 30, () => 10);
    const all = [...perAgent.values()].flat();
    expect(all.length).toBeGreaterThanOrEqual(20);
    for (const snap of all) {
      expect(snap.envState?.length).toBe(130);
      const env = CraftWorldEnv.fromState(snap.envState!, snap.envId);
      expect(env.describe()).toBe(snap.text);
      expect(Array.from(env.legalActions(), (x) => x === 1)).toEqual(snap.legal);
      const back = decode(StateSnapshot, encode(StateSnapshot, snap));
      expect(Array.from(back.envState!)).toEqual(Array.from(snap.envState!));
    }
  });

  it('CartPole snapshots carry no envState (the obs is the state)', async () => {
    const clock = new ManualClock();
    const t = await setup('CartPole-v1', 1, { clock });
    const { perAgent } = await run(t, clock, 3, () => 10);
    for (const snap of perAgent.get('a-0')!) expect(snap.envState).toBeUndefined();
  });
});
