// A small valid TrajectoryChunk (T=2 steps, 1 agent, obsDim 3, 4 actions) for durable-publish tests.
import type { TrajectoryChunk } from '@ala/protocol';

export function minimalChunk(actorId: string, chunkSeq = 0): TrajectoryChunk {
  const T = 2;
  return {
    v: 1,
    actorId,
    chunkSeq,
    T,
    nAgents: 1,
    obsDim: 3,
    nActions: 4,
    obs: new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
    actions: new Int32Array([1, 3]),
    rewards: new Float32Array([0, 1]),
    terminated: new Uint8Array([0, 1]),
    truncated: new Uint8Array([0, 0]),
    values: new Float32Array([0.5, 0.7]),
    logpMu: new Float32Array([-1.2, -0.9]),
    logpPk: new Float32Array([-1.3, -0.9]),
    policyVersion: new Uint32Array([4, 4]),
    advised: new Uint8Array([1, 0]),
    biasTaken: new Float32Array([0.5, 0]),
    adviceAgeMs: new Float32Array([120, 0]),
    truncValue: new Float32Array([0, 0]),
    nextObs: new Float32Array([0, 0, 0]),
    nextValue: new Float32Array([0]),
    nextDone: new Uint8Array([1]),
  };
}
