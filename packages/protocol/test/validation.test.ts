// Every refusal reason, message by message: decode throws ProtocolError with the right reason and
// path, encode refuses invalid values before anything is produced, and neither mutates its input.
import { Packr } from 'msgpackr';
import {
  Advice,
  Bias,
  MAX_ENV_STATE_BYTES,
  ProtocolError,
  ServiceStatus,
  StateSnapshot,
  TrajectoryChunk,
  Vote,
  assertActionCount,
  decode,
  encode,
  type MessageDef,
  type ProtocolErrorReason,
} from '../src/index';
import { rawEncode } from './arbitraries';

const bias: Bias = { v: 1, agentId: 'agent-1', adviceId: 'adv-1', stateSeq: 7, bias: [0.5, -0.5, 0, 1], bound: 1, ttlMs: 3000, createdAt: 1_795_000_000_000 };
const advice: Advice = {
  v: 1,
  adviceId: 'adv-1',
  advisorId: 'gpt-oss',
  agentId: 'agent-1',
  priority: 1,
  stateSeq: 7,
  bias: [1, 0, 0],
  confidence: 0.8,
  model: 'gpt-oss-20b',
  latencyMs: 2300,
};
const vote: Vote = {
  v: 1,
  adviceId: 'v-1',
  agentId: 'agent-1',
  stateSeq: 7,
  adviceIds: ['a', 'b'],
  advisorIds: ['x', 'y'],
  bias: [1, 0],
  confidence: 0.5,
  method: 'blend',
  agreement: 0.5,
};
const snapshot: StateSnapshot = {
  v: 1,
  agentId: 'agent-1',
  actorId: 'actor-0',
  envId: 'CartPole-v1',
  seq: 3,
  policyVersion: 2,
  episodeStep: 10,
  text: 'pole leaning left',
  actionNames: ['left', 'right'],
  legal: [true, true],
  probs: [0.25, 0.75],
  obs: [0.1, -0.2, 0.3, 0.4],
  createdAt: 1_795_000_000_000,
};
function chunk(): TrajectoryChunk {
  const T = 2,
    N = 2,
    D = 3,
    A = 3,
    S = T * N;
  return {
    v: 1,
    actorId: 'actor-0',
    chunkSeq: 5,
    T,
    nAgents: N,
    obsDim: D,
    nActions: A,
    obs: new Float32Array(S * D).fill(0.5),
    actions: Int32Array.from([0, 1, 2, 1]),
    rewards: Float32Array.from([1, 0, -1, 0.5]),
    terminated: Uint8Array.from([0, 0, 1, 0]),
    truncated: Uint8Array.from([0, 1, 0, 0]),
    values: new Float32Array(S),
    logpMu: new Float32Array(S).fill(-1.1),
    logpPk: new Float32Array(S).fill(-1.2),
    policyVersion: Uint32Array.from([3, 3, 4, 4]),
    advised: Uint8Array.from([1, 0, 0, 1]),
    biasTaken: Float32Array.from([0.3, 0, 0, -0.2]),
    adviceAgeMs: Float32Array.from([120, 0, 0, 40]),
    truncValue: Float32Array.from([0, 2.5, 0, 0]),
    nextObs: new Float32Array(N * D),
    nextValue: new Float32Array(N),
    nextDone: Uint8Array.from([0, 1]),
    legal: new Uint8Array(S * A).fill(1),
  };
}

