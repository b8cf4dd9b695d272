// The differentiable TF.js PPO loss against hand-computed values and a plain-JS float64
// implementation of CleanRL's formulas, for every IS mode and both value-loss variants.
import * as tf from '@tensorflow/tfjs';
import { createRng, randn } from '@ala/rl-core';
import { LOSS_STATS, TfActorCritic, initActorCriticWeights, initTfBackend, ppoLoss, referenceForward, type ActorCriticWeights, type LossCoefs } from '@ala/policy';

beforeAll(async () => {
  await initTfBackend();
});

type Mb = { obs: number[][]; actions: number[]; adv: number[]; ret: number[]; val: number[]; ref: number[]; w: number[]; legal?: number[][] };

function statsOf(model: TfActorCritic, b: Mb, c: LossCoefs, nActions: number): Record<string, number> {
  const s = tf.tidy(() =>
    ppoLoss(
      model,
      {
        obs: tf.tensor2d(b.obs),
        actionsOneHot: tf.oneHot(tf.tensor1d(b.actions, 'int32'), nActions).toFloat() as tf.Tensor2D,
        advantages: tf.tensor1d(b.adv),
        returns: tf.tensor1d(b.ret),
        values: tf.tensor1d(b.val),
        logpRef: tf.tensor1d(b.ref),
        isWeight: tf.tensor1d(b.w),
        ...(b.legal ? { legal: tf.tensor2d(b.legal) } : {}),
      },
      c,
    ).stats.dataSync(),
  );
  return Object.fromEntries(LOSS_STATS.map((k, i) => [k, s[i]!]));
}

function zeroWeights(obsDim: number, nActions: number): ActorCriticWeights {
  const w = initActorCriticWeights({ obsDim, nActions, hidden: [4] }, createRng(1));
  const zero = (ls: typeof w.actor): typeof w.actor => ls.map((l) => ({ ...l, w: new Float32Array(l.w.length), b: new Float32Array(l.b.length) }));
  return { spec: w.spec, actor: zero(w.actor), critic: zero(w.critic) };
}

describe('hand-computed minibatch (uniform policy, V = 0)', () => {
  // π = uniform over 2 actions, so log π = log 0.5; refs chosen so the ratios are 1.5 and 0.5.
  const logHalf = Math.log(0.5);
  const batch = {
    obs: [[0.3, -1], [2, 0.5]],
    actions: [0, 1],
    adv: [1, -1],
    ret: [1, -2],
    val: [0.5, 0],
    ref: [logHalf - Math.log(1.5), logHalf - Math.log(0.5)],
    w: [1, 1],
  };
  let model: TfActorCritic;
  beforeAll(() => {
    model = new TfActorCritic(zeroWeights(2, 2));
  });
  afterAll(() => model.dispose());
  // pg: max(−1·1.5, −1·1.2) = −1.2 and max(1·0.5, 1·0.8) = 0.8 → mean −0.2
  // vl: 0.5·mean((0−1)², (0+2)²) = 1.25; clipped variant: v_clip = [0.3, 0] → same max → 1.25
  // H = log 2; k1 = mean(−log r) = (−log 1.5 + log 2)/2; k3 = mean((r−1) − log r); clipfrac = 1
  const k1 = (-Math.log(1.5) - Math.log(0.5)) / 2;
  const k3 = (0.5 - Math.log(1.5) + (-0.5 - Math.log(0.5))) / 2;

  it.each([false, true])('clipVloss %s', (clipVloss) => {
    const s = statsOf(model, batch, { clipCoef: 0.2, clipVloss, entCoef: 0.01, vfCoef: 0.5 }, 2);
    expect(s.policyLoss).toBeCloseTo(-0.2, 6);
    expect(s.valueLoss).toBeCloseTo(1.25, 6);
    expect(s.entropy).toBeCloseTo(Math.log(2), 6);
    expect(s.oldApproxKl).toBeCloseTo(k1, 6);
    expect(s.approxKl).toBeCloseTo(k3, 6);
    expect(s.clipFrac).toBe(1);
    expect(s.loss).toBeCloseTo(-0.2 - 0.01 * Math.log(2) + 0.5 * 1.25, 6);
  });

  it('multiplies the surrogate by the detached IS weight', () => {
    const s = statsOf(model, { ...batch, w: [1, 0.5] }, { clipCoef: 0.2, clipVloss: false, entCoef: 0, vfCoef: 0.5 }, 2);
    expect(s.policyLoss).toBeCloseTo((-1.2 + 0.4) / 2, 6);
  });
});

