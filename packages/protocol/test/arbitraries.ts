// fast-check generators of VALID messages of every type, shared by the round-trip and fuzz
// tests, plus a raw msgpack encoder that skips validation (to build hostile payloads). Test-only.
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { Advice, Bias, PolicyAnnounce, ServiceStatus, StateSnapshot, TrajectoryChunk, Vote, type MessageDef } from '../src/index';

/** Seed of every property in this package (override with FC_SEED to explore). */
export const SEED = Number(process.env['FC_SEED'] ?? 20261125);

const idChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('');
export const arbId = fc.string({ unit: fc.constantFrom(...idChars), minLength: 1, maxLength: 64 });
/** Finite doubles, with -0 mapped to 0 (msgpack integers have no negative zero). */
const finite = (min = -1e6, max = 1e6) => fc.double({ min, max, noNaN: true }).map((x) => (x === 0 ? 0 : x));
const unit = fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (x === 0 ? 0 : x));
const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const wallMs = fc.integer({ min: 0, max: 4_102_444_800_000 });

const biasVector = (n: number, bound: number) =>
  fc.array(
    fc.double({ min: -bound, max: bound, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
    { minLength: n, maxLength: n },
  );

export const arbBias: fc.Arbitrary<Bias> = fc
  .record({ n: fc.integer({ min: 1, max: 32 }), bound: fc.double({ min: 0.01, max: 100, noNaN: true }) })
  .chain(({ n, bound }) =>
    fc.record(
      {
        v: fc.constant(1 as const),
        agentId: arbId,
        adviceId: arbId,
        stateSeq: count,
        bias: biasVector(n, bound),
        bound: fc.constant(bound),
        recommended: fc.option(fc.nat({ max: n - 1 }), { nil: undefined }),
        ttlMs: fc.integer({ min: 1, max: 86_400_000 }),
        createdAt: wallMs,
      },
      { requiredKeys: ['v', 'agentId', 'adviceId', 'stateSeq', 'bias', 'bound', 'ttlMs', 'createdAt'] },
    ),
  );

export const arbAdvice: fc.Arbitrary<Advice> = fc.integer({ min: 1, max: 32 }).chain((n) =>
  fc.record(
    {
      v: fc.constant(1 as const),
      adviceId: arbId,
      advisorId: arbId,
      agentId: arbId,
      priority: finite(0, 1e6),
      stateSeq: count,
      bias: fc.array(finite(), { minLength: n, maxLength: n }),
      recommended: fc.option(fc.nat({ max: n - 1 }), { nil: undefined }),
      confidence: unit,
      model: fc.string({ minLength: 1, maxLength: 128 }),
      latencyMs: finite(0, 1e7),
      rationale: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
      promptVersion: fc.option(fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/), { nil: undefined }),
    },
    { requiredKeys: ['v', 'adviceId', 'advisorId', 'agentId', 'priority', 'stateSeq', 'bias', 'confidence', 'model', 'latencyMs'] },
  ),
);

export const arbVote: fc.Arbitrary<Vote> = fc.record({ n: fc.integer({ min: 1, max: 32 }), k: fc.integer({ min: 1, max: 8 }) }).chain(({ n, k }) =>
  fc.record(
    {
      v: fc.constant(1 as const),
      adviceId: arbId,
      agentId: arbId,
      stateSeq: count,
      adviceIds: fc.array(arbId, { minLength: k, maxLength: k }),
      advisorIds: fc.array(arbId, { minLength: k, maxLength: k }),
      bias: fc.array(finite(), { minLength: n, maxLength: n }),
      recommended: fc.option(fc.nat({ max: n - 1 }), { nil: undefined }),
      confidence: unit,
      method: fc.constantFrom('select' as const, 'blend' as const),
      agreement: unit,
    },
    { requiredKeys: ['v', 'adviceId', 'agentId', 'stateSeq', 'adviceIds', 'advisorIds', 'bias', 'confidence', 'method', 'agreement'] },
  ),
);

export const arbStateSnapshot: fc.Arbitrary<StateSnapshot> = fc.integer({ min: 1, max: 16 }).chain((n) =>
  fc.record(
    {
      v: fc.constant(1 as const),
      agentId: arbId,
      actorId: arbId,
      envId: arbId,
      seq: count,
      policyVersion: count,
      episodeStep: count,
      text: fc.string({ maxLength: 300 }),
      actionNames: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: n, maxLength: n }),
      legal: fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((l) => {
        l[0] = true;
        return l;
      }),
      obs: fc.option(fc.array(finite(), { maxLength: 16 }), { nil: undefined }),
      probs: fc.option(
        fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((w) => {
          const s = w.reduce((a, b) => a + b, 0);
          return w.map((x) => x / s);
        }),
        { nil: undefined },
      ),
      envState: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }),
      createdAt: wallMs,
    },
    { requiredKeys: ['v', 'agentId', 'actorId', 'envId', 'seq', 'policyVersion', 'episodeStep', 'text', 'actionNames', 'legal', 'createdAt'] },
  ),
);

