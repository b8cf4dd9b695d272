// The scripted advisor: the env's expert from @ala/envs answering from the snapshot alone, after
// a simulated thinking time (fixed, or uniform in [latencyMs, latencyMaxMs] from its own generator
// seeded by `seed`), with the expert's accuracy/adversarial knobs and one seeded generator for all
// knob draws. CartPole-v1: the float32 observation is the physics state the expert reads.
// CraftWorld (every registered variant): the planner needs the whole map, so the env is rebuilt
// from the snapshot's `envState` (CraftWorldEnv.fromState); a snapshot without it is refused as
// `unsupported`, malformed bytes or a state that disagrees with the snapshot's legal mask as
// `invalid-answer` (counted by the service, no advice). Any other registered env with a portable
// state and an expert (e.g. Minecraft-v0) takes the generic path of state-expert.ts with the same
// refusals. Must not publish or read the bus.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CARTPOLE_ID,
  CRAFTWORLD_VARIANTS,
  CartPoleEnv,
  CraftWorldEnv,
  EnvStateError,
  Pcg64,
  craftWorldExpert,
  getExpert,
  makeEnv,
  type Expert,
} from '@ala/envs';
import type { StateSnapshot } from '@ala/protocol';
import { BackendError, type AdvisorBackend, type BackendAnswer } from './backend';
import { stateExpert } from './state-expert';

export interface ScriptedOptions {
  /** Simulated thinking time per snapshot, ms (counts against the snapshot's TTL); the lower end when latencyMaxMs > 0. */
  latencyMs: number;
  /** 0 (default): always latencyMs; else each thinking time is uniform in [latencyMs, latencyMaxMs]. */
  latencyMaxMs?: number;
  /** Probability of the expert's action (else a random legal one). */
  accuracy: number;
  /** Probability of the worst action instead (adversarial advice). */
  adversarial: number;
  /** Seed of the knob draws. */
  seed: number;
  /** Confidence reported with every answer. */
  confidence: number;
}

/** The CraftWorld planner scores a move into a dead end about -1e6; scores this large are outliers, not preferences. */
const SCORE_OUTLIER = 1e5;

/**
 * Moves an outlier score to just beyond the other finite scores (same sign), so the mean-centred
 * bias (answerToBias) keeps the ordering without one outlier flattening every other difference.
 */
export function tameOutliers(scores: readonly number[]): number[] {
  const normal = scores.filter((x) => Number.isFinite(x) && Math.abs(x) < SCORE_OUTLIER);
  if (normal.length === 0) return [...scores];
  const lo = Math.min(...normal);
  const hi = Math.max(...normal);
  return scores.map((x) => (!Number.isFinite(x) || Math.abs(x) < SCORE_OUTLIER ? x : x < 0 ? lo - 1 : hi + 1));
}

/** True for env ids whose registered env is a CraftWorldEnv (built-in variants without building one). */
function craftWorldIds(): (envId: string) => boolean {
  const known = new Map<string, boolean>(Object.keys(CRAFTWORLD_VARIANTS).map((id) => [id, true]));
  return (envId) => {
    const hit = known.get(envId);
    if (hit !== undefined) return hit;
    let env;
    try {
      env = makeEnv(envId);
    } catch {
      return false; // unknown id: not cached, so the cache stays as small as the registry
    }
    const isCraft = env instanceof CraftWorldEnv;
    env.close();
    known.set(envId, isCraft);
    return isCraft;
  };
}

/** Draws thinking times: fixed latencyMs, or uniform in [latencyMs, latencyMaxMs] from a generator of its own (the knob draws stay as they were). */
export function thinkingTime(opts: Pick<ScriptedOptions, 'latencyMs' | 'latencyMaxMs' | 'seed'>): () => number {
  const lo = opts.latencyMs;
  const hi = opts.latencyMaxMs ?? 0;
  if (hi === 0) return () => lo;
  if (!(lo >= 0 && hi >= lo && Number.isFinite(hi))) throw new RangeError(`scripted latency: need 0 <= latencyMs <= latencyMaxMs, got [${lo}, ${hi}]`);
  const rng = Pcg64.fromSeed(BigInt(opts.seed) * 2n + 1n);
  return () => lo + (hi - lo) * rng.nextFloat();
}

