// In-memory stand-ins for the JetStream parts of the training loop, used by `ala up` when no
// nats-server can be found (InProcessBus mode): a trajectory queue (actor sink + learner source)
// and a policy store (learner sink + actor source). Same contracts as the JetStream ports, minus
// durability: nothing survives the process. Must not: be used when a server is available.
import type { PolicySource, TrajectorySink } from '@ala/actor-runner';
import type { PolicySink, TrajectorySource } from '@ala/ppo-learner';
import type { TrajectoryChunk } from '@ala/protocol';

/** A bounded FIFO of chunks (oldest dropped beyond `capacity`), deduplicated by msg id. */
export class MemoryTrajectories implements TrajectorySink, TrajectorySource {
  private readonly queue: TrajectoryChunk[] = [];
  private readonly seen = new Set<string>();
  private wake: (() => void) | undefined;
  /** Chunks dropped because the queue was full. */
  dropped = 0;

  constructor(private readonly capacity = 256) {}

  publish(chunk: TrajectoryChunk, msgId: string): Promise<void> {
    if (this.seen.has(msgId)) return Promise.resolve();
    this.seen.add(msgId);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value as string);
    this.queue.push(chunk);
    if (this.queue.length > this.capacity) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.wake?.();
    return Promise.resolve();
  }

  async pull(max: number, expiresMs: number): Promise<TrajectoryChunk[]> {
    if (this.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, expiresMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.queue.splice(0, max);
  }

  invalid(): number {
    return 0;
  }

  close(): Promise<void> {
    this.wake?.();
    return Promise.resolve();
  }
}

/** Policy versions kept in a Map (last `keep` versions). */
export class MemoryPolicies implements PolicySource, PolicySink {
  private readonly objects = new Map<string, Uint8Array>();
  private latest: number | undefined;

  constructor(private readonly keep = 5) {}

  latestVersion(): Promise<number | undefined> {
    return Promise.resolve(this.latest);
  }

  fetch(objectName: string): Promise<Uint8Array> {
    const b = this.objects.get(objectName);
    return b === undefined ? Promise.reject(new Error(`object ${objectName} not found`)) : Promise.resolve(b);
  }

  put(version: number, objectName: string, bytes: Uint8Array): Promise<void> {
    this.objects.set(objectName, bytes);
    this.latest = version;
    this.objects.delete(`v${version - this.keep}.onnx`);
    return Promise.resolve();
  }
}
