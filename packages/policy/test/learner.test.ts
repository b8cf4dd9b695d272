// Learner.update: bad input changes nothing, the lag filter drops and scales the LR, every IS
// mode and V-trace run and report finite metrics, decoded (number[]) chunks work unchanged.
import { Learner, RolloutShapeError, concatRollouts, isStats, lagFilter, makePpoConfig, presetFor, type Rollout } from '@ala/policy';
import { syntheticRollout } from './helpers';

const config = makePpoConfig({ numEnvs: 4, numSteps: 16, numMinibatches: 2, updateEpochs: 2, totalTimesteps: 640 }, presetFor('unknown-env'));
const make = (over: Partial<typeof config> = {}): Promise<Learner> => Learner.create({ obsDim: 3, nActions: 4, config: makePpoConfig(over, config), seed: 9 });

describe('bad input', () => {
  const cases: [string, (r: ReturnType<typeof syntheticRollout>) => Rollout][] = [
    ['short rewards', (r) => ({ ...r, rewards: r.rewards.subarray(1) })],
    ['NaN reward', (r) => ({ ...r, rewards: r.rewards.map((x, i) => (i === 5 ? Number.NaN : x)) })],
    ['action out of range', (r) => ({ ...r, actions: r.actions.map((a, i) => (i === 0 ? 4 : a)) })],
    ['positive log-prob', (r) => ({ ...r, logpMu: r.logpMu.map((x, i) => (i === 1 ? 0.5 : x)) })],
    ['wrong obsDim', (r) => ({ ...r, obsDim: 2 })],
    ['illegal taken action', (r) => ({ ...r, legal: Array.from({ length: 64 * 4 }, (_, j) => (j === r.actions[0]! ? 0 : 1)) })],
    ['version newer than the learner', (r) => ({ ...r, policyVersion: Array.from(r.policyVersion, (v, i) => (i === 2 ? 1 : v)) })],
    ['negative version', (r) => ({ ...r, policyVersion: Array.from(r.policyVersion, (v, i) => (i === 2 ? -1 : v)) })],
  ];
  it.each(cases)('%s: RolloutShapeError and no state change', async (_name, corrupt) => {
    const learner = await make();
    const before = learner.getState();
    expect(() => learner.update(corrupt(syntheticRollout(16, 4, 3, 4, 1)))).toThrow(RolloutShapeError);
    expect(learner.getState()).toEqual(before);
    learner.dispose();
  });
});

describe('update', () => {
  it('learns, bumps the version and reports finite metrics', async () => {
    const learner = await make();
    const before = learner.weights();
    const m = learner.update(syntheticRollout(16, 4, 3, 4, 2));
    expect(m.policyVersion).toBe(1);
    expect(learner.policyVersion).toBe(1);
    expect(m.epochs).toBe(2);
    expect(m.samples).toBe(64);
    expect(m.droppedFrac).toBe(0);
    for (const [k, v] of Object.entries(m)) expect([k, Number.isFinite(v)]).toEqual([k, true]);
    expect(learner.weights().actor[0]!.w).not.toEqual(before.actor[0]!.w);
    learner.dispose();
  });

  it('anneals the learning rate like CleanRL (frac = 1 − consumed/total)', async () => {
    const learner = await make();
    const lrs = [0, 1, 2].map((i) => learner.update(syntheticRollout(16, 4, 3, 4, 10 + i)).learningRate);
    expect(lrs).toEqual([config.learningRate, config.learningRate * 0.9, config.learningRate * 0.8].map((x) => expect.closeTo(x, 12)));
    learner.dispose();
  });

  it('lag filter: drops stale samples, scales the LR by the kept fraction; nothing kept = no update', async () => {
    const learner = await make({ maxPolicyLag: 1, annealLr: false });
    learner.update(syntheticRollout(16, 4, 3, 4, 3)); // version 1
    learner.update(syntheticRollout(16, 4, 3, 4, 4, { version: 1 })); // version 2
    const r = syntheticRollout(16, 4, 3, 4, 5, { version: 2 });
    for (let k = 0; k < 32; k++) r.policyVersion[k] = 0; // lag 2 > maxPolicyLag for the first half
    const m = learner.update(r);
    expect(m.droppedFrac).toBe(0.5);
    expect(m.learningRate).toBeCloseTo(config.learningRate * 0.5, 12);
    expect([m.policyLagMin, m.policyLagMean, m.policyLagMax]).toEqual([0, 1, 2]);
    expect(m.policyVersion).toBe(3);
    const allStale = syntheticRollout(16, 4, 3, 4, 6, { version: 0 });
    const w = learner.weights();
    const m2 = learner.update(allStale);
    expect(m2.droppedFrac).toBe(1);
    expect(m2.policyVersion).toBe(3);
    expect(learner.weights()).toEqual(w);
    learner.dispose();
  });

  it.each(['seed', 'exact', 'decoupled'] as const)('IS mode %s with advised samples', async (isMode) => {
    const learner = await make({ isMode });
    const m = learner.update(syntheticRollout(16, 4, 3, 4, 7, { advisedFrac: 0.5 }));
    expect(m.advisedFrac).toBeGreaterThan(0.3);
    expect(m.klMuPi).not.toBe(0);
    for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
    learner.dispose();
  });

  it('legal-action masks: illegal actions get probability 0 in the learner', async () => {
    const learner = await make({ entCoef: 0.01 });
    const r = syntheticRollout(16, 4, 3, 4, 13);
    // Actions 2 and 3 illegal everywhere; taken actions remapped to the legal ones.
    const legal = Array.from({ length: 64 * 4 }, (_, j) => (j % 4 < 2 ? 1 : 0));
    const m = learner.update({ ...r, actions: r.actions.map((a) => a % 2), legal });
    expect(m.entropy).toBeLessThanOrEqual(Math.log(2) + 1e-6);
    const unmasked = await make({ entCoef: 0.01 });
    expect(unmasked.update({ ...r, actions: r.actions.map((a) => a % 2) }).entropy).toBeGreaterThan(Math.log(2));
    learner.dispose();
    unmasked.dispose();
  });

  it('V-trace estimator', async () => {
    const learner = await make({ advantageEstimator: 'vtrace' });
    const m = learner.update(syntheticRollout(16, 4, 3, 4, 8, { advisedFrac: 0.3 }));
    expect(Number.isFinite(m.valueLoss)).toBe(true);
    learner.dispose();
  });

  it('a decoded chunk (plain number[] columns) gives exactly the typed-array result', async () => {
    const a = await make();
    const b = await make();
    const r = syntheticRollout(16, 4, 3, 4, 12);
    const plain = Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v as ArrayLike<number>)]),
    ) as unknown as Rollout;
    const ma = a.update(r);
    const mb = b.update(plain);
    expect({ ...mb, updateMs: 0 }).toEqual({ ...ma, updateMs: 0 });
    expect(b.weights()).toEqual(a.weights());
    a.dispose();
    b.dispose();
  });
});

