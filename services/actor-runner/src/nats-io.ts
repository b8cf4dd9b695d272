// JetStream implementations of the actor-runner's ports: policies from KV `latest` and the
// weights Object Store, trajectory chunks into ALA_TRAJ with a msg id (publishDurable), the last
// stored bias per agent from ALA_BIAS (readLastBias). Must not: subscribe or hold domain logic.
import { TrajectoryChunk, subjects } from '@ala/protocol';
import {
  openPolicyStores,
  publishDurable,
  readLastBias,
  type BusLogger,
  type BusMetrics,
  type Clock,
  type JetStreamContext,
  type PolicyStores,
} from '@ala/bus';
import type { PolicySource, StoredBiasSource, TrajectorySink } from './ports';

/** Policy versions from KV key `latest`; ONNX bytes from KV (small models) or the weights Object Store. */
export function jetStreamPolicySource(stores: PolicyStores): PolicySource {
  return {
    latestVersion: async () => {
      const e = await stores.kv.get('latest');
      const v = e === null ? NaN : Number(e.string());
      return Number.isSafeInteger(v) && v >= 1 ? v : undefined;
    },
    fetch: async (objectName) => {
      // fast path: small models are also in KV under their object name (one direct get)
      const e = await stores.kv.get(objectName).catch(() => null); // KV miss or failure: the Object Store below is the canonical copy (its failure throws)
      if (e !== null && e.operation === 'PUT' && e.length > 0) return e.value;
      const bytes = await stores.weights.getBlob(objectName);
      if (bytes === null) throw new Error(`object ${objectName} not found`);
      return bytes;
    },
    watch: async (onStored, onError) => {
      // small models are put in KV under their object name before the announce: new ones are pushed here
      const updates = await stores.kv.watch({ key: '*.onnx', include: 'updates', ignoreDeletes: true });
      void (async () => {
        for await (const e of updates) if (e.operation === 'PUT' && e.length > 0) onStored(e.key, e.value);
      })().catch(onError);
      return () => updates.stop();
    },
  };
}

/** Chunks into ALA_TRAJ, `<prefix>.traj.<actorId>`, stored once per msg id. */
export function jetStreamTrajectorySink(ctx: JetStreamContext, prefix: string, metrics?: BusMetrics): TrajectorySink {
  const s = subjects(prefix);
  return {
    publish: async (chunk, msgId) => {
      await publishDurable(ctx, TrajectoryChunk, s.traj(chunk.actorId), chunk, msgId, metrics ? { metrics } : {});
    },
  };
}

/** Last unexpired bias per agent from ALA_BIAS. */
export function jetStreamStoredBias(ctx: JetStreamContext, prefix: string, clock?: Clock): StoredBiasSource {
  return { read: (agentId) => readLastBias(ctx, agentId, { prefix, ...(clock ? { clock } : {}) }) };
}

/** Opens the policy stores (waiting for the ppo-learner to create them: an actor may not) and returns all three ports. */
export async function jetStreamActorPorts(
  ctx: JetStreamContext,
  prefix: string,
  opts: { metrics?: BusMetrics; clock?: Clock; logger?: BusLogger; replicas?: number } = {},
): Promise<{ policies: PolicySource; trajectories: TrajectorySink; storedBias: StoredBiasSource }> {
  let transient = 0; // stream-info errors while the stores came up (logged once, counted here)
  const stores = await openPolicyStores(ctx, prefix, {
    replicas: opts.replicas,
    onWaiting: () => opts.logger?.info('waiting for the ppo-learner to create the policy stores'),
    onTransientError: (stream, err) => {
      transient += 1;
      if (transient === 1) opts.logger?.warn('reading the policy stores failed; polling again', { stream, error: err });
    },
  });
  if (transient > 0) opts.logger?.info('policy stores opened', { transientErrors: transient });
  return {
    policies: jetStreamPolicySource(stores),
    trajectories: jetStreamTrajectorySink(ctx, prefix, opts.metrics),
    storedBias: jetStreamStoredBias(ctx, prefix, opts.clock),
  };
}
