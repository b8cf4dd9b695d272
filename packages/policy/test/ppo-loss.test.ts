// The differentiable TF.js PPO loss against hand-computed values and
// @ala/rl-core's numeric PPO reference, for every IS mode, both value-loss variants and masks.
import * as tf from '@tensorflow/tfjs';
import {
  approxKl,
  clipFraction,
  clippedSurrogateGrad,
  createRng,
  entropy,
  isCorrection,
  isWeights,
  logSoftmax,
  ppoPolicyLoss,
  randn,
  valueLoss,
  type IsMode,
} from '@ala/rl-core';
import {
  LOSS_STATS,
  TfActorCritic,
  clippedSurrogateTf,
  initActorCriticWeights,
  initTfBackend,
  ppoLoss,
  referenceForward,
  type ActorCriticWeights,
  type LossCoefs,
} from '@ala/policy';

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
    obs: [
      [0.3, -1],
      [2, 0.5],
    ],
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

/**
 * The numeric reference: @ala/rl-core's PPO pieces (ppoPolicyLoss, valueLoss, approxKl,
 * clipFraction, entropy) on log-probs from the float64 forward pass.
 */
function reference(w: ActorCriticWeights, b: Mb, c: LossCoefs, mode: IsMode, cols: IsCols, cBar: number): Record<string, number> {
  const n = b.actions.length;
  const A = w.spec.nActions;
  const { logits, value } = referenceForward(w, Float32Array.from(b.obs.flat()), n);
  const mask = b.legal ? b.legal.flat() : undefined;
  const newLogp = b.actions.map((a, i) => logSoftmax(logits.subarray(i * A, (i + 1) * A), mask?.slice(i * A, (i + 1) * A))[a]!);
  const is = { mode, oldLogp: cols.logpPk, biasTaken: cols.biasTaken, logpMu: cols.logpMu, proxLogp: cols.logpProx, cBar };
  const pg = ppoPolicyLoss({ ...is, newLogp, advantages: b.adv, clipCoef: c.clipCoef });
  const kl = approxKl({ newLogp, oldLogp: isCorrection(is).logpRef });
  const { ratio } = isWeights({ ...is, newLogp });
  const vl = valueLoss({ newValues: value, oldValues: b.val, returns: b.ret, ...(c.clipVloss ? { clipCoef: c.clipCoef } : {}) });
  const ent = entropy(logits, A, mask);
  return {
    policyLoss: pg.pgLoss,
    valueLoss: vl,
    entropy: ent,
    oldApproxKl: kl.k1,
    approxKl: kl.k3,
    clipFrac: clipFraction(ratio, c.clipCoef),
    loss: pg.pgLoss - c.entCoef * ent + c.vfCoef * vl,
  };
}

type IsCols = { logpMu: number[]; logpPk: number[]; biasTaken: number[]; logpProx: number[] };

describe('random minibatches against the rl-core numeric reference', () => {
  it.each([
    [{ clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5 }, 'decoupled', false],
    [{ clipCoef: 0.1, clipVloss: false, entCoef: 0.0, vfCoef: 1.0 }, 'exact', false],
    [{ clipCoef: 0.3, clipVloss: true, entCoef: 0.05, vfCoef: 0.25 }, 'seed', false],
    [{ clipCoef: 0.2, clipVloss: true, entCoef: 0.01, vfCoef: 0.5 }, 'decoupled', true],
  ] as const)('%j, IS mode %s, legal mask %s', (c, mode, masked) => {
    const rng = createRng(5);
    const spec = { obsDim: 6, nActions: 4, hidden: [32, 32] };
    const base = initActorCriticWeights(spec, rng);
    const w = { spec, actor: base.actor.map((l, i) => ({ ...l, w: i === 2 ? l.w.map((x) => x * 80) : l.w })), critic: base.critic };
    const model = new TfActorCritic(w);
    const n = 64;
    const cBar = 1.0;
    const actions = Array.from({ length: n }, () => Math.floor(rng.nextFloat() * 4));
    const around = (): number => Math.log(0.25) + 0.3 * randn(rng);
    const cols: IsCols = {
      logpMu: Array.from({ length: n }, around),
      logpPk: Array.from({ length: n }, around),
      biasTaken: Array.from({ length: n }, () => 0.2 * randn(rng)),
      logpProx: Array.from({ length: n }, around),
    };
    // The learner's columns: rl-core isCorrection, as Learner.update computes them
    const correction = isCorrection({ mode, oldLogp: cols.logpPk, biasTaken: cols.biasTaken, logpMu: cols.logpMu, proxLogp: cols.logpProx, cBar });
    const b: Mb = {
      obs: Array.from({ length: n }, () => Array.from({ length: 6 }, () => randn(rng))),
      actions,
      adv: Array.from({ length: n }, () => randn(rng)),
      ret: Array.from({ length: n }, () => 2 * randn(rng)),
      val: Array.from({ length: n }, () => randn(rng)),
      ref: Array.from(correction.logpRef),
      w: Array.from(correction.weight),
      ...(masked ? { legal: actions.map((a) => [0, 1, 2, 3].map((k) => (k === a || rng.nextFloat() < 0.5 ? 1 : 0))) } : {}),
    };
    const ours = statsOf(model, b, c, 4);
    const ref = reference(w, b, c, mode, cols, cBar);
    for (const k of Object.keys(ref)) expect([k, ours[k]]).toEqual([k, expect.closeTo(ref[k]!, 5)]);
    expect(ref.clipFrac).toBeGreaterThan(0); // clipping is exercised
    expect(ref.clipFrac).toBeLessThan(1);
    if (mode === 'decoupled') expect(b.w.some((x) => x < 1)).toBe(true); // the IS weight is exercised
    model.dispose();
  });
});

describe('surrogate gradient', () => {
  it('d policyLoss / d log π_θ equals rl-core clippedSurrogateGrad / n', () => {
    const rng = createRng(21);
    const n = 200;
    const newLogp = Array.from({ length: n }, () => Math.log(0.3) + 0.4 * randn(rng));
    const ref = Array.from({ length: n }, () => Math.log(0.3) + 0.4 * randn(rng));
    const adv = Array.from({ length: n }, () => randn(rng));
    const weight = Array.from({ length: n }, () => Math.min(1, Math.exp(0.3 * randn(rng))));
    const grad = tf.tidy(() =>
      tf
        .grad((lp: tf.Tensor) => clippedSurrogateTf(lp as tf.Tensor1D, tf.tensor1d(ref), tf.tensor1d(adv), tf.tensor1d(weight), 0.2).policyLoss)(
          tf.tensor1d(newLogp),
        )
        .dataSync(),
    );
    const ratio = newLogp.map((l, i) => Math.exp(l - ref[i]!));
    const expected = clippedSurrogateGrad({ ratio, advantages: adv, clipCoef: 0.2, weight });
    let zeros = 0;
    expected.forEach((g, i) => {
      expect(grad[i]!).toBeCloseTo(g / n, 6);
      if (g === 0) zeros++;
    });
    expect(zeros).toBeGreaterThan(10); // clipped branches are exercised
    expect(zeros).toBeLessThan(n - 10);
  });
});
