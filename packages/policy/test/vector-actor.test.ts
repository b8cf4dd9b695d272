// VectorActor (real CartPole envs, real ONNX Runtime): unbiased rows have logpMu = logpPk and no
// bias; biased rows record log μ from softmax(z + βb), β·b[a] and the advice age; a masked action
// is never taken; truncated episodes are bootstrapped from V(final obs); chunks close every
// chunkSteps steps with V(s_T); policies swap between steps only. The serial trainer and the
// actor-runner both act through it (their own tests check the rest).
import { VectorEnv } from '@ala/envs';
import { OnnxError, OrtPolicy, VectorActor, exportOnnx, initActorCriticWeights, type ActingEnv, type LiveAdvice, type PolicyForward } from '@ala/policy';
import { createRng, logSoftmax } from '@ala/rl-core';

async function policy(seed: number, version: number, obsDim = 4, nActions = 2): Promise<OrtPolicy> {
  const w = initActorCriticWeights({ obsDim, nActions, hidden: [16] }, createRng(seed));
  const big = { ...w, actor: w.actor.map((l, i) => (i === 1 ? { ...l, w: l.w.map((x) => x * 100) } : l)) };
  return OrtPolicy.create(exportOnnx(big, { policyVersion: version }), { obsDim, nActions, policyVersion: version });
}

function advice(bias: number[], active: number[], ageMs: number[]): LiveAdvice & { bias: number[]; applied: number } {
  return {
    bias,
    active,
    ageMs,
    applied: 0,
    markApplied() {
      this.applied += 1;
    },
  };
}

it('records behaviour log-probs with and without bias, and the advice age', async () => {
  const venv = VectorEnv.make('CartPole-v1', 3);
  const actor = new VectorActor(venv, await policy(1, 5), 5, { actorId: 'a', beta: 2.0, chunkSteps: 1 }, createRng(4), venv.reset({ seed: 3 }).obs);
  const adv = advice([1, 0, 0.5, 0.5, -1, 1], [1, 0, 1], [12, 0, 30]);
  let f: PolicyForward | undefined;
  const r = await actor.step(adv, (x) => (f = x));
  const c = r.chunk!;
  expect([r.advised, adv.applied, c.policyVersion[0]]).toEqual([2, 1, 5]);
  for (let i = 0; i < 3; i++) {
    const z = f!.logits.subarray(i * 2, i * 2 + 2);
    const a = c.actions[i]!;
    const pk = logSoftmax(z)[a]!;
    expect(c.logpPk[i]).toBeCloseTo(pk, 6);
    if (i === 1) {
      expect(c.logpMu[i]).toBeCloseTo(pk, 6);
      expect([c.biasTaken[i], c.advised[i], c.adviceAgeMs[i]]).toEqual([0, 0, 0]);
    } else {
      const b = adv.bias.slice(i * 2, i * 2 + 2);
      const mu = logSoftmax(Array.from(z, (v, k) => v + 2.0 * b[k]!))[a]!;
      expect(c.logpMu[i]).toBeCloseTo(mu, 6);
      expect(c.biasTaken[i]).toBeCloseTo(2.0 * b[a]!, 6);
      expect([c.advised[i], c.adviceAgeMs[i]]).toEqual([1, adv.ageMs[i]]);
    }
  }
  await actor.release();
});

it('a masked action is never taken, even with a large bias toward it', async () => {
  const venv = VectorEnv.make('CartPole-v1', 2);
  // The real envs, with action 0 of every agent declared illegal
  const env: ActingEnv = { numEnvs: 2, obsDim: 4, numActions: 2, legalActionMasks: () => Uint8Array.from([0, 1, 0, 1]), step: (a) => venv.step(a) };
  const actor = new VectorActor(env, await policy(2, 0), 0, { actorId: 'a', beta: 1.0, chunkSteps: 50 }, createRng(5), venv.reset({ seed: 1 }).obs);
  let chunk;
  for (let k = 0; k < 50; k++) chunk = (await actor.step(advice([100, 0, 100, 0], [1, 1], [0, 0]))).chunk;
  expect(new Set(chunk!.actions)).toEqual(new Set([1]));
  expect(chunk!.legal![0]).toBe(0);
  await actor.release();
});

it('bootstraps time-limit truncations from V(final obs) and closes chunks with V(s_T)', async () => {
  const venv = VectorEnv.make('CartPole-v1', 2, { maxEpisodeSteps: 3 });
  const p = await policy(3, 1);
  const actor = new VectorActor(venv, p, 1, { actorId: 'a', beta: 1, chunkSteps: 3 }, createRng(6), venv.reset({ seed: 2 }).obs);
  const steps = [await actor.step(), await actor.step()];
  const last = await actor.step();
  expect(steps.every((s) => s.chunk === undefined)).toBe(true);
  const c = last.chunk!;
  expect(last.episodes.map((e) => [e.agent, e.length])).toEqual([
    [0, 3],
    [1, 3],
  ]);
  expect([...c.truncated.subarray(4, 6), ...c.nextDone]).toEqual([1, 1, 1, 1]);
  expect(c.truncValue.subarray(0, 4).every((v) => v === 0)).toBe(true);
  // s_T is the first observation of the next episodes; V(s_T) from the same policy
  expect(Array.from(c.nextObs)).toEqual(Array.from(actor.observations));
  expect(Array.from(c.nextValue)).toEqual(Array.from((await p.run(actor.observations, 2)).value));
  expect(c.truncValue[4]).not.toBe(0);
  await actor.release();
});

it('swaps policies between steps, and refuses one of another shape', async () => {
  const venv = VectorEnv.make('CartPole-v1', 1);
  const actor = new VectorActor(venv, await policy(3, 1), 1, { actorId: 'a', beta: 1.0, chunkSteps: 1 }, createRng(6), venv.reset({ seed: 4 }).obs);
  const old = actor.setPolicy(await policy(4, 2), 2);
  await old.release();
  expect((await actor.step()).chunk!.policyVersion[0]).toBe(2);
  const other = await policy(5, 3, 5, 3);
  expect(() => actor.setPolicy(other, 3)).toThrow(OnnxError);
  await other.release();
  await actor.release();
});
