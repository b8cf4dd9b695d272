// ChunkBuilder: rows land at t*nAgents + i, bootstrap columns and done flags are filled, the
// result is a valid TrajectoryChunk (encode validates), and a full chunk refuses another step.
import { decode, encode, TrajectoryChunk } from '@ala/protocol';
import { ChunkBuilder, chunkWireBytes, maxChunkSteps, type StepRecord } from '@ala/policy';

const rec = (over: Partial<StepRecord> = {}): StepRecord => ({
  action: 1,
  reward: 1,
  terminated: false,
  truncated: false,
  value: 0.5,
  logpMu: -0.6,
  logpPk: -0.7,
  policyVersion: 3,
  advised: false,
  biasTaken: 0,
  adviceAgeMs: 0,
  ...over,
});

test('two steps x two agents: layout, bootstrap, done flags, wire round trip', () => {
  const b = new ChunkBuilder('act-1', 2, 2, 3, 2);
  for (let t = 0; t < 2; t++) {
    b.beginStep(Float32Array.from([t, t, t, 10 + t, 10 + t, 10 + t]), Uint8Array.from([1, 1, 1, 1]));
    b.record(0, rec({ action: t, reward: t + 1 }));
    b.record(1, rec({ advised: true, biasTaken: 0.25, adviceAgeMs: 12, truncated: t === 1 }));
    if (t === 1) b.setTruncValue(1, 4.5);
    b.endStep();
  }
  expect(b.full).toBe(true);
  const c = b.finish(Float32Array.from([7, 7, 7, 8, 8, 8]), Float32Array.from([0.1, 0.2]));
  expect(c).toMatchObject({ actorId: 'act-1', chunkSeq: 0, T: 2, nAgents: 2, obsDim: 3, nActions: 2 });
  expect([...c.actions]).toEqual([0, 1, 1, 1]);
  expect([...c.rewards]).toEqual([1, 1, 2, 1]);
  expect([...c.advised]).toEqual([0, 1, 0, 1]);
  expect([...c.truncValue]).toEqual([0, 0, 0, 4.5]);
  expect([...c.nextDone]).toEqual([0, 1]);
  expect([...c.obs.subarray(9, 12)]).toEqual([11, 11, 11]);
  const back = decode(TrajectoryChunk, encode(TrajectoryChunk, c));
  expect([...back.adviceAgeMs]).toEqual([0, 12, 0, 12]);
  expect(b.nextSeq).toBe(1);
  expect(b.steps).toBe(0);
});

test('a full chunk refuses another step, and finish refuses a partial one', () => {
  const b = new ChunkBuilder('a', 1, 1, 1, 2);
  expect(() => b.finish(new Float32Array(1), new Float32Array(1))).toThrow(/0 of 1 steps/);
  b.beginStep(new Float32Array(1), Uint8Array.from([1, 1]));
  b.record(0, rec());
  b.endStep();
  expect(() => b.beginStep(new Float32Array(1), Uint8Array.from([1, 1]))).toThrow(/full/);
});

test.each([
  [4, 3, 10, 5],
  [32, 20, 1401, 13], // Minecraft-v0 with 20 agents: ~3.6 MB, over a default 1 MB max_payload
  [32, 2, 4, 2],
])('chunkWireBytes bounds the encoded size of T=%i x %i agents (obs %i, %i actions)', (T, n, obsDim, nActions) => {
  const b = new ChunkBuilder('act-1', T, n, obsDim, nActions);
  for (let t = 0; t < T; t++) {
    b.beginStep(new Float32Array(n * obsDim).fill(0.5), new Uint8Array(n * nActions).fill(1));
    for (let i = 0; i < n; i++) b.record(i, rec());
    b.endStep();
  }
  const bytes = encode(TrajectoryChunk, b.finish(new Float32Array(n * obsDim), new Float32Array(n))).length;
  const estimate = chunkWireBytes(T, n, obsDim, nActions);
  expect(estimate).toBeGreaterThanOrEqual(bytes);
  expect(estimate - bytes).toBeLessThan(4096);
  expect(maxChunkSteps(estimate, n, obsDim, nActions, 1000)).toBe(T); // the inverse of chunkWireBytes
  expect(maxChunkSteps(estimate - 1, n, obsDim, nActions, 1000)).toBe(Math.max(1, T - 1));
});

test('maxChunkSteps: Minecraft-v0 with 20 agents fits 8 steps in 1 MiB, the cap in 8 MiB, and never fewer than 1', () => {
  expect(maxChunkSteps(1024 * 1024, 20, 1401, 13, 32)).toBe(8);
  expect(maxChunkSteps(8 * 1024 * 1024, 20, 1401, 13, 32)).toBe(32);
  expect(maxChunkSteps(1000, 20, 1401, 13, 32)).toBe(1);
});