/** Decode `bytes` and return the ProtocolError (fails the test on success or on any other error). */
function refusal(def: MessageDef<unknown>, bytes: Uint8Array): ProtocolError {
  try {
    decode(def, bytes);
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  throw new Error(`${def.name}: decode accepted an invalid payload`);
}
function expectRefused(def: MessageDef<unknown>, obj: unknown, reason: ProtocolErrorReason, path?: string): void {
  const e = refusal(def, rawEncode(obj));
  expect({ reason: e.reason, message_: e.message_ }).toEqual({ reason, message_: def.name });
  if (path !== undefined) expect(e.path).toBe(path);
  // encode refuses the same value, and leaves it untouched
  const before = JSON.stringify(obj, (_k, val: unknown) => (ArrayBuffer.isView(val) ? Array.from(val as Uint8Array) : val));
  expect(() => encode(def, obj)).toThrow(ProtocolError);
  expect(JSON.stringify(obj, (_k, val: unknown) => (ArrayBuffer.isView(val) ? Array.from(val as Uint8Array) : val))).toBe(before);
}
const D = <T>(d: MessageDef<T>) => d as MessageDef<unknown>;

describe('decode refuses with a typed reason', () => {
  it('too-large: checked before parsing', () => {
    expect(refusal(D(Bias), new Uint8Array(Bias.maxBytes + 1).fill(0xc1)).reason).toBe('too-large');
    const stats: Record<string, number> = {};
    for (let k = 0; k < 256; k++) stats[`${'s'.repeat(120)}${k}`] = k + 0.5;
    expect(() => encode(ServiceStatus, { v: 1 as const, service: 'svc', instanceId: 'i', version: '1', uptimeS: 1, stats })).toThrow(
      expect.objectContaining({ reason: 'too-large' }),
    );
  });

  it('malformed: empty, truncated, trailing bytes, reserved token, not bytes', () => {
    const good = encode(Bias, bias);
    expect(refusal(D(Bias), new Uint8Array(0)).reason).toBe('malformed');
    expect(refusal(D(Bias), good.subarray(0, good.length - 1)).reason).toBe('malformed');
    expect(refusal(D(Bias), Uint8Array.from([...good, 0x00])).reason).toBe('malformed');
    expect(refusal(D(Bias), 'abc' as unknown as Uint8Array).reason).toBe('malformed');
  });

  it('malformed: hostile headers (huge claimed lengths, deep nesting) fail cleanly', () => {
    for (const head of [[0xdd], [0xdf], [0xdb], [0xc6], [0xc9]]) {
      expect(refusal(D(Bias), Uint8Array.from([...head, 0xff, 0xff, 0xff, 0xff, 0x01]))).toMatchObject({ reason: 'malformed' });
    }
    const deep = new Uint8Array(4 * 1024 * 1024).fill(0x91); // arrays nested 4M deep: a stack overflow inside the parser
    expect(refusal(D(TrajectoryChunk), deep).reason).toBe('malformed');
    const t0 = Date.now();
    expect(['malformed', 'schema']).toContain(refusal(D(Bias), new Uint8Array(Bias.maxBytes).fill(0x91)).reason);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('version: wrong, missing or mistyped v', () => {
    expectRefused(D(Bias), { ...bias, v: 2 }, 'version', '/v');
    expectRefused(D(Bias), { ...bias, v: '1' }, 'version', '/v');
    const { v: _v, ...noV } = bias;
    expectRefused(D(Bias), noV, 'version', '/v');
  });

  it('schema: not a map, missing, extra and mistyped fields, non-integers', () => {
    expect(refusal(D(Bias), rawEncode([1, 2])).reason).toBe('schema');
    expect(refusal(D(Bias), rawEncode(42)).reason).toBe('schema');
    expect(refusal(D(Bias), rawEncode(new Date(0))).reason).toBe('schema'); // msgpack timestamp ext
    expect(refusal(D(Bias), Uint8Array.from([0xc1])).reason).toBe('schema'); // msgpackr's C1 sentinel object
    const { adviceId: _a, ...missing } = bias;
    expectRefused(D(Bias), missing, 'schema', '/adviceId');
    expectRefused(D(Bias), { ...bias, extra: 1 }, 'schema');
    expectRefused(D(Bias), { ...bias, stateSeq: '7' }, 'schema', '/stateSeq');
    expectRefused(D(Bias), { ...bias, stateSeq: 7.5 }, 'schema', '/stateSeq');
    expectRefused(D(Vote), { ...vote, method: 'median' }, 'schema', '/method');
    expectRefused(D(TrajectoryChunk), { ...chunk(), rewards: [1, 0, -1, 0.5] }, 'schema', '/rewards');
    // the wire has no element type, so only encode can see a typed array of the wrong class
    expect(() => encode(TrajectoryChunk, { ...chunk(), policyVersion: Int32Array.from([3, 3, 4, 4]) as unknown as Uint32Array })).toThrow(
      expect.objectContaining({ reason: 'schema', path: '/policyVersion' }),
    );
  });

  it('non-finite: NaN and Infinity in plain and packed numeric fields', () => {
    expectRefused(D(Bias), { ...bias, bias: [0, NaN, 0, 0] }, 'non-finite', '/bias/1');
    expectRefused(D(Advice), { ...advice, confidence: Infinity }, 'non-finite', '/confidence');
    expectRefused(D(Advice), { ...advice, latencyMs: -Infinity }, 'non-finite', '/latencyMs');
    expectRefused(D(Bias), { ...bias, stateSeq: NaN }, 'non-finite', '/stateSeq');
    const c = chunk();
    c.rewards[2] = NaN;
    expectRefused(D(TrajectoryChunk), c, 'non-finite', '/rewards/2');
    const c2 = chunk();
    c2.nextValue[1] = -Infinity;
    expectRefused(D(TrajectoryChunk), c2, 'non-finite', '/nextValue/1');
    expectRefused(D(ServiceStatus), { v: 1, service: 's', instanceId: 'i', version: '1', uptimeS: 0, stats: { a: NaN } }, 'non-finite', '/stats/a');
  });

  it('length: vectors that disagree with their dimensions or bounds', () => {
    expectRefused(D(Bias), { ...bias, bias: [] }, 'length', '/bias');
    expectRefused(D(Bias), { ...bias, bias: new Array<number>(1025).fill(0) }, 'length', '/bias');
    expectRefused(D(Vote), { ...vote, advisorIds: ['x'] }, 'length', '/advisorIds');
    expectRefused(D(Vote), { ...vote, adviceIds: [], advisorIds: [] }, 'length', '/adviceIds');
    expectRefused(D(StateSnapshot), { ...snapshot, legal: [true] }, 'length', '/legal');
    expectRefused(D(StateSnapshot), { ...snapshot, probs: [1] }, 'length', '/probs');
    expectRefused(D(TrajectoryChunk), { ...chunk(), obs: new Float32Array(11) }, 'length', '/obs');
    expectRefused(D(TrajectoryChunk), { ...chunk(), values: new Float32Array(5) }, 'length', '/values');
    expectRefused(D(TrajectoryChunk), { ...chunk(), nextDone: new Uint8Array(3) }, 'length', '/nextDone');
    expectRefused(D(TrajectoryChunk), { ...chunk(), legal: new Uint8Array(11).fill(1) }, 'length', '/legal');
    expectRefused(D(TrajectoryChunk), { ...chunk(), T: 1000, nAgents: 1001 }, 'length', '/T');
    expectRefused(D(StateSnapshot), { ...snapshot, envState: new Uint8Array(0) }, 'length', '/envState');
    expectRefused(D(StateSnapshot), { ...snapshot, envState: new Uint8Array(MAX_ENV_STATE_BYTES + 1) }, 'length', '/envState');
    const wire = { ...chunk(), rewards: new Uint8Array(7) }; // 7 bytes is not a whole number of float32
    expect(refusal(D(TrajectoryChunk), rawEncode(wire))).toMatchObject({ reason: 'length', path: '/rewards' });
  });

  it('range: probabilities, bounds, action indices, flags and cross-field rules', () => {
    expectRefused(D(Advice), { ...advice, confidence: 1.5 }, 'range', '/confidence');
    expectRefused(D(Advice), { ...advice, priority: -1 }, 'range', '/priority');
    expectRefused(D(Advice), { ...advice, recommended: 3 }, 'range', '/recommended');
    expectRefused(D(Bias), { ...bias, bias: [0, 1.0001, 0, 0] }, 'range', '/bias/1');
    expectRefused(D(Bias), { ...bias, bound: 0 }, 'range', '/bound');
    expectRefused(D(Bias), { ...bias, ttlMs: 0 }, 'range', '/ttlMs');
    expectRefused(D(StateSnapshot), { ...snapshot, probs: [0.5, 0.75] }, 'range', '/probs');
    expectRefused(D(StateSnapshot), { ...snapshot, legal: [false, false] }, 'range', '/legal');
    expectRefused(D(TrajectoryChunk), { ...chunk(), actions: Int32Array.from([0, 1, 3, 1]) }, 'range', '/actions/2');
    expectRefused(D(TrajectoryChunk), { ...chunk(), actions: Int32Array.from([0, -1, 2, 1]) }, 'range', '/actions/1');
    expectRefused(D(TrajectoryChunk), { ...chunk(), terminated: Uint8Array.from([0, 2, 0, 0]) }, 'range', '/terminated/1');
    expectRefused(D(TrajectoryChunk), { ...chunk(), adviceAgeMs: Float32Array.from([120, 0, 0, -1]) }, 'range', '/adviceAgeMs/3');
    expectRefused(D(TrajectoryChunk), { ...chunk(), biasTaken: Float32Array.from([0.3, 0.1, 0, -0.2]) }, 'range', '/biasTaken/1');
    expectRefused(D(TrajectoryChunk), { ...chunk(), truncValue: Float32Array.from([1, 2.5, 0, 0]) }, 'range', '/truncValue/0');
    const c = chunk();
    c.legal![1 * 3 + 1] = 0; // step 1 took action 1, now marked illegal
    expectRefused(D(TrajectoryChunk), c, 'range', '/actions/1');
  });

  it.each(['a.b', '*', '>', 'a b', ' ', '', 'x'.repeat(65), 'ä', 'a\n', 'ala.bias.>'])('invalid-id: %j', (bad) => {
    expectRefused(D(Bias), { ...bias, agentId: bad }, 'invalid-id', '/agentId');
    expectRefused(D(Vote), { ...vote, adviceIds: ['a', bad] }, 'invalid-id', '/adviceIds/1');
    expectRefused(D(TrajectoryChunk), { ...chunk(), actorId: bad }, 'invalid-id', '/actorId');
  });

  it('Advice.promptVersion is optional (older messages decode) and validated when present', () => {
    const versioned = { ...advice, promptVersion: 'ala-prompt-2' };
    expect(decode(Advice, encode(Advice, versioned))).toEqual(versioned);
    expect(decode(Advice, encode(Advice, advice)).promptVersion).toBeUndefined();
    expectRefused(D(Advice), { ...advice, promptVersion: '' }, 'schema', '/promptVersion');
    expectRefused(D(Advice), { ...advice, promptVersion: 'has space' }, 'schema', '/promptVersion');
  });

  it('valid fixtures are accepted (the refusals above are not vacuous)', () => {
    expect(decode(Bias, encode(Bias, bias))).toEqual(bias);
    expect(decode(Advice, encode(Advice, advice))).toEqual(advice);
    expect(decode(Vote, encode(Vote, vote))).toEqual(vote);
    expect(decode(StateSnapshot, encode(StateSnapshot, snapshot))).toEqual(snapshot);
    const withState = { ...snapshot, envState: Uint8Array.from([0x43, 0x57, 1, 255, 0]) };
    expect(decode(StateSnapshot, encode(StateSnapshot, withState))).toEqual(withState);
    const largest = { ...snapshot, envState: new Uint8Array(MAX_ENV_STATE_BYTES).fill(7) };
    expect(decode(StateSnapshot, encode(StateSnapshot, largest)).envState).toEqual(largest.envState);
    expect(decode(TrajectoryChunk, encode(TrajectoryChunk, chunk()))).toEqual(chunk());
  });

  it('envState: optional (snapshots without it still decode), sent as bin, never a number array', () => {
    const old = rawEncode(snapshot); // a sender that predates envState
    expect(decode(StateSnapshot, old)).toEqual(snapshot);
    expect(decode(StateSnapshot, old).envState).toBeUndefined();
    expectRefused(D(StateSnapshot), { ...snapshot, envState: [1, 2, 3] }, 'schema', '/envState');
    const wire = new Packr({ useRecords: false }).unpack(encode(StateSnapshot, { ...snapshot, envState: Uint8Array.from([9, 8]) })) as Record<string, unknown>;
    expect(wire['envState']).toBeInstanceOf(Uint8Array);
    expect(Array.from(wire['envState'] as Uint8Array)).toEqual([9, 8]);
  });

  it('a hostile payload that defines msgpack records cannot change how the next message decodes', () => {
    const recordPackr = new Packr({ useRecords: true });
    const hostile = recordPackr.pack({ ...bias, stateSeq: 64 });
    expect(() => decode(Bias, hostile)).not.toThrow(); // inline records are read, then validated
    const next = { ...bias, stateSeq: 64, bias: [64, 65, 66, 67].map((x) => x / 100) };
    expect(decode(Bias, encode(Bias, next))).toEqual(next);
  });

  it('a __proto__ stats key cannot be sent and cannot pollute a prototype when received', () => {
    const status = {
      v: 1 as const,
      service: 's',
      instanceId: 'i',
      version: '1',
      uptimeS: 0,
      stats: JSON.parse('{"__proto__": 1, "ok": 2}') as Record<string, number>,
    };
    expect(() => encode(ServiceStatus, status)).toThrow(expect.objectContaining({ reason: 'schema' }));
    const decoded = decode(ServiceStatus, rawEncode(status));
    expect(Object.getPrototypeOf(decoded.stats)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['ok']).toBeUndefined();
    expect(decoded.stats).toEqual({ __proto_: 1, ok: 2 });
  });

  it('assertActionCount checks a bias against the agent action count', () => {
    expect(() => assertActionCount('Bias', bias.bias, 4)).not.toThrow();
    expect(() => assertActionCount('Bias', bias.bias, 5)).toThrow(expect.objectContaining({ reason: 'length', path: '/bias', message_: 'Bias' }));
  });

  it('ProtocolError carries reason, definition name, path and cause', () => {
    const e = refusal(D(Bias), Uint8Array.from([0x92, 0x01]));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ProtocolError');
    expect(e.reason).toBe('malformed');
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.message).toMatch(/^Bias: malformed/);
  });
});
