// The scripted backend on CraftWorld snapshots (real envs, no bus): it restores the env from the
// snapshot's envState and advises exactly what the planner advises on the original env, knobs
// and seed included, for every registered variant; missing, malformed or inconsistent envState is
// refused with a typed BackendError and counted. One test runs the advisor service through a real
// nats-server: a CraftWorld snapshot in, advice recommending the planner's action out.
import { connect, NatsBus, silentLogger, systemClock } from '@ala/bus';
import { CRAFTWORLD_VARIANTS, CraftWorldEnv, Pcg64, craftWorldExpert, makeEnv, randInt } from '@ala/envs';
import { Advice, StateSnapshot, subjects } from '@ala/protocol';
import { startNatsServer, waitFor } from '@ala/testkit';
import { BackendError, answerToBias, loadConfig, scriptedBackend, start } from '../src';
import { tameOutliers } from '../src/scripted-backend';

jest.setTimeout(30_000);

const signal = new AbortController().signal;

function snapshotOf(env: CraftWorldEnv, agentId: string, seq: number): StateSnapshot {
  return {
    v: 1,
    agentId,
    actorId: 'act',
    envId: env.id,
    seq,
    policyVersion: 1,
    episodeStep: 0,
    text: env.describe(),
    actionNames: [...env.actionSpace.actionNames],
    legal: Array.from(env.legalActions(), (x) => x === 1),
    envState: env.exportState(),
    createdAt: 0,
  };
}

function playedEnv(id: string, seed: number, steps: number): CraftWorldEnv {
  const env = makeEnv(id) as CraftWorldEnv;
  env.reset({ seed });
  const rng = Pcg64.fromSeed(seed);
  for (let k = 0; k < steps; k++) {
    const legal = Array.from(env.legalActions()).flatMap((x, a) => (x ? [a] : []));
    const r = env.step(legal[randInt(rng, legal.length)]!);
    if (r.terminated || r.truncated) env.reset();
  }
  return env;
}

async function refusal(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BackendError) return e;
    throw e;
  }
  throw new Error('the backend answered');
}

