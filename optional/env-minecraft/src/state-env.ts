// The offline state view of Minecraft-v0 (`minecraftEnvSpec().create`): an Env with the fixed
// spaces whose legal actions, description and observation come from a captured state imported as
// bytes. The learner probes spaces with it; the scripted advisor imports a snapshot's envState
// and runs the expert on it. It is not a simulator: reset/step throw an EnvError pointing to
// `createAsync` (a live bot on a server). Must not load mineflayer or open sockets.
import {
  EnvError,
  ResetNeededError,
  discreteSpace,
  type BoxSpace,
  type DiscreteSpace,
  type Env,
  type PortableStateEnv,
  type ResetResult,
  type StepResult,
} from '@ala/envs';
import { describeMinecraft } from './describe';
import { legalMask } from './legal';
import { encodeObservation, minecraftObservationSpace } from './observation';
import { minecraftConfig, type MinecraftOptions } from './options';
import { ACTION_NAMES, Action, NUM_ACTIONS } from './rules';
import { decodeMinecraftState, encodeMinecraftState, type MinecraftState } from './state';

/** The Discrete action space with the action names (rules.ts ACTION_NAMES). */
export function minecraftActionSpace(): DiscreteSpace {
  return discreteSpace(ACTION_NAMES);
}

export class MinecraftStateEnv implements Env, PortableStateEnv {
  readonly id: string;
  readonly observationSpace: BoxSpace = minecraftObservationSpace();
  readonly actionSpace: DiscreteSpace = minecraftActionSpace();
  private state: MinecraftState | undefined;

  constructor(options: MinecraftOptions = {}) {
    this.id = minecraftConfig(options, {}).id;
  }

  reset(): ResetResult {
    throw new EnvError(`${this.id}: this is the offline state view; episodes are stepped on a server through minecraftEnvSpec().createAsync`);
  }

  step(_action: number): StepResult {
    throw new EnvError(`${this.id}: this is the offline state view; episodes are stepped on a server through minecraftEnvSpec().createAsync`);
  }

  /** The imported state; throws ResetNeededError before any import. */
  currentState(): MinecraftState {
    if (!this.state) throw new ResetNeededError(this.id, 'no state yet: importState(bytes) first');
    return this.state;
  }

  /** Mask of the imported state; before any import, only noop and the moves. */
  legalActions(): Uint8Array {
    if (this.state) return legalMask(this.state);
    const mask = new Uint8Array(NUM_ACTIONS);
    for (const a of [Action.noop, Action.forward, Action.back, Action.turn_left, Action.turn_right, Action.jump]) mask[a] = 1;
    return mask;
  }

  describe(): string {
    return this.state ? describeMinecraft(this.state) : 'Minecraft: no state imported yet.';
  }

  /** The observation of the imported state (as the live env produced it). */
  observe(): Float32Array {
    return encodeObservation(this.currentState());
  }

  exportState(): Uint8Array {
    return encodeMinecraftState(this.currentState());
  }

  /** Imports bytes of any Minecraft-v0 env (task and maxSteps travel in them); EnvStateError on bad bytes, and nothing changes. */
  importState(bytes: Uint8Array): void {
    this.state = decodeMinecraftState(bytes, this.id);
  }

  close(): void {
    this.state = undefined;
  }
}
