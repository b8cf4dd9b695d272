// The WebAssembly learner kernel against two references: TF.js (same loss, forward, stats and
// gradients on random nets: masks, clipped value loss, entropy, odd sizes) and central finite
// differences of a naive float64 loss; and the whole Learner update (Adam, grad clip, LR
// annealing, minibatch order) on the kernel against the same update on TF.js.
import * as tf from '@tensorflow/tfjs';
import { createRng, randn, rngSplit, type Rng } from '@ala/rl-core';
import { Learner, OrtPolicy, initTfBackend, makePpoConfig, presetFor, ppoLoss, TfActorCritic, type ActorCriticWeights, type MlpSpec } from '@ala/policy';
import { MlpKernel, type KernelCoefs, type KernelMinibatch } from '../src/mlp-kernel';
import { initActorCriticWeights } from '../src/weights';
import { syntheticRollout } from './helpers';

beforeAll(() => initTfBackend('wasm'));

/** CleanRL-initialised weights, then perturbed so that biases and heads are not trivial. */
function randomNet(spec: MlpSpec, seed: number): ActorCriticWeights {
  const w = initActorCriticWeights(spec, rngSplit(seed, 0));
  const rng = createRng(seed + 100);
  for (const l of [...w.actor, ...w.critic]) {
    l.b.forEach((_, i) => (l.b[i] = 0.1 * randn(rng)));
    l.w.forEach((x, i) => (l.w[i] = x + 0.3 * randn(rng)));
  }
  return w;
}

function randomMinibatch(spec: MlpSpec, n: number, rng: Rng, masked: boolean): KernelMinibatch {
  const { obsDim, nActions } = spec;
  const col = (f: (x: number) => number): Float32Array => Float32Array.from({ length: n }, () => f(randn(rng)));
  const legal = masked ? new Uint8Array(n * nActions).map(() => (rng.nextFloat() < 0.3 ? 0 : 1)) : undefined;
  const actions = Int32Array.from({ length: n }, () => Math.floor(rng.nextFloat() * nActions));
  if (legal) for (let i = 0; i < n; i++) legal[i * nActions + actions[i]!] = 1; // the taken action is legal
  return {
    n,
    obs: Float32Array.from({ length: n * obsDim }, () => randn(rng)),
    actions,
    ...(legal ? { legal } : {}),
    advantages: col((x) => x),
    returns: col((x) => x),
    values: col((x) => x),
    logpRef: col((x) => -1 + 0.4 * x),
    isWeight: col((x) => 1 + 0.2 * x),
  };
}

/** The TF.js loss (ppo-loss.ts), its stats and gradients, on the same minibatch. */
function tfReference(w: ActorCriticWeights, mb: KernelMinibatch, c: KernelCoefs): { stats: Float32Array; grads: Float32Array[] } {
  const { obsDim, nActions } = w.spec;
  const model = new TfActorCritic(w);
  const vars = model.variables();
  let stats: Float32Array | undefined;
  const { grads, value } = tf.variableGrads(() => {
    let adv = tf.tensor1d(mb.advantages);
    if (c.normAdv && mb.n > 1) {
      const mean = tf.mean(adv);
      adv = tf.div(tf.sub(adv, mean), tf.add(tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(adv, mean))), mb.n - 1)), 1e-8));
    }
    const out = ppoLoss(
      model,
      {
        obs: tf.tensor2d(mb.obs, [mb.n, obsDim]),
        actionsOneHot: tf.oneHot(tf.tensor1d(mb.actions, 'int32'), nActions).toFloat() as tf.Tensor2D,
        advantages: adv as tf.Tensor1D,
        returns: tf.tensor1d(mb.returns),
        values: tf.tensor1d(mb.values),
        logpRef: tf.tensor1d(mb.logpRef),
        isWeight: tf.tensor1d(mb.isWeight),
        ...(mb.legal ? { legal: tf.tensor2d(Float32Array.from(mb.legal), [mb.n, nActions]) } : {}),
      },
      c,
    );
    stats = out.stats.dataSync() as Float32Array;
    return out.loss;
  }, vars);
  const out = { stats: stats!, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

const maxAbs = (xs: ArrayLike<number>): number => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('kernel = TF.js on random nets', () => {
  const cases: [string, MlpSpec, number, boolean, KernelCoefs][] = [
    [
      'CartPole 64-64, minibatch 256',
      { obsDim: 4, nActions: 2, hidden: [64, 64] },
      256,
      false,
      { clipCoef: 0.2, clipVloss: true, entCoef: 0, vfCoef: 0.5, normAdv: true },
    ],
    [
      'masked, entropy, odd sizes',
      { obsDim: 5, nActions: 3, hidden: [37, 18] },
      37,
      true,
      { clipCoef: 0.1, clipVloss: true, entCoef: 0.01, vfCoef: 0.5, normAdv: true },
    ],
    [
      'one hidden layer, no value clip, raw advantages',
      { obsDim: 7, nActions: 6, hidden: [20] },
      9,
      false,
      { clipCoef: 0.3, clipVloss: false, entCoef: 0.05, vfCoef: 1, normAdv: false },
    ],
    [
      'three hidden layers, one sample',
      { obsDim: 2, nActions: 2, hidden: [16, 8, 4] },
      1,
      true,
      { clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5, normAdv: true },
    ],
  ];
  it.each(cases)('%s', (_name, spec, n, masked, coefs) => {
    for (const seed of [1, 2, 3]) {
      const w = randomNet(spec, seed);
      const mb = randomMinibatch(spec, n, createRng(seed), masked);
      const ref = tfReference(w, mb, coefs);
      const kernel = new MlpKernel(w);
      const stats = kernel.lossAndGrads(mb, coefs);
      for (let j = 0; j < 7; j++) expect(Math.abs(stats[j]! - ref.stats[j]!)).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(ref.stats[j]!)));
      const grads = kernel.grads();
      expect(grads.length).toBe(ref.grads.length);
      ref.grads.forEach((g, i) => {
        expect(grads[i]!.length).toBe(g.length);
        expect(maxDiff(grads[i]!, g)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(g)));
      });
      // Forward: logits and values as the TF.js model
      const model = new TfActorCritic(w);
      const { logits, value } = kernel.forward(mb.obs, n);
      tf.tidy(() => {
        const obs = tf.tensor2d(mb.obs, [n, spec.obsDim]);
        expect(maxDiff(logits, model.logits(obs).dataSync())).toBeLessThan(1e-5);
        expect(maxDiff(value, model.value(obs).dataSync())).toBeLessThan(1e-5);
      });
      model.dispose();
    }
  });
});

