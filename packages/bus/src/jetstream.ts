// JetStream resources of ALA: stream ALA_BIAS (last bias per agent, per-message TTL), stream
// ALA_TRAJ (trajectory chunks, msg-id dedupe), a KV bucket for the latest policy version and an
// Object Store bucket for policy weights. Each is created or updated idempotently and its config
// is read back; TTL enforcement is detected, never assumed (servers < 2.11 silently drop
// allow_msg_ttl, FIELD-NOTES). Publishing lives in stored.ts; nothing here subscribes.
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { nanos, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@ala/protocol';
import { JetStreamSetupError } from './errors';

/** nc plus its JetStream client and manager. */
export interface JetStreamContext {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

export async function openJetStream(nc: NatsConnection, opts: { timeoutMs?: number } = {}): Promise<JetStreamContext> {
  const jsm = await jetstreamManager(nc, { timeout: opts.timeoutMs ?? 5_000 });
  return { nc, jsm, js: jetstream(nc, { timeout: opts.timeoutMs ?? 5_000 }) };
}

/** Resource names for a subject prefix: 'ala' -> ALA_BIAS, ALA_TRAJ, ALA_POLICY, ALA_WEIGHTS. */
export function resourceNames(prefix = 'ala'): { bias: string; traj: string; policyKv: string; weights: string } {
  const p = subjects(prefix).prefix.toUpperCase().replace(/\./g, '_');
  return { bias: `${p}_BIAS`, traj: `${p}_TRAJ`, policyKv: `${p}_POLICY`, weights: `${p}_WEIGHTS` };
}

export interface StreamsOptions {
  /** Ceiling on any stored bias, also when per-message TTL is not enforced (default 60 s). */
  biasMaxAgeMs?: number;
  /** ALA_BIAS storage (default memory: a bias is worthless after a restart of the server). */
  biasStorage?: 'memory' | 'file';
  /** ALA_TRAJ retention by age (default 24 h) and size (default 1 GiB). */
  trajMaxAgeMs?: number;
  trajMaxBytes?: number;
  /** Msg-id dedupe window of ALA_TRAJ (default 2 min). */
  trajDuplicateWindowMs?: number;
  /**
   * Streams to create or update (default both). An identity ensures only what it owns
   * (docs/security.md: the router ALA_BIAS, actors and the learner ALA_TRAJ); the others are
   * neither touched nor read, and are `undefined` in the result.
   */
  ensure?: readonly ('bias' | 'traj')[];
  /** Replicas of each stream (ALA_STREAM_REPLICAS, default 1; 3 on a 3-node cluster keeps them through a node loss). */
  replicas?: number;
}

export interface EnsuredStreams {
  /** Undefined when not in `ensure`. */
  readonly bias: StreamInfo | undefined;
  readonly traj: StreamInfo | undefined;
  readonly ttl: TtlSupport;
}

/**
 * Creates the stream when missing, updates it only when a field we set differs (so an identity
 * allowed to create but not to update a stream, docs/security.md, can open an existing one).
 */
async function upsertStream(jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }): Promise<StreamInfo> {
  try {
    let have: StreamInfo;
    try {
      have = await jsm.streams.info(cfg.name);
    } catch {
      return await jsm.streams.add(cfg);
    }
    const differs = (Object.keys(cfg) as (keyof StreamConfig)[]).some((k) => JSON.stringify(cfg[k]) !== JSON.stringify(have.config[k]));
    return differs ? await jsm.streams.update(cfg.name, cfg) : have;
  } catch (err) {
    throw new JetStreamSetupError(cfg.name, 'could not create or update the stream', { cause: err });
  }
}

function expectEqual(resource: string, field: string, want: unknown, got: unknown): void {
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    throw new JetStreamSetupError(resource, `config read back has ${field}=${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`);
  }
}

/** Creates or updates ALA_BIAS and ALA_TRAJ for `prefix`, reads both back and checks them. */
export async function ensureStreams(ctx: JetStreamContext, prefix = 'ala', opts: StreamsOptions = {}): Promise<EnsuredStreams> {
  const s = subjects(prefix);
  const names = resourceNames(prefix);
  const biasCfg = {
    name: names.bias,
    subjects: [s.biasAll],
    storage: opts.biasStorage === 'file' ? StorageType.File : StorageType.Memory,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    max_age: nanos(opts.biasMaxAgeMs ?? 60_000),
    allow_msg_ttl: true,
    allow_direct: true,
    num_replicas: opts.replicas ?? 1,
  };
  const trajCfg = {
    name: names.traj,
    subjects: [s.trajAll],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(opts.trajMaxAgeMs ?? 24 * 3_600_000),
    max_bytes: opts.trajMaxBytes ?? 1024 ** 3,
    duplicate_window: nanos(opts.trajDuplicateWindowMs ?? 120_000),
    num_replicas: opts.replicas ?? 1,
  };
  const ensure = opts.ensure ?? ['bias', 'traj'];
  if (ensure.includes('bias')) await upsertStream(ctx.jsm, biasCfg);
  if (ensure.includes('traj')) await upsertStream(ctx.jsm, trajCfg);
  // read back: what the server kept, not what we asked for
  const bias = ensure.includes('bias') ? await ctx.jsm.streams.info(names.bias) : undefined;
  const traj = ensure.includes('traj') ? await ctx.jsm.streams.info(names.traj) : undefined;
  if (bias)
    for (const f of ['subjects', 'storage', 'max_msgs_per_subject', 'max_age', 'discard', 'allow_direct', 'num_replicas'] as const)
      expectEqual(names.bias, f, biasCfg[f], bias.config[f]);
  if (traj)
    for (const f of ['subjects', 'storage', 'max_age', 'max_bytes', 'duplicate_window', 'num_replicas'] as const)
      expectEqual(names.traj, f, trajCfg[f], traj.config[f]);
  const version = ctx.nc.info?.version ?? 'unknown';
  const ttl = bias
    ? ttlSupportOf(version, bias)
    : { enforced: false, serverVersion: version, reason: `${names.bias} not ensured here (detectTtlSupport reads it)` };
  return { bias, traj, ttl };
}

