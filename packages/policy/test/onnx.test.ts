// ONNX export + ONNX Runtime: parity with TF.js (<= 1e-5) on random inputs, batched inference,
// export and session-creation time, and clear errors for bad models and inputs.
import * as tf from '@tensorflow/tfjs';
import { createRng, randn } from '@ala/rl-core';
import { OnnxError, OrtPolicy, TfActorCritic, exportOnnx, initActorCriticWeights, initTfBackend } from '@ala/policy';

beforeAll(async () => {
  await initTfBackend();
});

describe.each([[{ obsDim: 4, nActions: 2, hidden: [64, 64] }], [{ obsDim: 17, nActions: 9, hidden: [128, 32, 16] }]])('spec %j', (spec) => {
  it('TF.js and ONNX Runtime agree to 1e-5 on random inputs and weights', async () => {
    const rng = createRng(11);
    const base = initActorCriticWeights(spec, rng);
    // Perturb biases and scale the heads up so logits are O(1) and every parameter matters.
    const weights = {
      spec,
      actor: base.actor.map((l, i) => ({ ...l, w: i === base.actor.length - 1 ? l.w.map((x) => x * 100) : l.w, b: l.b.map(() => 0.1 * randn(rng)) })),
      critic: base.critic.map((l) => ({ ...l, b: l.b.map(() => 0.1 * randn(rng)) })),
    };
    const t0 = performance.now();
    const bytes = exportOnnx(weights, { policyVersion: 3 });
    const t1 = performance.now();
    const policy = await OrtPolicy.create(bytes, { obsDim: spec.obsDim, nActions: spec.nActions, policyVersion: 3 });
    const t2 = performance.now();
    console.log(`export ${(t1 - t0).toFixed(2)} ms, session ${(t2 - t1).toFixed(2)} ms, ${bytes.length} bytes`);
    const model = new TfActorCritic(weights);
    for (const batch of [1, 20, 257]) {
      const obs = new Float32Array(batch * spec.obsDim).map(() => 3 * randn(rng));
      const ort = await policy.run(obs, batch);
      const [logits, value] = tf.tidy(() => {
        const x = tf.tensor2d(obs, [batch, spec.obsDim]);
        return [model.logits(x).dataSync(), model.value(x).dataSync()];
      });
      expect(ort.logits.length).toBe(batch * spec.nActions);
      expect(ort.value.length).toBe(batch);
      let maxDiff = 0;
      let maxAbs = 0;
      logits!.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - ort.logits[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(v));
      });
      value!.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - ort.value[i]!))));
      expect(maxAbs).toBeGreaterThan(0.1); // the comparison is not between near-zero outputs
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    }
    model.dispose();
    await policy.release();
  });
});

describe('errors', () => {
  it('refuses bytes that are not an ONNX model', async () => {
    await expect(OrtPolicy.create(new Uint8Array([1, 2, 3, 4]), { obsDim: 4, nActions: 2 })).rejects.toThrow(OnnxError);
  });

  it('refuses an observation batch of the wrong length', async () => {
    const spec = { obsDim: 4, nActions: 2, hidden: [8] };
    const policy = await OrtPolicy.create(exportOnnx(initActorCriticWeights(spec, createRng(1))), { obsDim: 4, nActions: 2 });
    await expect(policy.run(new Float32Array(7), 2)).rejects.toThrow(/obs length 7 is not batch 2 x obsDim 4/);
    await policy.release();
  });

  it('refuses to export weights whose shapes are inconsistent', () => {
    const spec = { obsDim: 4, nActions: 2, hidden: [8] };
    const w = initActorCriticWeights(spec, createRng(1));
    const bad = { ...w, actor: [{ ...w.actor[0]!, w: new Float32Array(3) }, w.actor[1]!] };
    expect(() => exportOnnx(bad)).toThrow(OnnxError);
  });
});
