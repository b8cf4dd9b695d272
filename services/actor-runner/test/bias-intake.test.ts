// The thread bias intake on a real nats-server: an actor (NatsBus, ALA_BIAS_INTAKE=thread) applies a
// bias published to <prefix>.bias.<agent> through its intake worker; a bias that arrives expired
// and a malformed one are counted (in the actor's bus metrics, as on the main thread) and change
// nothing. The worker itself: a crash is counted, reported (problem()) and restarted, and the
// restarted worker delivers again; stop() drains it.
import { connect, CountingBusMetrics, ensurePolicyStores, ensureStreams, NatsBus, openJetStream, silentLogger, type AlaConnection } from '@ala/bus';
import { Learner, presetFor } from '@ala/policy';
import { Bias, encode, subjects } from '@ala/protocol';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { headers } from '@nats-io/transport-node';
import { jetStreamPolicySink } from '@ala/ppo-learner';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start } from '../src';
import { BiasIntakeThread } from '../src/bias-intake-thread';
import { BiasTable } from '../src/bias-table';

jest.setTimeout(60_000);

const PREFIX = 'intake';
const s = subjects(PREFIX);
let server: NatsServerHandle;
let conn: AlaConnection;
beforeAll(async () => {
  server = await startNatsServer();
  conn = await connect({ servers: server.url, name: 'intake-test', logger: silentLogger });
  const js = await openJetStream(conn.nc);
  await ensureStreams(js, PREFIX);
  const l = await Learner.create({ obsDim: 4, nActions: 2, config: presetFor('CartPole-v1'), seed: 1 });
  await jetStreamPolicySink(await ensurePolicyStores(js, PREFIX)).put(1, 'v1.onnx', l.exportOnnx());
  l.dispose();
});
afterAll(async () => {
  await conn?.drain();
  await server?.stop();
});

const bias = (agentId: string, adviceId: string, b: number[]): Bias => ({
  v: 1,
  agentId,
  adviceId,
  stateSeq: 1,
  bias: b,
  bound: Math.max(1, ...b.map(Math.abs)), // the sender's claim; the actor clips to its own B = 1
  ttlMs: 5000,
  createdAt: 0,
});
const publishRaw = (subject: string, data: Uint8Array, ttl?: string): void => {
  const h = headers();
  if (ttl !== undefined) h.set('Ala-Ttl-Ms', ttl);
  conn.nc.publish(subject, data, ttl === undefined ? {} : { headers: h });
};

test('a bias published to ala.bias.<agent> is applied through the worker; expired and malformed ones are counted and change nothing', async () => {
  const metrics = new CountingBusMetrics();
  const bus = new NatsBus(conn.nc, { metrics, logger: silentLogger, subjects: s });
  const applied: string[] = [];
  const accepted: string[] = [];
  const actor = await start({
    config: {
      ...ACTOR_DEFAULTS,
      natsUrl: server.url,
      prefix: PREFIX,
      actorId: 'it',
      agents: 2,
      stepHz: 200,
      snapshotEvery: 0,
      chunkSteps: 8,
      biasIntake: 'thread',
    },
    bus,
    ...(await jetStreamActorPorts(await openJetStream(conn.nc), PREFIX)),
    logger: silentLogger,
    onBiasAccepted: (agent, adviceId) => void accepted.push(`${agent} ${adviceId}`),
    onBiasApplied: (agent, adviceId) => void applied.push(`${agent} ${adviceId}`),
  });
  try {
    expect(actor.biasIntake).toBe('thread');
    await actor.ready;
    // expired at receipt (Ala-Ttl-Ms 0) and malformed bytes: counted by the worker's bus, nothing applied
    publishRaw(s.bias('it-0'), encode(Bias, bias('it-0', 'dead', [1, -1])), '0');
    publishRaw(s.bias('it-1'), new Uint8Array([0xc1, 0xff, 0x00, 0x13]), '5000');
    await waitFor(() => metrics.get('expired', 'Bias') === 1 && metrics.get('decodeErrors', 'Bias') === 1, 10_000, { what: 'expired and malformed counted' });
    await new Promise((r) => setTimeout(r, 100)); // a few steps
    let st = actor.stats();
    expect(st.advisedSteps).toBe(0);
    expect(st.biasReceived).toBe(0);
    expect(st.biasAccepted).toBe(0);
    expect(applied).toEqual([]);
    // a valid one, clipped to B = 1: taken from the shared slot, applied at the next step
    bus.publish(Bias, s.bias('it-1'), bias('it-1', 'good', [3, -1]), { ttlMs: 5000 });
    await waitFor(() => applied.length === 1, 10_000, { what: 'bias applied' });
    st = actor.stats();
    expect(applied).toEqual(['it-1 good']);
    expect(accepted).toEqual(['it-1 good']);
    expect(st).toMatchObject({ biasReceived: 1, biasAccepted: 1, biasClipped: 1, biasRejected: 0, biasIntakeThread: 1, biasIntakeCrashes: 0 });
    expect(st.advisedSteps).toBeGreaterThan(0);
    expect(metrics.get('in', 'Bias')).toBe(3);
    // a wrong-length one: refused by the same checks (counted as rejected), the live one stays
    bus.publish(Bias, s.bias('it-0'), bias('it-0', 'long', [1, 1, 1]), { ttlMs: 5000 });
    await waitFor(() => actor.stats().biasRejected === 1, 10_000, { what: 'wrong length refused' });
    expect(applied).toEqual(['it-1 good']);
  } finally {
    await actor.stop();
  }
  expect(actor.intakeProblem()).toBe('stopped');
});