export interface TtlSupport {
  /** True only when the server is >= 2.11 AND the stream config read back has allow_msg_ttl. */
  readonly enforced: boolean;
  readonly serverVersion: string;
  readonly reason: string;
}

function atLeast(version: string, major: number, minor: number): boolean {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

function ttlSupportOf(serverVersion: string, info: StreamInfo): TtlSupport {
  const name = info.config.name;
  if (!atLeast(serverVersion, 2, 11)) {
    return { enforced: false, serverVersion, reason: `nats-server ${serverVersion} < 2.11 ignores per-message TTL (Nats-TTL)` };
  }
  if (info.config.allow_msg_ttl !== true) {
    return { enforced: false, serverVersion, reason: `stream ${name} config read back lacks allow_msg_ttl: true` };
  }
  return { enforced: true, serverVersion, reason: `nats-server ${serverVersion} and stream ${name} has allow_msg_ttl: true` };
}

/** Reads the stream config back and reports whether the server itself deletes expired messages. */
export async function detectTtlSupport(ctx: JetStreamContext, streamName: string): Promise<TtlSupport> {
  let info: StreamInfo;
  try {
    info = await ctx.jsm.streams.info(streamName);
  } catch (err) {
    throw new JetStreamSetupError(streamName, 'cannot read the stream config', { cause: err });
  }
  return ttlSupportOf(ctx.nc.info?.version ?? 'unknown', info);
}

export interface PolicyStores {
  /** Key `latest` holds the latest policy version (decimal string). */
  readonly kv: KV;
  /** One object per policy version, named `v<version>.onnx` by convention. */
  readonly weights: ObjectStore;
}

/** Creates (or opens) the policy-version KV bucket and the weights Object Store, checking both back. */
export async function ensurePolicyStores(ctx: JetStreamContext, prefix = 'ala', opts: { history?: number; replicas?: number } = {}): Promise<PolicyStores> {
  const names = resourceNames(prefix);
  const history = opts.history ?? 5;
  let kv: KV;
  let weights: ObjectStore;
  try {
    kv = await new Kvm(ctx.nc).create(names.policyKv, { history, storage: StorageType.File, replicas: opts.replicas ?? 1 });
    weights = await new Objm(ctx.nc).create(names.weights, { storage: StorageType.File, replicas: opts.replicas ?? 1 });
  } catch (err) {
    throw new JetStreamSetupError(`${names.policyKv}/${names.weights}`, 'could not create the policy stores', { cause: err });
  }
  const kvStatus = await kv.status();
  expectEqual(names.policyKv, 'history', history, kvStatus.history);
  const objStatus = await weights.status();
  expectEqual(names.weights, 'bucket', names.weights, objStatus.bucket);
  return { kv, weights };
}

/**
 * Opens the policy stores without creating them (an actor's identity may not, docs/security.md):
 * polls their stream info every `pollMs` until the ppo-learner has created both, calling
 * `onWaiting` once if it has to wait, then opens them as ensurePolicyStores does. A stream-info
 * error other than a permission error (e.g. a timeout while a cluster elects the new stream's
 * leader) is reported to `onTransientError` and polled again; a permission error is thrown.
 */
export async function openPolicyStores(
  ctx: JetStreamContext,
  prefix = 'ala',
  opts: { pollMs?: number; onWaiting?: () => void; onTransientError?: (stream: string, err: unknown) => void; signal?: AbortSignal; replicas?: number } = {},
): Promise<PolicyStores> {
  const names = resourceNames(prefix);
  let warned = false;
  for (;;) {
    const exists = await Promise.all(
      [`KV_${names.policyKv}`, `OBJ_${names.weights}`].map((n) =>
        ctx.jsm.streams.info(n).then(
          () => true,
          (err: unknown) => {
            const message = String((err as Error).message);
            if (/stream not found/i.test(message)) return false;
            // a permission error never heals; anything else (a timeout, a cluster electing the
            // stream's leader just after the learner created it) is polled again like a missing store
            if (err instanceof PermissionViolationError || /permission|authorization/i.test(message)) {
              throw new JetStreamSetupError(n, 'cannot read the policy store', { cause: err });
            }
            opts.onTransientError?.(n, err);
            return false;
          },
        ),
      ),
    );
    if (exists.every(Boolean)) return ensurePolicyStores(ctx, prefix, { replicas: opts.replicas });
    if (opts.signal?.aborted) throw new JetStreamSetupError(`${names.policyKv}/${names.weights}`, 'gave up waiting for the policy stores');
    if (!warned) {
      warned = true;
      opts.onWaiting?.();
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}
