// Codec cost of @ala/protocol: encode+decode (with full validation) of a 20-action Bias message,
// the budget case (target <= 5 us), plus encode and decode alone, a StateSnapshot and a
// trajectory chunk (T=128 x 20 agents x obsDim 64). Times many calls per clock read and reports
// the median and p99 over samples. Run: npx tsx bench/codec/run.ts [--quick] [--out file.json]
import { writeFileSync } from 'node:fs';
import { Bias, StateSnapshot, TrajectoryChunk, decode, encode, type MessageDef } from '@ala/protocol';

const quick = process.argv.includes('--quick');
const outIdx = process.argv.indexOf('--out');
const SAMPLES = quick ? 50 : 300;

interface Result {
  name: string;
  bytes: number;
  calls: number;
  p50Us: number;
  p99Us: number;
}

function measure(name: string, bytes: number, callsPerSample: number, f: () => void): Result {
  for (let i = 0; i < Math.max(2000, callsPerSample * 20); i++) f(); // warm-up (JIT)
  const perCall: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < callsPerSample; i++) f();
    perCall.push(Number(process.hrtime.bigint() - t0) / 1e3 / callsPerSample);
  }
  perCall.sort((a, b) => a - b);
  const at = (q: number) => perCall[Math.min(perCall.length - 1, Math.floor(q * perCall.length))] as number;
  return { name, bytes, calls: SAMPLES * callsPerSample, p50Us: at(0.5), p99Us: at(0.99) };
}

function roundTrip<T>(def: MessageDef<T>, msg: T): () => void {
  return () => {
    decode(def, encode(def, msg));
  };
}

// 20-action bias, values as the router produces them (bounded by B = 2, not round numbers).
const bias: Bias = {
  v: 1,
  agentId: 'agent-07',
  adviceId: 'adv-5f3a9c',
  stateSeq: 123_456,
  bound: 2,
  ttlMs: 5000,
  createdAt: 1_795_000_000_123,
  bias: Array.from({ length: 20 }, (_, k) => 2 * Math.sin(k * 1.7) * 0.999),
  recommended: 4,
};
const biasBytes = encode(Bias, bias);

const snapshot: StateSnapshot = {
  v: 1,
  agentId: 'agent-07',
  actorId: 'jetson-1',
  envId: 'CraftWorld-v0',
  seq: 991,
  policyVersion: 17,
  episodeStep: 210,
  text: 'You stand in a forest. Inventory: 3 logs, 1 crafting table. Nearby: stone (4 blocks north). '.repeat(4),
  actionNames: Array.from({ length: 20 }, (_, k) => `action_${k}`),
  legal: Array.from({ length: 20 }, (_, k) => k % 5 !== 0),
  obs: Array.from({ length: 64 }, (_, k) => Math.cos(k)),
  probs: Array.from({ length: 20 }, () => 1 / 20),
  createdAt: 1_795_000_000_000,
};

function chunk(T: number, N: number, D: number, A: number): TrajectoryChunk {
  const S = T * N;
  const f = (n: number, g: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => g(i));
  return {
    v: 1,
    actorId: 'jetson-1',
    chunkSeq: 42,
    T,
    nAgents: N,
    obsDim: D,
    nActions: A,
    obs: f(S * D, (i) => Math.sin(i)),
    actions: Int32Array.from({ length: S }, (_, i) => i % A),
    rewards: f(S, (i) => (i % 7 === 0 ? 1 : 0)),
    terminated: new Uint8Array(S),
    truncated: new Uint8Array(S),
    values: f(S, (i) => Math.cos(i)),
    logpMu: f(S, () => -2.9),
    logpPk: f(S, () => -3.0),
    policyVersion: new Uint32Array(S).fill(17),
    advised: Uint8Array.from({ length: S }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    biasTaken: f(S, (i) => (i % 3 === 0 ? 0.4 : 0)),
    adviceAgeMs: f(S, (i) => (i % 3 === 0 ? 850 : 0)),
    truncValue: new Float32Array(S),
    nextObs: f(N * D, (i) => Math.sin(i)),
    nextValue: f(N, () => 0.5),
    nextDone: new Uint8Array(N),
  };
}
const traj = chunk(128, 20, 64, 20);
const trajBytes = encode(TrajectoryChunk, traj);

const results: Result[] = [
  measure('Bias(20) encode+decode', biasBytes.byteLength, 1000, roundTrip(Bias, bias)),
  measure('Bias(20) encode', biasBytes.byteLength, 1000, () => {
    encode(Bias, bias);
  }),
  measure('Bias(20) decode', biasBytes.byteLength, 1000, () => {
    decode(Bias, biasBytes);
  }),
  measure('StateSnapshot(20 actions, obs 64) encode+decode', encode(StateSnapshot, snapshot).byteLength, 200, roundTrip(StateSnapshot, snapshot)),
  measure('TrajectoryChunk(128x20, obs 64) encode+decode', trajBytes.byteLength, 2, roundTrip(TrajectoryChunk, traj)),
];

console.log(`node ${process.version}, ${SAMPLES} samples per row`);
console.table(results.map((r) => ({ message: r.name, bytes: r.bytes, 'p50 us': r.p50Us.toFixed(2), 'p99 us': r.p99Us.toFixed(2) })));
const budget = results[0] as Result;
console.log(`Bias(20) encode+decode p50 ${budget.p50Us.toFixed(2)} us: ${budget.p50Us <= 5 ? 'within' : 'OVER'} the 5 us budget`);
if (outIdx > 0) writeFileSync(process.argv[outIdx + 1] as string, JSON.stringify({ node: process.version, results }, null, 2));
