// Serves any local `Env` over the external-env bridge (EnvRequest -> EnvReply on
// `<prefix>.env.<instanceId>`), so a TypeScript env can run in another process or machine, and
// so the bridge client is tested against the same contract the Python example implements.
// Every failure becomes an `ok: false` reply with an error kind; the env is never left
// half-stepped because the env itself validates before mutating. Must not hold env logic.
import { envBridgeSubject, type EnvErrorKind, type EnvReply, type EnvRequest } from '@ala/protocol';
import type { BridgeServerTransport, BridgeServing } from './bridge-transport';
import type { Env } from './env';
import { InvalidActionError, InvalidOptionError, ResetNeededError } from './errors';
import { flatSize } from './spaces';

export interface ServeEnvOptions {
  /** Subject prefix (default 'ala'). */
  readonly prefix?: string;
  /** Instance id, the last subject token: [A-Za-z0-9_-]{1,64}. */
  readonly instanceId: string;
}

export interface EnvServerHandle extends BridgeServing {
  readonly subject: string;
  /** Requests answered, and how many of them were errors. */
  readonly stats: { requests: number; errors: number };
}

function errorKind(err: unknown): EnvErrorKind {
  if (err instanceof InvalidActionError) return 'invalid-action';
  if (err instanceof ResetNeededError) return 'reset-needed';
  if (err instanceof InvalidOptionError) return 'invalid-option';
  return 'internal';
}

/** Handles one decoded request against `env` (exported to test the contract without a transport). */
export function handleEnvRequest(env: Env, req: EnvRequest): EnvReply {
  try {
    switch (req.op) {
      case 'spec':
        return {
          v: 1,
          ok: true,
          envId: env.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
          obsDim: flatSize(env.observationSpace),
          actionNames: [...env.actionSpace.actionNames],
        };
      case 'reset': {
        const r = env.reset(req.seed === undefined ? {} : { seed: req.seed });
        return { v: 1, ok: true, obs: r.obs, legal: env.legalActions() };
      }
      case 'step': {
        const r = env.step(req.action ?? -1);
        return { v: 1, ok: true, obs: r.obs, reward: r.reward, terminated: r.terminated, truncated: r.truncated, legal: env.legalActions() };
      }
      case 'describe':
        return { v: 1, ok: true, text: env.describe() };
      case 'close':
        env.close();
        return { v: 1, ok: true };
    }
  } catch (err) {
    return { v: 1, ok: false, errorKind: errorKind(err), errorMessage: err instanceof Error ? err.message.slice(0, 2000) : String(err) };
  }
}

/** Starts answering bridge requests for `env`. */
export function serveEnv(env: Env, transport: BridgeServerTransport, options: ServeEnvOptions): EnvServerHandle {
  const subject = envBridgeSubject(options.prefix ?? 'ala', options.instanceId);
  const stats = { requests: 0, errors: 0 };
  const serving = transport.serve(subject, (req) => {
    const reply = handleEnvRequest(env, req);
    stats.requests++;
    if (!reply.ok) stats.errors++;
    return reply;
  });
  return { subject, stats, stop: () => serving.stop() };
}