/** Float64 copy of the weights: one flat list of parameter arrays (actor then critic, W then b per layer). */
interface WideLayer {
  readonly outDim: number;
  readonly w: number[];
  readonly b: number[];
}

/** The loss of ppo-loss.ts in float64 with Math.tanh: an independent statement for finite differences. */
function lossF64(spec: MlpSpec, actor: WideLayer[], critic: WideLayer[], mb: KernelMinibatch, c: KernelCoefs): number {
  const { obsDim, nActions } = spec;
  const trunk = (layers: WideLayer[], x: number[]): number[] => {
    let h = x;
    layers.forEach((l, li) => {
      const y = Array.from({ length: l.outDim }, (_, j) => l.b[j]! + h.reduce((s, hk, k) => s + hk * l.w[k * l.outDim + j]!, 0));
      h = li + 1 < layers.length ? y.map(Math.tanh) : y;
    });
    return h;
  };
  const n = mb.n;
  let mean = 0;
  let inv = 1;
  if (c.normAdv && n > 1) {
    mean = Array.from(mb.advantages).reduce((a, b) => a + b, 0) / n;
    inv = 1 / (Math.sqrt(Array.from(mb.advantages).reduce((s, a) => s + (a - mean) ** 2, 0) / (n - 1)) + 1e-8);
  }
  let pg = 0;
  let ent = 0;
  let vl = 0;
  for (let i = 0; i < n; i++) {
    const x = Array.from(mb.obs.subarray(i * obsDim, (i + 1) * obsDim));
    const z = trunk(actor, x).map((zj, j) => (mb.legal && mb.legal[i * nActions + j] === 0 ? zj - 1e9 : zj));
    const mx = Math.max(...z);
    const lse = mx + Math.log(z.reduce((s, zj) => s + Math.exp(zj - mx), 0));
    const lp = z.map((zj) => zj - lse);
    ent -= lp.reduce((s, l) => s + (Math.exp(l) === 0 ? 0 : Math.exp(l) * l), 0);
    const r = Math.exp(lp[mb.actions[i]!]! - mb.logpRef[i]!);
    const A = (mb.advantages[i]! - mean) * inv;
    pg += mb.isWeight[i]! * Math.max(-A * r, -A * Math.min(Math.max(r, 1 - c.clipCoef), 1 + c.clipCoef));
    vl += (trunk(critic, x)[0]! - mb.returns[i]!) ** 2;
  }
  return pg / n - (c.entCoef * ent) / n + c.vfCoef * 0.5 * (vl / n);
}

