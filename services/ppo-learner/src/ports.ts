// The ppo-learner's seams besides the Bus: where trajectory chunks come from (a durable pull
// consumer on ALA_TRAJ) and where policy versions go (weights Object Store + KV `latest`).
// JetStream implements them (nats-io.ts); `ala up` without a server uses in-memory ones.
// Types only: no behaviour here.
import type { TrajectoryChunk } from '@ala/protocol';

/** Pull side of the trajectory stream. Chunks that fail to decode are counted by the source. */
export interface TrajectorySource {
  /** Up to `max` chunks, waiting at most `expiresMs` for the first; acknowledged on return. */
  pull(max: number, expiresMs: number): Promise<TrajectoryChunk[]>;
  /** Payloads refused by the codec so far. */
  invalid(): number;
  /** Chunks whose msg id was seen already (skipped, not trained twice) / deliveries flagged redelivered. */
  duplicates?(): number;
  redelivered?(): number;
  close(): Promise<void>;
}

/** Write side of the policy stores. */
export interface PolicySink {
  /** Latest stored version, or undefined. */
  latestVersion(): Promise<number | undefined>;
  /** Store the ONNX bytes as `objectName`, then set `latest` = version. */
  put(version: number, objectName: string, bytes: Uint8Array): Promise<void>;
  /** Old versions that could not be deleted so far (counted, not thrown: the new one is stored). */
  pruneErrors?(): number;
}
