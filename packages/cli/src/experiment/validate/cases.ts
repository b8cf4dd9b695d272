// The configurations of the realtime validation: no advice, the good advisor at the paper's 3-5 s
// and at 50-100 ms, as in the advice-vs-none experiment (CraftWorld-v0, 8 agents at 10 steps/s,
// chunks of 128 steps = one learner batch, 64-64 MLP, accuracy 0.9, TTL 10 s / 200 ms, β = B = 1),
// shortened to `VALIDATION_STEPS` so that a real-time run takes minutes. Each case is run three
// ways: on the services in real time; on the virtual clock as the experiments run it ('lockstep':
// policy lag 0, one snapshot in flight per agent); and on the virtual clock modelling the services
// ('services model': the policy acts `POLICY_DELAY_MS` after its chunk, answers reach the actor
// `DELIVERY_MS` after the vote, snapshots every `snapshotEvery` steps of an agent as the actor
// takes them). Must not: run anything.
import { SERVICES_TIMING, goodAdvisor, runConfig, type RunConfig } from '../run-config';

/** Env steps of a validation run (all agents): 16,384 = 2,048 vector steps = 205 s at 8 x 10 steps/s. */
export const VALIDATION_STEPS = 16_384;

/**
 * Run-clock ms from a chunk's last step to its policy acting, in the services model: the learner's
 * pull and update of one 1,024-sample batch (64-64 MLP, 4 epochs: ~0.07 s here), the Object Store
 * put and announce, the actor's fetch and ONNX load. A first services run swapped 1-2 vector steps
 * (8-16 env steps) after the chunk; every validation reports the measured lag
 * (ServicesExtra.policyLagSteps). Set before the comparison, not fitted to it.
 */
export const POLICY_DELAY_MS = SERVICES_TIMING.policyDelayMs;
/** Answer to bias table in the services model: the vote-aggregator's 5 ms window (`ala up`'s) plus NATS hops. */
export const DELIVERY_MS = SERVICES_TIMING.deliveryMs;

export type ModelKind = 'lockstep' | 'services-model';
export const MODELS: readonly ModelKind[] = ['lockstep', 'services-model'];

export interface ValidationCase {
  readonly id: string;
  readonly label: string;
  /** As the advice-vs-none experiment runs it, at validation size. */
  readonly config: RunConfig;
  /** The actor's snapshot period on the services (steps of an agent); the services model snapshots as often. */
  readonly snapshotEvery: number;
}

/** Lockstep: the policy trained on a chunk acts from the next step, answers reach the table at once. */
const LOCKSTEP = { policyDelayMs: null, deliveryMs: null };
const SIZE = { totalSteps: VALIDATION_STEPS, evalEverySteps: 4096, evalEpisodes: 16, ...LOCKSTEP };

export function validationCases(steps = VALIDATION_STEPS): ValidationCase[] {
  const size = { ...SIZE, totalSteps: steps, evalEverySteps: Math.min(SIZE.evalEverySteps, steps) };
  return [
    { id: 'none', label: 'no advice', config: runConfig({ ...size }), snapshotEvery: 0 },
    {
      id: 'good-3-5s',
      label: 'good advisor, 3-5 s, TTL 10 s',
      config: runConfig({ ...size, advisors: [goodAdvisor({ latencyMs: [3000, 5000] })], ttlMs: 10_000 }),
      // the experiment snapshots when the previous answer arrived (every ~4 s); the actor every 40 steps of an agent (4 s)
      snapshotEvery: 40,
    },
    {
      id: 'good-50ms',
      label: 'good advisor, 50-100 ms, TTL 200 ms',
      config: runConfig({ ...size, advisors: [goodAdvisor({ latencyMs: [50, 100] })], ttlMs: 200 }),
      snapshotEvery: 1,
    },
  ];
}

/** The virtual configuration of `c` under `model`. */
export function virtualConfig(c: ValidationCase, model: ModelKind): RunConfig {
  if (model === 'lockstep') return c.config;
  const period = 1000 / c.config.stepHz;
  return runConfig(
    {
      policyDelayMs: POLICY_DELAY_MS,
      deliveryMs: DELIVERY_MS,
      // snapshots on the actor's schedule: never more than one per snapshotEvery steps, never held back by answers in flight
      ...(c.snapshotEvery > 0 ? { snapshotGapMs: c.snapshotEvery * period, inFlightPerAgent: 64 } : {}),
    },
    c.config,
  );
}