const f32 = (n: number, min = -1e6, max = 1e6) =>
  fc.float32Array({ min: Math.fround(min), max: Math.fround(max), noNaN: true, noDefaultInfinity: true, minLength: n, maxLength: n });
const bits = (n: number) => fc.uint8Array({ max: 1, minLength: n, maxLength: n });

export const arbTrajectoryChunk: fc.Arbitrary<TrajectoryChunk> = fc
  .record({
    T: fc.integer({ min: 1, max: 5 }),
    nAgents: fc.integer({ min: 1, max: 3 }),
    obsDim: fc.integer({ min: 1, max: 6 }),
    nActions: fc.integer({ min: 1, max: 5 }),
    withLegal: fc.boolean(),
  })
  .chain(({ T, nAgents, obsDim, nActions, withLegal }) => {
    const s = T * nAgents;
    return fc
      .record({
        v: fc.constant(1 as const),
        actorId: arbId,
        chunkSeq: count,
        T: fc.constant(T),
        nAgents: fc.constant(nAgents),
        obsDim: fc.constant(obsDim),
        nActions: fc.constant(nActions),
        obs: f32(s * obsDim),
        actions: fc.array(fc.nat({ max: nActions - 1 }), { minLength: s, maxLength: s }).map((a) => Int32Array.from(a)),
        rewards: f32(s),
        terminated: bits(s),
        truncated: bits(s),
        values: f32(s),
        logpMu: f32(s, -50, 0),
        logpPk: f32(s, -50, 0),
        policyVersion: fc.array(fc.nat({ max: 2 ** 32 - 1 }), { minLength: s, maxLength: s }).map((a) => Uint32Array.from(a)),
        advised: bits(s),
        biasTaken: f32(s, -100, 100),
        adviceAgeMs: f32(s, 0, 1e6),
        truncValue: f32(s),
        nextObs: f32(nAgents * obsDim),
        nextValue: f32(nAgents),
        nextDone: bits(nAgents),
        legal: withLegal ? bits(s * nActions).map((l) => l) : fc.constant(undefined),
      })
      .map((m) => {
        for (let k = 0; k < s; k++) {
          if (m.advised[k] === 0) m.biasTaken[k] = 0;
          if (m.truncated[k] === 0) m.truncValue[k] = 0;
          if (m.legal !== undefined) m.legal[k * nActions + (m.actions[k] as number)] = 1;
        }
        if (m.legal === undefined) delete (m as { legal?: Uint8Array }).legal;
        return m as TrajectoryChunk;
      });
  });

export const arbPolicyAnnounce: fc.Arbitrary<PolicyAnnounce> = fc.record({
  v: fc.constant(1 as const),
  version: fc.integer({ min: 1, max: 1e9 }),
  sha256: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 64, maxLength: 64 }),
  bytes: fc.integer({ min: 1, max: 1e9 }),
  createdAt: wallMs,
  objectName: arbId.map((s) => `policy-${s.slice(0, 40)}.onnx`),
  obsDim: fc.integer({ min: 1, max: 65_536 }),
  nActions: fc.integer({ min: 1, max: 1024 }),
});

export const arbServiceStatus: fc.Arbitrary<ServiceStatus> = fc.record({
  v: fc.constant(1 as const),
  service: arbId,
  instanceId: arbId,
  version: fc.string({ minLength: 1, maxLength: 20 }),
  uptimeS: finite(0, 1e9),
  stats: fc.dictionary(
    arbId.filter((k) => k !== '__proto__'),
    finite(),
    { maxKeys: 10 },
  ),
});

/** Every definition with its generator of valid messages. */
export const ALL: readonly { def: MessageDef<unknown>; arb: fc.Arbitrary<unknown> }[] = [
  { def: Bias, arb: arbBias },
  { def: Advice, arb: arbAdvice },
  { def: Vote, arb: arbVote },
  { def: StateSnapshot, arb: arbStateSnapshot },
  { def: TrajectoryChunk, arb: arbTrajectoryChunk },
  { def: PolicyAnnounce, arb: arbPolicyAnnounce },
  { def: ServiceStatus, arb: arbServiceStatus },
] as { def: MessageDef<unknown>; arb: fc.Arbitrary<unknown> }[];

const rawPackr = new Packr({ useRecords: false, moreTypes: false });

/** msgpack bytes of `obj` WITHOUT validation; typed arrays become raw bytes, as the codec sends them. */
export function rawEncode(obj: unknown): Uint8Array {
  if (typeof obj !== 'object' || obj === null || Object.getPrototypeOf(obj) !== Object.prototype) return rawPackr.pack(obj);
  const copy: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(obj)) {
    copy[k] = ArrayBuffer.isView(val) && !(val instanceof DataView) ? new Uint8Array(val.buffer, val.byteOffset, val.byteLength) : val;
  }
  return rawPackr.pack(copy);
}
