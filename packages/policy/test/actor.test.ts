// Actor: one batched ORT call + actBatch. Unbiased rows have logpMu = logpPk and no bias; biased
// rows record log μ from softmax(z + βb) and β·b[a]; policies swap between steps.
import { createRng, logSoftmax } from '@ala/rl-core';
import { Actor, OnnxError, OrtPolicy, exportOnnx, initActorCriticWeights } from '@ala/policy';

async function policy(seed: number, version: number, obsDim = 4, nActions = 3): Promise<OrtPolicy> {
  const w = initActorCriticWeights({ obsDim, nActions, hidden: [16] }, createRng(seed));
  const big = { ...w, actor: w.actor.map((l, i) => (i === 1 ? { ...l, w: l.w.map((x) => x * 100) } : l)) };
  return OrtPolicy.create(exportOnnx(big, { policyVersion: version }), { obsDim, nActions, policyVersion: version });
}

it('records behaviour log-probs with and without bias', async () => {
  const actor = new Actor(await policy(1, 5), 3, 2.0, createRng(4));
  const obs = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i));
  const bias = Float32Array.from([1, 0, -1, 0.5, 0.5, 0.5, -1, 1, 0]);
  const r = await actor.act(obs, { bias, active: [1, 0, 1] });
  expect(r.policyVersion).toBe(5);
  for (let i = 0; i < 3; i++) {
    const z = r.logits.subarray(i * 3, i * 3 + 3);
    const a = r.actions[i]!;
    const pk = logSoftmax(z)[a]!;
    expect(r.logpPk[i]).toBeCloseTo(pk, 6);
    if (i === 1) {
      expect(r.logpMu[i]).toBeCloseTo(pk, 6);
      expect(r.biasTaken[i]).toBe(0);
    } else {
      const b = bias.subarray(i * 3, i * 3 + 3);
      const mu = logSoftmax(Array.from(z, (v, k) => v + 2.0 * b[k]!))[a]!;
      expect(r.logpMu[i]).toBeCloseTo(mu, 6);
      expect(r.biasTaken[i]).toBeCloseTo(2.0 * b[a]!, 12);
    }
  }
  await actor.current.release();
});

it('a masked action is never taken, even with a large bias toward it', async () => {
  const actor = new Actor(await policy(2, 0), 2, 1.0, createRng(5));
  const obs = new Float32Array(8).fill(0.1);
  for (let k = 0; k < 50; k++) {
    const r = await actor.act(obs, { bias: [100, 0, 0, 100, 0, 0], active: [1, 1] }, [0, 1, 1, 0, 1, 1]);
    expect(r.actions[0]).not.toBe(0);
    expect(r.actions[1]).not.toBe(0);
  }
  await actor.current.release();
});

it('swaps policies between steps and refuses one of another shape', async () => {
  const actor = new Actor(await policy(3, 1), 1, 1.0, createRng(6));
  const old = actor.setPolicy(await policy(4, 2));
  await old.release();
  expect((await actor.act(new Float32Array(4))).policyVersion).toBe(2);
  const other = await policy(5, 3, 5, 3);
  expect(() => actor.setPolicy(other)).toThrow(OnnxError);
  await other.release();
  await actor.current.release();
});
