// Batcher: invalid and future-version chunks refused, wholly stale chunks dropped (counted),
// ready at minBatch, joins the newest chunks of one T along the agent axis up to maxBatch.
import type { TrajectoryChunk } from '@ala/protocol';
import { Batcher } from '../src/batcher';

function chunk(nAgents: number, T: number, version: number, seq = 0): TrajectoryChunk {
  const k = T * nAgents;
  return {
    v: 1,
    actorId: 'a',
    chunkSeq: seq,
    T,
    nAgents,
    obsDim: 2,
    nActions: 2,
    obs: new Float32Array(k * 2).fill(seq),
    actions: new Int32Array(k),
    rewards: new Float32Array(k).fill(1),
    terminated: new Uint8Array(k),
    truncated: new Uint8Array(k),
    values: new Float32Array(k),
    logpMu: new Float32Array(k).fill(-0.69),
    logpPk: new Float32Array(k).fill(-0.69),
    policyVersion: new Uint32Array(k).fill(version),
    advised: new Uint8Array(k),
    biasTaken: new Float32Array(k),
    adviceAgeMs: new Float32Array(k),
    truncValue: new Float32Array(k),
    nextObs: new Float32Array(nAgents * 2),
    nextValue: new Float32Array(nAgents),
    nextDone: new Uint8Array(nAgents),
    legal: new Uint8Array(k * 2).fill(1),
  };
}

test('refuses bad shapes and versions from the future; drops wholly stale chunks', () => {
  const b = new Batcher(2, 2, 8, 64);
  expect(b.add({ ...chunk(2, 2, 1), obsDim: 3 }, 5, 2)).toBe('invalid');
  expect(b.add({ ...chunk(2, 2, 1), actions: Int32Array.from([0, 1, 2, 0]) }, 5, 2)).toBe('invalid');
  expect(b.add(chunk(2, 2, 6), 5, 2)).toBe('invalid');
  expect(b.add(chunk(2, 2, 2), 5, 2)).toBe('stale');
  expect(b.add(chunk(2, 2, 3), 5, 2)).toBe('ok');
  expect(b.counts).toMatchObject({ chunksIn: 5, chunksInvalid: 3, chunksStale: 1, samplesStale: 4 });
  expect(b.samples).toBe(4);
  expect(b.ready()).toBe(false);
});

test('joins chunks along the agent axis once minBatch samples of one T wait', () => {
  const b = new Batcher(2, 2, 8, 64);
  b.add(chunk(2, 2, 1, 0), 1, 4);
  b.add(chunk(3, 4, 1, 1), 1, 4); // another T, kept for later
  expect(b.ready()).toBe(true); // 12 samples with T=4
  const r = b.take()!;
  expect(r.T).toBe(4);
  expect(r.nAgents).toBe(3);
  expect(b.samples).toBe(4);
  b.add(chunk(2, 2, 1, 2), 1, 4);
  const r2 = b.take()!;
  expect(r2.nAgents).toBe(4);
  expect([...r2.obs.subarray(0, 8)]).toEqual([0, 0, 0, 0, 2, 2, 2, 2]);
  expect(b.take()).toBeUndefined();
});

test('caps a batch at maxBatch keeping the newest chunks, and prunes chunks that became stale', () => {
  const b = new Batcher(2, 2, 4, 8);
  for (let i = 0; i < 4; i++) b.add(chunk(2, 2, 1, i), 1, 4);
  const r = b.take()!;
  expect(r.nAgents).toBe(4); // 2 newest chunks of 4 samples
  expect(r.obs[0]).toBe(2);
  expect(b.counts.samplesOverflow).toBe(8);
  b.add(chunk(2, 2, 1, 9), 1, 4);
  b.prune(6, 4);
  expect(b.samples).toBe(0);
  expect(b.counts.chunksStale).toBe(1);
});