test('the worker: a crash is counted, reported and restarted; the restarted worker delivers', async () => {
  const metrics = new CountingBusMetrics();
  const logs: string[] = [];
  const logger = { info: () => undefined, warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m) };
  const intake = await BiasIntakeThread.start({
    natsUrl: server.url,
    connectionName: 'crash-test',
    prefix: PREFIX,
    actorId: 'cr',
    agentIds: ['cr-0'],
    nActions: 2,
    limits: { bound: 1, maxTtlMs: 10_000 },
    logger,
    busMetrics: metrics,
    stopTimeoutMs: 5_000,
  });
  const table = new BiasTable(['cr-0'], 2);
  const bus = new NatsBus(conn.nc, { logger: silentLogger });
  try {
    bus.publish(Bias, s.bias('cr-0'), bias('cr-0', 'one', [0.5, -0.5]), { ttlMs: 5000 });
    await waitFor(() => table.pull(intake.slots).length === 1, 10_000, { what: 'first bias in the slot' });
    expect(table.entry('cr-0')?.adviceId).toBe('one');
    await intake.terminate();
    await waitFor(() => intake.crashes === 1, 5_000, { what: 'crash counted' });
    expect(intake.problem()).toMatch(/crashed/);
    expect(logs.some((l) => /bias intake worker crashed/.test(l))).toBe(true);
    await waitFor(() => intake.problem() === undefined, 20_000, { what: 'worker restarted' });
    bus.publish(Bias, s.bias('cr-0'), bias('cr-0', 'two', [-0.5, 0.5]), { ttlMs: 5000 });
    await waitFor(() => table.pull(intake.slots).length === 1, 10_000, { what: 'bias after the restart' });
    expect(table.entry('cr-0')?.adviceId).toBe('two');
    expect(Array.from(table.bias)).toEqual([-0.5, 0.5]);
    expect(intake.counts()).toMatchObject({ received: 2, accepted: 2, busIn: 2 });
    expect(metrics.get('in', 'Bias')).toBe(2);
  } finally {
    await intake.stop();
  }
  expect(intake.threadId).toBeUndefined();
});

test('auto: a worker that reaches another server than the bus falls back to the main thread, with a warning', async () => {
  const other = await startNatsServer();
  const warnings: string[] = [];
  const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
  try {
    const actor = await start({
      config: { ...ACTOR_DEFAULTS, natsUrl: other.url, prefix: PREFIX, actorId: 'fb', agents: 1, stepHz: 100, snapshotEvery: 0 },
      bus: new NatsBus(conn.nc, { logger: silentLogger, subjects: s }),
      ...(await jetStreamActorPorts(await openJetStream(conn.nc), PREFIX)),
      logger,
    });
    expect(actor.biasIntake).toBe('main');
    expect(warnings.join('\n')).toMatch(/another server/);
    await actor.stop();
  } finally {
    await other.stop();
  }
});