it('kernel gradients = central finite differences of a float64 loss', () => {
  const spec = { obsDim: 3, nActions: 3, hidden: [8, 6] };
  const coefs = { clipCoef: 10, clipVloss: false, entCoef: 0.02, vfCoef: 0.5, normAdv: true }; // clip range wide: the loss is smooth
  const w = randomNet(spec, 5);
  const mb = randomMinibatch(spec, 12, createRng(5), true);
  const kernel = new MlpKernel(w);
  kernel.lossAndGrads(mb, coefs);
  const grads = kernel.grads();
  const wide = (layers: ActorCriticWeights['actor']): WideLayer[] => layers.map((l) => ({ outDim: l.outDim, w: Array.from(l.w), b: Array.from(l.b) }));
  const actor = wide(w.actor);
  const critic = wide(w.critic);
  const params = [...actor, ...critic].flatMap((l) => [l.w, l.b]); // the same order as kernel.grads()
  const h = 1e-4;
  let checked = 0;
  params.forEach((p, vi) => {
    for (let j = 0; j < p.length; j += 3) {
      const x = p[j]!;
      p[j] = x + h;
      const up = lossF64(spec, actor, critic, mb, coefs);
      p[j] = x - h;
      const down = lossF64(spec, actor, critic, mb, coefs);
      p[j] = x;
      const fd = (up - down) / (2 * h);
      expect([vi, j, Math.abs(grads[vi]![j]! - fd) <= 1e-5 + 1e-3 * Math.abs(fd)]).toEqual([vi, j, true]);
      checked++;
    }
  });
  expect(checked).toBeGreaterThan(50);
});

it('a Learner update on the kernel = the same update on TF.js (Adam, grad clip, LR anneal, minibatches)', async () => {
  const config = makePpoConfig(
    { numEnvs: 4, numSteps: 32, numMinibatches: 2, updateEpochs: 3, totalTimesteps: 1024, maxGradNorm: 0.1 },
    presetFor('CartPole-v1'),
  );
  const opts = { obsDim: 4, nActions: 2, config, seed: 3 };
  const onKernel = await Learner.create({ ...opts, backend: 'kernel' });
  const onTf = await Learner.create({ ...opts, backend: 'wasm' });
  expect([onKernel.backend, onTf.backend]).toEqual(['kernel', 'wasm']);
  for (let u = 0; u < 2; u++) {
    const batch = syntheticRollout(32, 4, 4, 2, 10 + u, { version: u });
    const a = onKernel.update(batch);
    const b = onTf.update(batch);
    for (const key of ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFrac', 'gradNorm', 'learningRate'] as const) {
      expect([key, Math.abs(a[key] - b[key]) <= 1e-4 * Math.max(1, Math.abs(b[key]))]).toEqual([key, true]);
    }
    expect(a.gradNorm).toBeGreaterThan(0.1); // the clip was active
  }
  const wk = onKernel.getState();
  const wt = onTf.getState();
  expect(wk.adam.step).toBe(wt.adam.step);
  [...wk.weights.actor, ...wk.weights.critic].forEach((l, i) => {
    const r = [...wt.weights.actor, ...wt.weights.critic][i]!;
    expect(maxDiff(l.w, r.w)).toBeLessThan(1e-5);
    expect(maxDiff(l.b, r.b)).toBeLessThan(1e-5);
  });
  wk.adam.m.forEach((m, i) => expect(maxDiff(m, wt.adam.m[i]!)).toBeLessThan(1e-5));
  // The kernel's state restores into a TF.js learner and back
  onTf.setState(wk);
  expect(onTf.getState().weights).toEqual(wk.weights);
  onKernel.dispose();
  onTf.dispose();
});

it('the kernel-trained policy exported to ONNX acts as the kernel computes it (learner/actor parity)', async () => {
  const config = makePpoConfig({ numEnvs: 4, numSteps: 32, numMinibatches: 2, updateEpochs: 2, totalTimesteps: 1024 }, presetFor('CartPole-v1'));
  const learner = await Learner.create({ obsDim: 4, nActions: 2, config, seed: 4 });
  learner.update(syntheticRollout(32, 4, 4, 2, 7));
  const policy = await OrtPolicy.create(learner.exportOnnx(), { obsDim: 4, nActions: 2, policyVersion: learner.policyVersion });
  const rng = createRng(8);
  const obs = Float32Array.from({ length: 20 * 4 }, () => 2 * randn(rng));
  const ort = await policy.run(obs, 20);
  const mine = new MlpKernel(learner.weights()).forward(obs, 20);
  expect(maxDiff(ort.logits, mine.logits)).toBeLessThan(1e-5);
  expect(maxDiff(ort.value, mine.value)).toBeLessThan(1e-5);
  await policy.release();
  learner.dispose();
});
