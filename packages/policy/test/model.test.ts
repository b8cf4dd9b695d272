// The actor-critic MLP: CleanRL initialisation, the hand-written dense gradients against TF.js
// autodiff of the plain formulation, and spec validation.
import * as tf from '@tensorflow/tfjs';
import { createRng, randn } from '@ala/rl-core';
import { PolicyConfigError, TfActorCritic, initActorCriticWeights, initTfBackend, orthogonal, referenceForward, validateSpec } from '@ala/policy';

beforeAll(async () => {
  expect(await initTfBackend()).toBe('wasm');
});

function gram(w: Float32Array, inDim: number, outDim: number): number[][] {
  // torch weight Wt = W^T is [out][in]; rows of Wt orthonormal when out <= in, columns when out >= in.
  const small = Math.min(inDim, outDim);
  const g = Array.from({ length: small }, () => new Array<number>(small).fill(0));
  for (let a = 0; a < small; a++) {
    for (let b = 0; b < small; b++) {
      let s = 0;
      if (outDim <= inDim) for (let i = 0; i < inDim; i++) s += w[i * outDim + a]! * w[i * outDim + b]!;
      else for (let o = 0; o < outDim; o++) s += w[a * outDim + o]! * w[b * outDim + o]!;
      g[a]![b] = s;
    }
  }
  return g;
}

describe('orthogonal init (torch.nn.init.orthogonal_)', () => {
  it.each([
    [4, 64, Math.SQRT2],
    [64, 64, Math.SQRT2],
    [64, 2, 0.01],
    [64, 1, 1.0],
  ])('W (%i x %i) is gain x orthogonal', (inDim, outDim, gain) => {
    const w = orthogonal(inDim, outDim, gain, createRng(7));
    const g = gram(w, inDim, outDim);
    g.forEach((row, a) => row.forEach((v, b) => expect(v).toBeCloseTo(a === b ? gain * gain : 0, 5)));
  });

  it('follows CleanRL: sqrt(2) hidden, 0.01 actor head, 1.0 critic head, zero biases', () => {
    const w = initActorCriticWeights({ obsDim: 4, nActions: 2, hidden: [64, 64] }, createRng(1));
    expect(w.actor.map((l) => [l.inDim, l.outDim])).toEqual([
      [4, 64],
      [64, 64],
      [64, 2],
    ]);
    expect(w.critic.map((l) => [l.inDim, l.outDim])).toEqual([
      [4, 64],
      [64, 64],
      [64, 1],
    ]);
    const norm = (a: Float32Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
    // Frobenius norm of gain x (semi-)orthogonal [m x n] = gain * sqrt(min(m, n))
    expect(norm(w.actor[1]!.w)).toBeCloseTo(Math.SQRT2 * 8, 4);
    expect(norm(w.actor[2]!.w)).toBeCloseTo(0.01 * Math.SQRT2, 6);
    expect(norm(w.critic[2]!.w)).toBeCloseTo(1.0, 5);
    for (const l of [...w.actor, ...w.critic]) expect(l.b.every((x) => x === 0)).toBe(true);
    // seeded: same seed, same weights; other seed, other weights
    expect(initActorCriticWeights({ obsDim: 4, nActions: 2, hidden: [64, 64] }, createRng(1)).actor[0]!.w).toEqual(w.actor[0]!.w);
    expect(initActorCriticWeights({ obsDim: 4, nActions: 2, hidden: [64, 64] }, createRng(2)).actor[0]!.w).not.toEqual(w.actor[0]!.w);
  });
});

describe('spec validation', () => {
  it.each([
    [{ obsDim: 0, nActions: 2, hidden: [8] }, 'obsDim'],
    [{ obsDim: 4, nActions: 1, hidden: [8] }, 'nActions'],
    [{ obsDim: 4, nActions: 2, hidden: [] }, 'hidden'],
    [{ obsDim: 4, nActions: 2, hidden: [8, 2.5] }, 'hidden'],
  ])('rejects %j', (spec, field) => {
    expect(() => validateSpec(spec)).toThrow(PolicyConfigError);
    try {
      validateSpec(spec);
    } catch (e) {
      expect((e as PolicyConfigError).field).toBe(field);
    }
  });
});

describe('TfActorCritic', () => {
  const spec = { obsDim: 5, nActions: 3, hidden: [16, 8] };
  // Random (non-zero) biases and larger heads so every gradient path is exercised.
  const rng = createRng(3);
  const base = initActorCriticWeights(spec, rng);
  const weights = {
    spec,
    actor: base.actor.map((l) => ({ ...l, w: l.w.map((x) => x * 30), b: l.b.map(() => 0.3 * randn(rng)) })),
    critic: base.critic.map((l) => ({ ...l, b: l.b.map(() => 0.3 * randn(rng)) })),
  };
  const B = 7;
  const obs = new Float32Array(B * spec.obsDim).map(() => randn(rng));

  it('forward matches the float64 reference', () => {
    const m = new TfActorCritic(weights);
    const ref = referenceForward(weights, obs, B);
    const [logits, value] = tf.tidy(() => {
      const x = tf.tensor2d(obs, [B, spec.obsDim]);
      return [m.logits(x).dataSync(), m.value(x).dataSync()];
    });
    logits!.forEach((v, i) => expect(v).toBeCloseTo(ref.logits[i]!, 5));
    value!.forEach((v, i) => expect(v).toBeCloseTo(ref.value[i]!, 5));
    m.dispose();
  });

  it('hand-written gradients equal TF.js autodiff of matMul + tanh', () => {
    const m = new TfActorCritic(weights);
    const vars = m.variables();
    const target = tf.tensor1d(new Float32Array(B).map(() => randn(rng)));
    const x = tf.tensor2d(obs, [B, spec.obsDim]);
    const plain = (v: tf.Tensor[], trunk: 'actor' | 'critic'): tf.Tensor2D => {
      const off = trunk === 'actor' ? 0 : 6;
      let h: tf.Tensor2D = x;
      for (let l = 0; l < 3; l++) {
        const z = tf.add(tf.matMul(h, v[off + 2 * l] as tf.Tensor2D), v[off + 2 * l + 1]!) as tf.Tensor2D;
        h = l < 2 ? tf.tanh(z) : z;
      }
      return h;
    };
    const lossOf = (lg: tf.Tensor2D, val: tf.Tensor): tf.Scalar =>
      tf.add(tf.sum(tf.mul(tf.logSoftmax(lg), tf.tensor2d([[1, 0, 0]]))), tf.mean(tf.square(tf.sub(val, target)))) as tf.Scalar;
    const ours = tf.variableGrads(() => lossOf(m.logits(x), m.value(x)), vars);
    const auto = tf.grads((...v: tf.Tensor[]) => lossOf(plain(v, 'actor'), tf.reshape(plain(v, 'critic'), [-1])))(vars);
    vars.forEach((v, i) => {
      const a = ours.grads[v.name]!.dataSync();
      const b = auto[i]!.dataSync();
      expect(a.length).toBe(b.length);
      let maxAbs = 0;
      for (let j = 0; j < a.length; j++) maxAbs = Math.max(maxAbs, Math.abs(a[j]! - b[j]!));
      expect(maxAbs).toBeLessThan(1e-4);
    });
    m.dispose();
  });

  it('refuses weights that do not fit the spec', () => {
    const bad = { ...weights, actor: weights.actor.slice(0, 2) };
    expect(() => new TfActorCritic(bad)).toThrow(PolicyConfigError);
  });
});
