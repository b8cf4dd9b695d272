// The actor-runner's seams besides the Bus: where policies come from, where trajectory chunks go,
// and where the last stored bias per agent is read at start. JetStream implements them in
// production (nats-io.ts); `ala up` without a server and unit tests use in-memory ones.
// Types and the object naming rule only: no I/O here.
import type { Bias, TrajectoryChunk } from '@ala/protocol';

/** Read side of the policy stores (KV `latest` + Object Store weights). */
export interface PolicySource {
  /** Latest stored policy version, or undefined when none was published yet. */
  latestVersion(): Promise<number | undefined>;
  /** ONNX bytes of a stored object (e.g. `v3.onnx`); rejects when missing. */
  fetch(objectName: string): Promise<Uint8Array>;
  /**
   * Optional: calls `onStored` with each policy object stored from now on, as soon as it is stored
   * (before its announce), so the actor can prepare it; `onError` when the watch fails (it then
   * ends). Resolves with a function that stops watching.
   */
  watch?(onStored: (objectName: string, bytes: Uint8Array) => void, onError: (err: unknown) => void): Promise<() => void>;
}

/** Durable trajectory output (stream ALA_TRAJ). */
export interface TrajectorySink {
  /** Store a chunk exactly once under `msgId`; resolves when acknowledged. */
  publish(chunk: TrajectoryChunk, msgId: string): Promise<void>;
}

/** The last stored, unexpired bias of an agent (stream ALA_BIAS), read once at start. */
export interface StoredBiasSource {
  read(agentId: string): Promise<{ readonly value: Bias; remainingMs(): number } | undefined>;
}

/** Object name of a policy version in the weights store. */
export function policyObjectName(version: number): string {
  return `v${version}.onnx`;
}
