// CartPole behaviour beyond parity: determinism per seed, TimeLimit, state replay, bad input
// (named errors, no state change), describe() and the balancing expert.
import { CartPoleEnv, getExpert, InvalidActionError, InvalidOptionError, makeEnv, ResetNeededError } from '../src/index';

function rollout(env: CartPoleEnv, seed: number, actions: (t: number) => number): number[][] {
  const out = [Array.from(env.reset({ seed }).obs)];
  for (let t = 0; ; t++) {
    const r = env.step(actions(t));
    out.push(Array.from(r.obs));
    if (r.terminated || r.truncated) return out;
  }
}

describe('CartPole-v1', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = rollout(new CartPoleEnv(), 5, (t) => t % 2);
    const b = rollout(new CartPoleEnv(), 5, (t) => t % 2);
    const c = rollout(new CartPoleEnv(), 6, (t) => t % 2);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it('truncates at maxEpisodeSteps and then requires reset', () => {
    const env = makeEnv('CartPole-v1', { maxEpisodeSteps: 3 });
    env.reset({ seed: 0 });
    const ends = [0, 1, 0].map((a) => env.step(a).truncated);
    expect(ends).toEqual([false, false, true]);
    expect(() => env.step(0)).toThrow(ResetNeededError);
  });

  it('rejects bad actions, steps before reset and bad options without changing state', () => {
    const env = new CartPoleEnv();
    expect(() => env.step(0)).toThrow(ResetNeededError);
    env.reset({ seed: 1 });
    const before = env.state;
    for (const bad of [2, -1, 0.5, NaN]) expect(() => env.step(bad)).toThrow(InvalidActionError);
    expect(() => env.reset({ seed: -3 })).toThrow(InvalidOptionError);
    expect(() => env.reset({ options: { low: 0.1, high: -0.1 } })).toThrow(InvalidOptionError);
    expect(() => env.reset({ options: { lo: 0 } })).toThrow(InvalidOptionError);
    expect(() => {
      env.state = [0, 0, NaN, 0];
    }).toThrow(InvalidOptionError);
    expect(env.state).toEqual(before);
    expect(env.elapsedSteps).toBe(0);
    expect(() => makeEnv('CartPole-v1', { maxEpisodeSteps: 0 })).toThrow(InvalidOptionError);
    expect(() => makeEnv('CartPole-v1', { gravity: 3 })).toThrow(InvalidOptionError);
  });

  it('setting state after the end starts a replayable episode', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.state = [0, 0, 0.3, 0];
    expect(env.step(0).terminated).toBe(true);
    env.state = [0.1, 0.2, 0.01, -0.1];
    const r = env.step(1);
    expect(r.terminated).toBe(false);
    expect(env.elapsedSteps).toBe(1);
  });

  it('describes the situation in text', () => {
    const env = new CartPoleEnv();
    env.state = [0.5, -0.2, -0.1, -0.3];
    expect(env.describe()).toMatch(/leans 5\.73 deg to the left.*further.*x=0\.500/);
  });

  it('the balancing expert reaches 500 steps and its knobs behave', () => {
    const env = new CartPoleEnv();
    const expert = getExpert(env);
    let total = 0;
    for (let seed = 0; seed < 20; seed++) total += rollout(env, seed, () => expert.expertAction(env)).length - 1;
    expect(total).toBe(20 * 500);

    env.state = [0, 0, 0.05, 0.1];
    expect(expert.scores(env)[1]).toBeGreaterThan(0);
    const adversary = getExpert('CartPole-v1', { adversarial: 1 });
    expect(adversary.advise(env)).toMatchObject({ action: 0, mode: 'adversarial' });
    const noisy = getExpert('CartPole-v1', { accuracy: 0, seed: 4 });
    const picks = new Set(Array.from({ length: 40 }, () => noisy.advise(env).action));
    expect(picks).toEqual(new Set([0, 1]));
    expect(() => getExpert('CartPole-v1', { accuracy: 1.5 })).toThrow(InvalidOptionError);
  });
});
