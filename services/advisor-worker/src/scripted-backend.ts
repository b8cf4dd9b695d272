// The scripted advisor: the env's expert from @ala/envs answering from the snapshot alone, after
// a simulated thinking time, with the expert's accuracy/adversarial knobs and a seeded generator.
// CartPole-v1 is supported fully (the float32 observation is the physics state the expert reads);
// CraftWorld's planner needs the whole map, which a snapshot does not carry, so it is refused
// as `unsupported`. Must not publish or read the bus.
import { setTimeout as sleep } from 'node:timers/promises';
import { CARTPOLE_ID, CartPoleEnv, getExpert, makeEnv, type Expert } from '@ala/envs';
import type { StateSnapshot } from '@ala/protocol';
import { BackendError, type AdvisorBackend, type BackendAnswer } from './backend';

export interface ScriptedOptions {
  /** Simulated thinking time per snapshot, ms (counts against the snapshot's TTL). */
  latencyMs: number;
  /** Probability of the expert's action (else a random legal one). */
  accuracy: number;
  /** Probability of the worst action instead (adversarial advice). */
  adversarial: number;
  /** Seed of the knob draws. */
  seed: number;
  /** Confidence reported with every answer. */
  confidence: number;
}

export function scriptedBackend(opts: ScriptedOptions): AdvisorBackend {
  const expert: Expert = getExpert(CARTPOLE_ID, { accuracy: opts.accuracy, adversarial: opts.adversarial, seed: opts.seed });
  const env = makeEnv(CARTPOLE_ID);
  if (!(env instanceof CartPoleEnv)) throw new BackendError('unsupported', `${CARTPOLE_ID} is not a CartPoleEnv`);
  const modes = { expert: 0, random: 0, adversarial: 0 };
  return {
    kind: 'scripted',
    async advise(snapshot: StateSnapshot, signal: AbortSignal): Promise<BackendAnswer> {
      if (opts.latencyMs > 0) {
        try {
          await sleep(opts.latencyMs, undefined, { signal });
        } catch (err) {
          throw new BackendError('aborted', 'aborted while thinking', { cause: err });
        }
      }
      if (signal.aborted) throw new BackendError('aborted', 'aborted');
      if (snapshot.envId !== CARTPOLE_ID) throw new BackendError('unsupported', `scripted advice needs ${CARTPOLE_ID}, got ${snapshot.envId}`);
      const obs = snapshot.obs;
      if (obs === undefined || obs.length !== 4) throw new BackendError('unsupported', 'CartPole snapshot without its 4-value obs');
      env.state = obs;
      const advice = expert.advise(env);
      modes[advice.mode]++;
      return { scores: advice.scores, action: advice.action, confidence: opts.confidence, model: 'scripted-cartpole', rationale: `cartpole ${advice.mode}` };
    },
    stats: () => ({ scriptedExpert: modes.expert, scriptedRandom: modes.random, scriptedAdversarial: modes.adversarial }),
  };
}