/** CleanRL ppo.py loss in plain float64 JS (the numeric reference). */
function reference(w: ActorCriticWeights, b: Mb, c: LossCoefs): Record<string, number> {
  const n = b.actions.length;
  const A = w.spec.nActions;
  const { logits, value } = referenceForward(w, Float32Array.from(b.obs.flat()), n);
  let pg = 0, vl = 0, ent = 0, k1 = 0, k3 = 0, cf = 0;
  for (let i = 0; i < n; i++) {
    const row = Array.from(logits.subarray(i * A, (i + 1) * A), (z, a) => (b.legal && !b.legal[i]![a] ? -Infinity : z));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
    const lp = row.map((z) => z - lse);
    ent -= lp.reduce((s, l) => s + (l === -Infinity ? 0 : Math.exp(l) * l), 0);
    const logratio = lp[b.actions[i]!]! - b.ref[i]!;
    const r = Math.exp(logratio);
    const clipped = Math.min(Math.max(r, 1 - c.clipCoef), 1 + c.clipCoef);
    pg += b.w[i]! * Math.max(-b.adv[i]! * r, -b.adv[i]! * clipped);
    const v = value[i]!;
    const unc = (v - b.ret[i]!) ** 2;
    const vc = b.val[i]! + Math.min(Math.max(v - b.val[i]!, -c.clipCoef), c.clipCoef);
    vl += c.clipVloss ? Math.max(unc, (vc - b.ret[i]!) ** 2) : unc;
    k1 += -logratio;
    k3 += r - 1 - logratio;
    cf += Math.abs(r - 1) > c.clipCoef ? 1 : 0;
  }
  const policyLoss = pg / n, valueLoss = (0.5 * vl) / n, entropy = ent / n;
  return { policyLoss, valueLoss, entropy, oldApproxKl: k1 / n, approxKl: k3 / n, clipFrac: cf / n, loss: policyLoss - c.entCoef * entropy + c.vfCoef * valueLoss };
}

describe('random minibatches against the float64 reference', () => {
  it.each([
    [{ clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5 }, false],
    [{ clipCoef: 0.1, clipVloss: false, entCoef: 0.0, vfCoef: 1.0 }, false],
    [{ clipCoef: 0.3, clipVloss: true, entCoef: 0.05, vfCoef: 0.25 }, false],
    [{ clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5 }, true],
  ])('%j, legal mask %s', (c, masked) => {
    const rng = createRng(5);
    const spec = { obsDim: 6, nActions: 4, hidden: [32, 32] };
    const base = initActorCriticWeights(spec, rng);
    const w = { spec, actor: base.actor.map((l, i) => ({ ...l, w: i === 2 ? l.w.map((x) => x * 80) : l.w })), critic: base.critic };
    const model = new TfActorCritic(w);
    const n = 64;
    const b = {
      obs: Array.from({ length: n }, () => Array.from({ length: 6 }, () => randn(rng))),
      actions: Array.from({ length: n }, () => Math.floor(rng.nextFloat() * 4)),
      adv: Array.from({ length: n }, () => randn(rng)),
      ret: Array.from({ length: n }, () => 2 * randn(rng)),
      val: Array.from({ length: n }, () => randn(rng)),
      ref: Array.from({ length: n }, () => Math.log(0.25) + 0.3 * randn(rng)),
      w: Array.from({ length: n }, () => Math.min(1, Math.exp(0.2 * randn(rng)))),
    };
    const mb: Mb = masked ? { ...b, legal: b.actions.map((a) => [0, 1, 2, 3].map((k) => (k === a || rng.nextFloat() < 0.5 ? 1 : 0))) } : b;
    const ours = statsOf(model, mb, c, 4);
    const ref = reference(w, mb, c);
    for (const k of Object.keys(ref)) expect(ours[k]).toBeCloseTo(ref[k]!, 5);
    expect(ref.clipFrac).toBeGreaterThan(0); // clipping is exercised
    expect(ref.clipFrac).toBeLessThan(1);
    model.dispose();
  });
});