export function scriptedBackend(opts: ScriptedOptions): AdvisorBackend {
  const knobs = { accuracy: opts.accuracy, adversarial: opts.adversarial, rng: Pcg64.fromSeed(opts.seed) };
  const cartExpert: Expert = getExpert(CARTPOLE_ID, knobs);
  const craftExpert: Expert = craftWorldExpert(knobs);
  const isCraftWorld = craftWorldIds();
  const cartEnv = makeEnv(CARTPOLE_ID);
  if (!(cartEnv instanceof CartPoleEnv)) throw new BackendError('unsupported', `${CARTPOLE_ID} is not a CartPoleEnv`);
  const thinkingMs = thinkingTime(opts);
  const modes = { expert: 0, random: 0, adversarial: 0 };
  const craft = { answered: 0, noState: 0, badState: 0 };
  const generic = stateExpert(knobs);

  const adviseCartPole = (snapshot: StateSnapshot): BackendAnswer => {
    const obs = snapshot.obs;
    if (obs === undefined || obs.length !== 4) throw new BackendError('unsupported', 'CartPole snapshot without its 4-value obs');
    cartEnv.state = obs;
    const advice = cartExpert.advise(cartEnv);
    modes[advice.mode]++;
    return { scores: advice.scores, action: advice.action, confidence: opts.confidence, model: 'scripted-cartpole', rationale: `cartpole ${advice.mode}` };
  };

  const adviseCraftWorld = (snapshot: StateSnapshot): BackendAnswer => {
    const bytes = snapshot.envState;
    if (bytes === undefined) {
      craft.noState++;
      throw new BackendError('unsupported', `${snapshot.envId} snapshot without envState: the planner needs the whole map`);
    }
    let env: CraftWorldEnv;
    try {
      env = CraftWorldEnv.fromState(bytes, snapshot.envId);
    } catch (err) {
      if (!(err instanceof EnvStateError)) throw err;
      craft.badState++;
      throw new BackendError('invalid-answer', `envState refused (${err.reason} ${err.field})`, { cause: err });
    }
    const legal = env.legalActions();
    if (legal.length !== snapshot.legal.length || snapshot.legal.some((l, a) => l !== (legal[a] === 1))) {
      craft.badState++;
      throw new BackendError('invalid-answer', 'envState disagrees with the snapshot legal mask');
    }
    const advice = craftExpert.advise(env);
    modes[advice.mode]++;
    craft.answered++;
    return {
      scores: tameOutliers(advice.scores),
      action: advice.action,
      confidence: opts.confidence,
      model: 'scripted-craftworld',
      rationale: `craftworld ${advice.mode}`,
    };
  };

  return {
    kind: 'scripted',
    async advise(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer> {
      const latencyMs = thinkingMs();
      if (latencyMs > 0) {
        try {
          await sleep(latencyMs, undefined, { signal });
        } catch (err) {
          throw new BackendError('aborted', 'aborted while thinking', { cause: err });
        }
      }
      if (signal.aborted) throw new BackendError('aborted', 'aborted');
      if (snapshot.envId === CARTPOLE_ID) return adviseCartPole(snapshot);
      if (isCraftWorld(snapshot.envId)) return adviseCraftWorld(snapshot);
      const advice = generic.advise(snapshot); // any env with a portable state and an expert, else `unsupported`
      modes[advice.mode]++;
      return {
        scores: tameOutliers(advice.scores),
        action: advice.action,
        confidence: opts.confidence,
        model: `scripted-${snapshot.envId}`,
        rationale: `${snapshot.envId} ${advice.mode}`,
      };
    },
    stats: () => ({
      scriptedExpert: modes.expert,
      scriptedRandom: modes.random,
      scriptedAdversarial: modes.adversarial,
      scriptedCraftWorld: craft.answered,
      scriptedStateEnv: generic.counts.answered,
      scriptedNoEnvState: craft.noState + generic.counts.noState,
      scriptedBadEnvState: craft.badState + generic.counts.badState,
    }),
  };
}
