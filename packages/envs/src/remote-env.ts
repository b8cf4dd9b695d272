// The client side of the external-env bridge: `RemoteEnv` is an `AsyncEnv` whose every call is
// one EnvRequest/EnvReply round trip on `<prefix>.env.<instanceId>`. Actions are checked locally
// against the last legal mask before sending, so a bad action costs no round trip and changes
// nothing; remote errors come back as the same named errors a local env throws; transport
// failures and invalid replies are EnvBridgeError. Must not know any concrete env.
import { envBridgeSubject, type EnvErrorKind, type EnvReply, type EnvRequest } from '@ala/protocol';
import type { BridgeClientTransport } from './bridge-transport';
import type { AsyncEnv, ResetArgs, ResetResult, StepResult } from './env';
import { EnvBridgeError, InvalidActionError, InvalidOptionError, ResetNeededError, type EnvError } from './errors';
import { toSeedBigInt } from './numpy-random';
import { boxSpace, discreteSpace, type BoxSpace, type DiscreteSpace } from './spaces';

export interface RemoteEnvOptions {
  /** Subject prefix (default 'ala'). */
  readonly prefix?: string;
  /** Instance id of the served env (last subject token). */
  readonly instanceId: string;
  /** Per-request timeout (default 5000 ms). */
  readonly timeoutMs?: number;
}

export class RemoteEnv implements AsyncEnv {
  private legal: Uint8Array | undefined;
  private done = true;

  private constructor(
    readonly id: string,
    readonly observationSpace: BoxSpace,
    readonly actionSpace: DiscreteSpace,
    readonly subject: string,
    private readonly transport: BridgeClientTransport,
    private readonly timeoutMs: number,
  ) {}

  /** Asks the served env for its spaces and returns a client bound to it. */
  static async connect(transport: BridgeClientTransport, options: RemoteEnvOptions): Promise<RemoteEnv> {
    const subject = envBridgeSubject(options.prefix ?? 'ala', options.instanceId);
    const timeoutMs = options.timeoutMs ?? 5000;
    const spec = await call(transport, subject, timeoutMs, { v: 1, op: 'spec' });
    if (spec.envId === undefined || spec.obsDim === undefined || spec.actionNames === undefined) {
      throw new EnvBridgeError(subject, 'spec reply lacks envId, obsDim or actionNames');
    }
    const obsSpace = boxSpace([spec.obsDim], -Infinity, Infinity); // bounds do not travel: the box is unbounded
    return new RemoteEnv(spec.envId, obsSpace, discreteSpace(spec.actionNames), subject, transport, timeoutMs);
  }

  async reset(args: ResetArgs = {}): Promise<ResetResult> {
    if (args.options !== undefined && Object.keys(args.options).length > 0) {
      throw new InvalidOptionError('options', args.options, 'reset options do not travel over the env bridge');
    }
    let seed: number | undefined;
    if (args.seed !== undefined) {
      const big = toSeedBigInt(args.seed);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidOptionError('seed', args.seed, 'bridge seeds must be at most 2^53 - 1');
      seed = Number(big);
    }
    const r = await call(this.transport, this.subject, this.timeoutMs, seed === undefined ? { v: 1, op: 'reset' } : { v: 1, op: 'reset', seed });
    const obs = this.checkObs(r.obs);
    this.legal = this.checkLegal(r.legal);
    this.done = false;
    return { obs, info: {} };
  }

  async step(action: number): Promise<StepResult> {
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= this.actionSpace.n) {
      throw new InvalidActionError(this.id, action, `action must be an integer in [0, ${this.actionSpace.n}), got ${String(action)}`);
    }
    if (this.done) throw new ResetNeededError(this.id, 'call reset() before step() (episode over or not started)');
    if (this.legal?.[action] !== 1) throw new InvalidActionError(this.id, action, `${this.actionSpace.actionNames[action]} is not legal now`);
    const r = await call(this.transport, this.subject, this.timeoutMs, { v: 1, op: 'step', action });
    if (r.reward === undefined || r.terminated === undefined || r.truncated === undefined) {
      throw new EnvBridgeError(this.subject, 'step reply lacks reward, terminated or truncated');
    }
    const obs = this.checkObs(r.obs);
    this.legal = this.checkLegal(r.legal);
    this.done = r.terminated || r.truncated;
    return { obs, reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: {} };
  }

  /** The mask from the last reset/step reply (no round trip). */
  legalActions(): Promise<Uint8Array> {
    return Promise.resolve(this.legal ? this.legal.slice() : new Uint8Array(this.actionSpace.n).fill(1));
  }

  async describe(): Promise<string> {
    const r = await call(this.transport, this.subject, this.timeoutMs, { v: 1, op: 'describe' });
    return r.text ?? '';
  }

  async close(): Promise<void> {
    this.done = true;
    await call(this.transport, this.subject, this.timeoutMs, { v: 1, op: 'close' });
  }

  private checkObs(obs: Float32Array | undefined): Float32Array {
    if (obs === undefined || obs.length !== this.observationSpace.low.length) {
      throw new EnvBridgeError(this.subject, `reply obs has ${obs?.length ?? 'no'} elements, expected ${this.observationSpace.low.length}`);
    }
    return obs;
  }

  private checkLegal(legal: Uint8Array | undefined): Uint8Array {
    if (legal === undefined) return new Uint8Array(this.actionSpace.n).fill(1);
    if (legal.length !== this.actionSpace.n) throw new EnvBridgeError(this.subject, `legal mask has ${legal.length} entries, expected ${this.actionSpace.n}`);
    return legal;
  }
}

function remoteError(kind: EnvErrorKind, envId: string, message: string): EnvError {
  switch (kind) {
    case 'invalid-action':
      return new InvalidActionError(envId, undefined, `remote: ${message}`);
    case 'reset-needed':
      return new ResetNeededError(envId, `remote: ${message}`);
    case 'invalid-option':
      return new InvalidOptionError('remote', undefined, `remote: ${message}`);
    default:
      return new EnvBridgeError(envId, `remote ${kind}: ${message}`);
  }
}

async function call(transport: BridgeClientTransport, subject: string, timeoutMs: number, req: EnvRequest): Promise<EnvReply> {
  let reply: EnvReply;
  try {
    reply = await transport.request(subject, req, timeoutMs);
  } catch (cause) {
    throw new EnvBridgeError(subject, `${req.op} request on ${subject} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!reply.ok) throw remoteError(reply.errorKind ?? 'internal', subject, reply.errorMessage ?? '');
  return reply;
}