describe('concatRollouts', () => {
  it('joins chunks along the agent axis and the learner takes the result', async () => {
    const a = syntheticRollout(8, 2, 3, 4, 30);
    const b = syntheticRollout(8, 3, 3, 4, 31);
    const j = concatRollouts([a, b], 4);
    expect([j.T, j.nAgents]).toEqual([8, 5]);
    for (let t = 0; t < 8; t++) {
      expect(j.rewards.subarray(t * 5, t * 5 + 5)).toEqual(
        Float32Array.from([...a.rewards.subarray(t * 2, t * 2 + 2), ...b.rewards.subarray(t * 3, t * 3 + 3)]),
      );
      expect(Array.from(j.obs.subarray((t * 5 + 2) * 3, (t * 5 + 3) * 3))).toEqual(Array.from(b.obs.subarray(t * 3 * 3, t * 3 * 3 + 3)));
    }
    expect(Array.from(j.nextValue)).toEqual([...a.nextValue, ...b.nextValue]);
    expect(() => concatRollouts([a, syntheticRollout(4, 2, 3, 4, 1)], 4)).toThrow(RolloutShapeError);
    const learner = await make();
    expect(learner.update(j).samples).toBe(40);
    learner.dispose();
  });
});

describe('batch statistics', () => {
  it('IS weights: mean, max, p99, truncated fraction, ESS/N, KL(μ‖π)', () => {
    // w = π_prox/μ = [1, 2, 0.5, 1]
    const logpMu = [Math.log(0.5), Math.log(0.25), Math.log(0.5), Math.log(0.2)];
    const logpProx = [Math.log(0.5), Math.log(0.5), Math.log(0.25), Math.log(0.2)];
    const logpPk = [Math.log(0.5), Math.log(0.5), Math.log(0.25), Math.log(0.2)];
    const logRho = logpProx.map((p, i) => p - logpMu[i]!);
    const s = isStats(Int32Array.from([0, 1, 2, 3]), logRho, logpMu, logpPk, 1.5);
    expect(s.isWeightMean).toBeCloseTo(4.5 / 4, 12);
    expect(s.isWeightMax).toBeCloseTo(2, 12);
    expect(s.isWeightP99).toBeCloseTo(1 + 0.97 * 1, 12); // NumPy-style interpolation between 1 and 2
    expect(s.isTruncatedFrac).toBe(0.25);
    expect(s.essOverN).toBeCloseTo(4.5 ** 2 / (4 * (1 + 4 + 0.25 + 1)), 12);
    expect(s.klMuPi).toBeCloseTo((0 + Math.log(0.5) + Math.log(2) + 0) / 4, 12);
  });

  it('lag filter keeps lag <= maxPolicyLag and refuses versions newer than the learner', () => {
    const s = lagFilter([5, 4, 3, 2, 5], [1, 0, 0, 1, 0], 5, 2);
    expect(Array.from(s.keep)).toEqual([0, 1, 2, 4]);
    expect([s.policyLagMin, s.policyLagMax, s.policyLagMean, s.advisedFrac, s.keptFraction]).toEqual([0, 3, 1.2, 0.4, 0.8]);
    expect(() => lagFilter([5, 6], [0, 0], 5, 2)).toThrow(RolloutShapeError);
  });
});