describe('scripted backend on CraftWorld', () => {
  it.each(Object.keys(CRAFTWORLD_VARIANTS))('%s: advises what the planner advises on the original env (knobs and seed included)', async (id) => {
    const knobs = { accuracy: 0.6, adversarial: 0.2, seed: 11 };
    const backend = scriptedBackend({ latencyMs: 0, ...knobs, confidence: 0.8 });
    const reference = craftWorldExpert(knobs);
    const env = playedEnv(id, 4, 15);
    for (let k = 0; k < 40; k++) {
      const answer = await backend.advise(snapshotOf(env, 'c0', k), signal);
      const expected = reference.advise(env);
      expect(answer).toEqual({
        scores: tameOutliers(expected.scores),
        action: expected.action,
        confidence: 0.8,
        model: 'scripted-craftworld',
        rationale: `craftworld ${expected.mode}`,
      });
      const r = env.step(expected.action);
      if (r.terminated || r.truncated) env.reset();
    }
    const st = backend.stats!();
    expect(st['scriptedCraftWorld']).toBe(40);
    expect(st['scriptedExpert']! + st['scriptedRandom']! + st['scriptedAdversarial']!).toBe(40);
    expect(st['scriptedRandom']).toBeGreaterThan(0);
    expect(st['scriptedAdversarial']).toBeGreaterThan(0);
  });

  it('with accuracy 1 the advice bias recommends the planner action, and following it reaches the goal', async () => {
    const backend = scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 0, seed: 0, confidence: 1 });
    const env = makeEnv('CraftWorld-easy-v0') as CraftWorldEnv;
    env.reset({ seed: 3 });
    for (let k = 0; ; k++) {
      const snap = snapshotOf(env, 'c0', k);
      const mapped = answerToBias(await backend.advise(snap, signal), snap.legal, 1)!;
      expect(mapped.recommended).toBe(craftWorldExpert().expertAction(env));
      const r = env.step(mapped.recommended);
      if (r.terminated || r.truncated) {
        expect(r.terminated).toBe(true);
        break;
      }
    }
  });

  it('refuses missing, malformed or inconsistent envState and unknown envs with typed errors, counted', async () => {
    const backend = scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 0, seed: 0, confidence: 1 });
    const snap = snapshotOf(playedEnv('CraftWorld-v0', 1, 5), 'c0', 0);
    const { envState, ...withoutState } = snap;
    expect(await refusal(backend.advise(withoutState, signal))).toMatchObject({ kind: 'unsupported' });
    const flipped = envState!.slice();
    flipped[0] = 0;
    expect(await refusal(backend.advise({ ...snap, envState: flipped }, signal))).toMatchObject({ kind: 'invalid-answer' });
    expect(await refusal(backend.advise({ ...snap, envState: envState!.subarray(1) }, signal))).toMatchObject({ kind: 'invalid-answer' });
    const otherLegal = snap.legal.map((l, a) => (a === 13 ? !l : l)); // craft_iron_pickaxe: not legal in a fresh-ish state
    expect(await refusal(backend.advise({ ...snap, legal: otherLegal }, signal))).toMatchObject({ kind: 'invalid-answer' });
    expect(await refusal(backend.advise({ ...snap, envId: 'Unknown-v0' }, signal))).toMatchObject({ kind: 'unsupported' });
    // the state of one variant under another variant's id restores with that id (the bytes carry the options)
    const easy = await backend.advise({ ...snapshotOf(playedEnv('CraftWorld-easy-v0', 1, 5), 'c1', 0) }, signal);
    expect(easy.model).toBe('scripted-craftworld');
    expect(backend.stats!()).toMatchObject({ scriptedNoEnvState: 1, scriptedBadEnvState: 3, scriptedCraftWorld: 1 });
  });

  it('tameOutliers moves dead-end scores just beyond the others and keeps the order', () => {
    expect(tameOutliers([-3, -1e6, -1, -Infinity, 0])).toEqual([-3, -4, -1, -Infinity, 0]);
    expect(tameOutliers([3, 1e6, 1])).toEqual([3, 4, 1]);
    expect(tameOutliers([-1e6, -Infinity])).toEqual([-1e6, -Infinity]);
  });
});

describe('advisor service with the scripted CraftWorld backend on a real nats-server', () => {
  it('answers a CraftWorld snapshot with the planner action; drops a malformed envState as invalid_answer', async () => {
    const server = await startNatsServer();
    const s = subjects('ala');
    const [actorConn, advConn] = await Promise.all(['actor', 'advisor'].map((name) => connect({ servers: server.url, name, logger: silentLogger })));
    const actor = new NatsBus(actorConn!.nc, { logger: silentLogger, subjects: s });
    const svc = start({
      bus: new NatsBus(advConn!.nc, { logger: silentLogger, subjects: s }),
      clock: systemClock,
      config: loadConfig({ ALA_ADVISOR_ID: 'craft' }),
    });
    try {
      const got: Advice[] = [];
      actor.subscribe(Advice, s.adviceAll, (a) => void got.push(a));
      await Promise.all([actorConn!.nc.flush(), advConn!.nc.flush()]);
      const env = playedEnv('CraftWorld-v0', 7, 12);
      const snap = snapshotOf(env, 'act-0', 5);
      actor.publish(StateSnapshot, s.state('act-0'), snap, { ttlMs: 5_000 });
      actor.publish(StateSnapshot, s.state('act-1'), { ...snap, agentId: 'act-1', envState: Uint8Array.from([1, 2, 3]) }, { ttlMs: 5_000 });
      await waitFor(() => got.length === 1 && svc.stats()['dropped'] === 1, 10_000);
      expect(got[0]).toMatchObject({
        agentId: 'act-0',
        advisorId: 'craft',
        stateSeq: 5,
        recommended: craftWorldExpert().expertAction(env),
        model: 'scripted-craftworld',
      });
      expect(svc.stats()).toMatchObject({ published: 1, dropped_invalid_answer: 1 });
    } finally {
      await svc.stop();
      await Promise.all([actorConn!.close(), advConn!.close()]);
      await server.stop();
    }
  });
});
