// The scripted-expert interface shared by every env, and the accuracy/adversarial knobs the
// scripted advisor uses. An expert reads the env's current state (never steps it) and returns
// per-action scores; the knobs decide, with a seeded generator, whether the advice is the
// expert's, a random legal action, or deliberately the worst one. Must not mutate the env.
import type { Env } from './env';
import { InvalidOptionError } from './errors';
import { Pcg64, randInt, type Rng } from './numpy-random';

export interface ExpertKnobs {
  /** Probability in [0, 1] of advising the expert's best action (else a uniformly random legal action). Default 1. */
  readonly accuracy?: number;
  /** Probability in [0, 1] of advising the worst legal action instead (adversarial advice). Default 0. */
  readonly adversarial?: number;
  /** Seed for the knob draws (ignored when `rng` is given). Default 0. */
  readonly seed?: number | bigint;
  /** Generator for the knob draws. */
  readonly rng?: Rng;
}

/** What an expert advises in one state. */
export interface Advice {
  readonly action: number;
  /** Per-action scores consistent with `action` (it has the highest legal score); -Infinity = illegal. */
  readonly scores: number[];
  /** Which knob produced the advice. */
  readonly mode: 'expert' | 'random' | 'adversarial';
}

export interface Expert<E extends Env = Env> {
  readonly envId: string;
  /** Noise-free per-action scores for the env's current state: higher is better, -Infinity for illegal actions. */
  scores(env: E): number[];
  /** The advised action after the knobs (`advise(env).action`). */
  expertAction(env: E): number;
  /** The advised action and scores after the knobs. */
  advise(env: E): Advice;
}

/** Scores of an expert without knobs; an env's expert factory supplies this. */
export type ScoreFn<E extends Env> = (env: E) => number[];

function checkProbability(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new InvalidOptionError(name, v, `${name} must be a number in [0, 1]`);
  return v;
}

/** Index of the highest (or lowest, when `worst`) finite score; ties go to the lowest index. */
export function argBest(scores: readonly number[], worst = false): number {
  let best = -1;
  let bestV = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i] ?? -Infinity;
    if (v === -Infinity) continue;
    if (best < 0 || (worst ? v < bestV : v > bestV)) {
      best = i;
      bestV = v;
    }
  }
  return best < 0 ? 0 : best;
}

/** Wraps a score function with the accuracy/adversarial knobs. */
export function createExpert<E extends Env>(envId: string, scoreFn: ScoreFn<E>, knobs: ExpertKnobs = {}): Expert<E> {
  const accuracy = checkProbability('accuracy', knobs.accuracy ?? 1);
  const adversarial = checkProbability('adversarial', knobs.adversarial ?? 0);
  const rng: Rng = knobs.rng ?? Pcg64.fromSeed(knobs.seed ?? 0);
  const advise = (env: E): Advice => {
    const scores = scoreFn(env);
    if (adversarial > 0 && rng.nextFloat() < adversarial) {
      const inverted = scores.map((s) => (s === -Infinity ? s : -s));
      return { action: argBest(inverted), scores: inverted, mode: 'adversarial' };
    }
    if (accuracy < 1 && rng.nextFloat() >= accuracy) {
      const legal = scores.flatMap((s, i) => (s === -Infinity ? [] : [i]));
      const action = legal[randInt(rng, legal.length)] ?? 0;
      return { action, scores: scores.map((s, i) => (s === -Infinity ? s : i === action ? 1 : 0)), mode: 'random' };
    }
    return { action: argBest(scores), scores, mode: 'expert' };
  };
  return { envId, scores: scoreFn, advise, expertAction: (env) => advise(env).action };
}
