// JetStream implementations of the ppo-learner's ports: a durable pull consumer on ALA_TRAJ
// (messages are acknowledged when the service takes them, so max_ack_pending bounds what waits
// in memory) and the policy stores (weights Object Store, KV `latest`). Must not: hold domain logic.
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { TrajectoryChunk, decode, subjects } from '@ala/protocol';
import { ensurePolicyStores, resourceNames, type JetStreamContext, type PolicyStores } from '@ala/bus';
import type { PolicySink, TrajectorySource } from './ports';

/** Msg ids remembered to refuse a chunk seen twice (~65k x ~30 bytes: a few MB at most). */
export const SEEN_MSG_IDS = 65_536;

/** Durable consumer `name` on ALA_TRAJ (created if missing, delivering new chunks only). */
export async function jetStreamTrajectorySource(
  ctx: JetStreamContext,
  prefix: string,
  name: string,
  opts: { maxAckPending?: number } = {},
): Promise<TrajectorySource> {
  const stream = resourceNames(prefix).traj;
  const existing = await ctx.jsm.consumers.info(stream, name).catch(() => null);
  if (existing === null) {
    await ctx.jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      filter_subject: subjects(prefix).trajAll,
      max_ack_pending: opts.maxAckPending ?? 256,
      ack_wait: 60_000_000_000,
    });
  }
  const consumer = await ctx.js.consumers.get(stream, name);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 64 });
  const queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let invalid = 0;
  let duplicates = 0;
  let redelivered = 0;
  const seen = new Set<string>(); // recent Nats-Msg-Ids (insertion order: the oldest is evicted first)
  let closing = false;
  // Set while the consumer cannot deliver (its iterator failed, or the server says the consumer or
  // stream is gone); pull() then throws it, so the learner counts it, instead of returning nothing.
  let dead: Error | undefined;
  const fail = (why: string, cause?: unknown): void => {
    dead = new Error(`trajectory consumer ${name} on ${stream}: ${why}`, { cause });
    wake?.();
  };
  const pump = (async () => {
    for await (const m of messages) {
      dead = undefined; // delivering again (e.g. the consumer was recreated)
      queue.push(m);
      wake?.();
    }
    if (!closing) throw new Error('the consumer stopped delivering');
  })().catch((err: unknown) => fail(`dead: ${err instanceof Error ? err.message : String(err)}`, err));
  void (async () => {
    for await (const st of messages.status()) {
      if (st.type === 'consumer_deleted') fail(`deleted on the server (${st.description})`);
      else if (st.type === 'consumer_not_found' || st.type === 'stream_not_found') fail(st.type.replace(/_/g, ' '));
      else if (st.type === 'heartbeat') dead = undefined; // the server serves this consumer's pulls again
    }
  })().catch((err: unknown) => fail(`status stream failed: ${err instanceof Error ? err.message : String(err)}`, err));
  return {
    pull: async (max, expiresMs) => {
      if (dead !== undefined && queue.length === 0) throw dead;
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, expiresMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
      const out: TrajectoryChunk[] = [];
      for (const m of queue.splice(0, max)) {
        m.ack();
        if (m.redelivered) redelivered += 1;
        const id = m.headers?.get('Nats-Msg-Id') ?? '';
        if (id !== '') {
          if (seen.has(id)) {
            duplicates += 1; // stored twice (outside the dedupe window) or delivered again: trained once only
            continue;
          }
          seen.add(id);
          if (seen.size > SEEN_MSG_IDS) seen.delete(seen.values().next().value!);
        }
        try {
          out.push(decode(TrajectoryChunk, m.data));
        } catch {
          invalid += 1;
        }
      }
      return out;
    },
    invalid: () => invalid,
    duplicates: () => duplicates,
    redelivered: () => redelivered,
    close: async () => {
      closing = true;
      await messages.close();
      await pump;
      wake?.();
    },
  };
}

/** Models up to this size are also put in the KV bucket (key = object name): one direct get for actors. */
export const KV_FAST_PATH_MAX_BYTES = 512 * 1024;

/**
 * Weights into the Object Store as `objectName` (canonical copy) and, when small enough, into KV under
 * the same key (the actors' fast path: a KV get is one round trip, an Object Store read several),
 * then KV `latest` = version; keeps the last `keep` versions.
 */
export function jetStreamPolicySink(stores: PolicyStores, keep = 5): PolicySink {
  let pruneErrors = 0;
  const prune = (p: Promise<unknown>): Promise<unknown> => p.catch(() => void (pruneErrors += 1)); // counted; the next put prunes its own old version
  return {
    pruneErrors: () => pruneErrors,
    latestVersion: async () => {
      const e = await stores.kv.get('latest');
      const v = e === null ? NaN : Number(e.string());
      return Number.isSafeInteger(v) && v >= 1 ? v : undefined;
    },
    put: async (version, objectName, bytes) => {
      await stores.weights.putBlob({ name: objectName }, bytes);
      if (bytes.byteLength <= KV_FAST_PATH_MAX_BYTES) await stores.kv.put(objectName, bytes);
      await stores.kv.put('latest', String(version));
      if (version > keep) {
        const old = `v${version - keep}.onnx`;
        await prune(stores.weights.delete(old));
        await prune(stores.kv.purge(old));
      }
    },
  };
}

/** Opens the policy stores and the consumer; returns both ports. */
export async function jetStreamLearnerPorts(
  ctx: JetStreamContext,
  prefix: string,
  consumer: string,
  opts: { replicas?: number } = {},
): Promise<{ trajectories: TrajectorySource; policies: PolicySink }> {
  const stores = await ensurePolicyStores(ctx, prefix, { replicas: opts.replicas });
  return { trajectories: await jetStreamTrajectorySource(ctx, prefix, consumer), policies: jetStreamPolicySink(stores) };
}
