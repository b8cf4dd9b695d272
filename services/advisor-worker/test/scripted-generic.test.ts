// The scripted backend's generic path: any registered env with a portable state and an expert (here
// a small dial env registered by the test, neither CartPole nor CraftWorld) is rebuilt from the
// snapshot's envState and advised by its own expert; a missing envState, an env without portable
// state or expert, bytes the env refuses and a state that disagrees with the legal mask are refused
// with the same typed errors as CraftWorld, and counted.
import { boxSpace, createExpert, discreteSpace, EnvStateError, registerEnv, unregisterEnv, type Env, type PortableStateEnv } from '@ala/envs';
import type { StateSnapshot } from '@ala/protocol';
import { BackendError, scriptedBackend } from '../src';

/** A dial at 0..9 that should reach 7; left is illegal at 0. State bytes: [0xd1, position]. */
class DialEnv implements Env, PortableStateEnv {
  readonly id: string;
  readonly observationSpace = boxSpace([1], 0, 9);
  readonly actionSpace = discreteSpace(['left', 'right']);
  pos = 0;
  constructor(id: string) {
    this.id = id;
  }
  reset() {
    this.pos = 0;
    return { obs: Float32Array.of(this.pos), info: {} };
  }
  step(action: number) {
    this.pos = Math.max(0, Math.min(9, this.pos + (action === 1 ? 1 : -1)));
    return { obs: Float32Array.of(this.pos), reward: this.pos === 7 ? 1 : 0, terminated: this.pos === 7, truncated: false, info: {} };
  }
  legalActions = () => Uint8Array.of(this.pos > 0 ? 1 : 0, 1);
  describe = () => `dial at ${this.pos}`;
  close = () => undefined;
  exportState = () => Uint8Array.of(0xd1, this.pos);
  importState(bytes: Uint8Array) {
    if (bytes.length !== 2 || bytes[0] !== 0xd1) throw new EnvStateError(this.id, 'format', 'header', 'not a dial state');
    if (bytes[1]! > 9) throw new EnvStateError(this.id, 'range', 'position', 'position beyond 9');
    this.pos = bytes[1]!;
  }
}

const dialScores = (e: Env): number[] => {
  const pos = (e as DialEnv).pos;
  return [pos > 0 ? (pos > 7 ? 1 : -1) : -Infinity, pos < 7 ? 1 : -1];
};

function snapshot(envId: string, pos: number, over: Partial<StateSnapshot> = {}): StateSnapshot {
  const env = new DialEnv(envId);
  env.pos = pos;
  return {
    v: 1,
    agentId: 'a-0',
    actorId: 'a',
    envId,
    seq: 0,
    policyVersion: 1,
    episodeStep: 0,
    text: env.describe(),
    actionNames: ['left', 'right'],
    legal: Array.from(env.legalActions(), (x) => x === 1),
    envState: env.exportState(),
    createdAt: 0,
    ...over,
  };
}

const signal = new AbortController().signal;
async function refusal(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BackendError) return e;
    throw e;
  }
  throw new Error('the backend answered');
}

describe('scripted backend, generic path', () => {
  beforeAll(() => {
    registerEnv({ id: 'Dial-v0', create: () => new DialEnv('Dial-v0'), expert: (k) => createExpert('Dial-v0', dialScores, k) });
    registerEnv({ id: 'DialNoExpert-v0', create: () => new DialEnv('DialNoExpert-v0') });
  });
  afterAll(() => {
    unregisterEnv('Dial-v0');
    unregisterEnv('DialNoExpert-v0');
  });

  it('advises from the restored state with the env expert', async () => {
    const backend = scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 0, seed: 1, confidence: 0.7 });
    const low = await backend.advise(snapshot('Dial-v0', 3), signal);
    expect(low).toMatchObject({ action: 1, confidence: 0.7, model: 'scripted-Dial-v0', rationale: 'Dial-v0 expert' });
    const high = await backend.advise(snapshot('Dial-v0', 9), signal);
    expect(high.action).toBe(0);
    expect(low.scores).toEqual([-1, 1]);
    expect(backend.stats!()).toMatchObject({ scriptedStateEnv: 2, scriptedExpert: 2 });
  });

  it('refuses what it cannot advise on, with typed errors, and counts it', async () => {
    const backend = scriptedBackend({ latencyMs: 0, accuracy: 1, adversarial: 0, seed: 1, confidence: 0.7 });
    const { envState: _omit, ...noState } = snapshot('Dial-v0', 3);
    expect(await refusal(backend.advise(noState, signal))).toMatchObject({ kind: 'unsupported' });
    expect(await refusal(backend.advise(snapshot('Dial-v0', 3, { envState: Uint8Array.of(1, 2, 3) }), signal))).toMatchObject({ kind: 'invalid-answer' });
    expect(await refusal(backend.advise(snapshot('Dial-v0', 3, { envState: Uint8Array.of(0xd1, 0) }), signal))).toMatchObject({
      kind: 'invalid-answer',
      detail: 'envState disagrees with the snapshot legal mask',
    });
    expect(await refusal(backend.advise(snapshot('DialNoExpert-v0', 3), signal))).toMatchObject({ kind: 'unsupported' });
    expect(await refusal(backend.advise(snapshot('Unknown-v0', 3), signal))).toMatchObject({ kind: 'unsupported' });
    expect(backend.stats!()).toMatchObject({ scriptedStateEnv: 0, scriptedNoEnvState: 1, scriptedBadEnvState: 2 });
  });
});
