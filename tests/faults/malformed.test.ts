// Fault: malformed input on every subscription (state snapshots -> advisor, advice -> aggregator,
// votes -> router, biases and policy announces -> actor, trajectory chunks -> learner). Real
// messages of each kind are captured from a running chain, then mutated (seeded) into random
// bytes, truncated, oversized, NaN, wrong version, hostile ids, wrong length, unknown agent, and
// sent 20 times each to a second deployment whose actor sends no snapshots (so nothing legitimate
// flows). Expected: no crash (the actor keeps stepping, no handler error), nothing applied
// (no bias accepted, no advice, vote or bias produced, the actor's policy untouched), every
// rejection counted exactly once, and log lines rate-limited (a handful, not one per message).
import { Packr, Unpackr } from 'msgpackr';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { CountingBusMetrics, NatsBus, systemClock, type BusLogger } from '@ala/bus';
import { subjects } from '@ala/protocol';
import { createRng } from '@ala/rl-core';
import { waitFor } from '@ala/testkit';
import { ACTOR_DEFAULTS, jetStreamActorPorts, start as startActor } from '@ala/actor-runner';
import { start as startAdvisor, loadConfig as advisorConfig } from '@ala/advisor-worker';
import { start as startRouter, loadConfig as routerConfig } from '@ala/bias-router';
import { start as startAggregator, loadConfig as aggregatorConfig } from '@ala/vote-aggregator';
import { actorOn, adviceChainOn, harness, learnerOn, type Harness } from '../e2e/harness';

jest.setTimeout(90_000);

const REPEAT = 20;
const packr = new Packr({ useRecords: false, moreTypes: true });
const unpackr = new Unpackr({ useRecords: false, moreTypes: true });
let h: Harness;
let stopAll: (() => Promise<unknown>) | undefined;
afterAll(async () => {
  await stopAll?.();
  await h?.close();
});

type Sample = { subject: string; data: Uint8Array };
type Obj = Record<string, unknown>;

/** Every hostile variant of one captured message (family = second subject token). */
function variants(family: string, sample: Obj, data: Uint8Array, rng: ReturnType<typeof createRng>): [string, Uint8Array][] {
  const mutate = (f: (o: Obj) => void): Uint8Array => {
    const o = structuredClone(sample);
    f(o);
    return packr.pack(o) as Uint8Array;
  };
  const random = new Uint8Array(64).map(() => rng.nextUint32() & 255);
  const out: [string, Uint8Array][] = [
    ['random bytes', random],
    ['truncated', data.slice(0, Math.floor(data.length / 2))],
    ['wrong version', mutate((o) => void (o.v = 99))],
    [
      'NaN',
      mutate((o) => {
        for (const [k, v] of Object.entries(o)) {
          if (typeof v === 'number' && k !== 'v') o[k] = NaN;
          else if (Array.isArray(v) && typeof v[0] === 'number') v[0] = NaN;
          else if (v instanceof Uint8Array && v.byteLength >= 4) new DataView(v.buffer, v.byteOffset).setFloat32(0, NaN, true);
        }
      }),
    ],
    [
      'hostile ids',
      mutate((o) => {
        for (const [k, v] of Object.entries(o)) if (typeof v === 'string') o[k] = `../../${k}\u0000${'x'.repeat(300)}.*>`;
      }),
    ],
    [
      'wrong length',
      mutate((o) => {
        for (const [k, v] of Object.entries(o)) {
          if (Array.isArray(v) && typeof v[0] === 'number') v.push(0, 0, 0);
          else if (v instanceof Uint8Array && v.byteLength >= 8) o[k] = v.slice(0, v.byteLength - 4); // a packed field one element short
        }
      }),
    ],
  ];
  if (family !== 'traj') out.push(['oversized', mutate((o) => void (o.pad = 'x'.repeat(300 * 1024)))]); // traj's limit (16 MiB) is above the server's max_payload
  if (family === 'bias') out.push(['unknown agent', mutate((o) => void (o.agentId = 'nobody'))]);
  const same = (bytes: Uint8Array): boolean => Buffer.compare(Buffer.from(bytes), Buffer.from(data)) === 0;
  for (const [name, bytes] of out) if (same(bytes) && name !== 'wrong length') throw new Error(`${family}: variant ${name} left the message unchanged`);
  return out.filter(([, bytes]) => !same(bytes)); // 'wrong length' only where the message has a vector
}

test('hostile bytes on every subscription: no crash, nothing applied, every rejection counted, logs rate-limited', async () => {
  h = await harness();
  // 1. capture one real message of each kind from a running chain (prefix A)
  const captured = new Map<string, Sample>();
  const tap = h.conn.nc.subscribe(`${h.prefix}.>`, {
    callback: (_e, m) => {
      const family = m.subject.split('.')[1]!;
      if (!captured.has(family)) captured.set(family, { subject: m.subject, data: m.data });
    },
  });
  const learnerA = await learnerOn(h);
  const { actor: actorA } = await actorOn(h, { agents: 2, stepHz: 200, snapshotEvery: 1, chunkSteps: 8, actorId: 'cap' });
  const chainA = adviceChainOn(h);
  await waitFor(() => ['state', 'advice', 'vote', 'bias', 'policy', 'traj'].every((f) => captured.has(f)), 30_000, {
    intervalMs: 50,
    what: 'one message of each kind',
  });
  tap.unsubscribe();
  await Promise.all([chainA.stop(), actorA.stop(), learnerA.stop()]);

  // 2. a second deployment (prefix B) whose actor sends no snapshots: nothing legitimate flows but policies
  const prefix = `${h.prefix}b`;
  const s = subjects(prefix);
  const { ensureStreams } = await import('@ala/bus');
  await ensureStreams(h.ctx, prefix);
  let logLines = 0;
  const logger: BusLogger = { info: () => undefined, warn: () => void (logLines += 1), error: () => void (logLines += 1) };
  const busMetrics = new CountingBusMetrics();
  const bus = (): NatsBus => new NatsBus(h.conn.nc, { metrics: busMetrics, logger, subjects: s });
  const learner = await learnerOn({ ...h, prefix }, { consumer: 'mal' });
  const actorCfg = { ...ACTOR_DEFAULTS, natsUrl: h.server.url, prefix, agents: 2, stepHz: 200, snapshotEvery: 0, chunkSteps: 8, actorId: 'mal' };
  const actor = await startActor({ config: actorCfg, bus: bus(), ...(await jetStreamActorPorts(h.ctx, prefix)), logger });
  const env = { ALA_PREFIX: prefix, ALA_AGG_WINDOW_MS: '5' };
  const advisor = startAdvisor({ bus: bus(), clock: systemClock, config: advisorConfig(env), log: logger });
  const aggregator = startAggregator({ bus: bus(), clock: systemClock, config: aggregatorConfig(env), log: logger });
  const router = startRouter({ bus: bus(), clock: systemClock, config: routerConfig(env), log: logger, jetstream: h.ctx });
  await actor.ready;
  stopAll = () => Promise.all([advisor.stop(), aggregator.stop(), router.stop(), actor.stop(), learner.stop()]);
  await waitFor(() => actor.stats().policyVersion >= 1, 20_000, { intervalMs: 50 });
  await new Promise((r) => setTimeout(r, 300));
  const base = { actor: actor.stats(), learner: learner.stats(), logLines };

  // 3. inject: every variant, REPEAT times, on the same subject family of prefix B
  const rng = createRng(13);
  const sent = new Map<string, number>();
  const hdrs = natsHeaders();
  hdrs.set('Ala-Ttl-Ms', '5000');
  for (const [family, sample] of captured) {
    const decoded = unpackr.unpack(sample.data) as Obj;
    const agent = actor.agentIds[0]!;
    if ('agentId' in decoded) decoded.agentId = agent; // aimed at the running actor's agent
    if (family === 'traj') decoded.actorId = 'mal';
    const subject = family === 'policy' ? s.policyAnnounce : family === 'traj' ? s.traj('mal') : `${prefix}.${family}.${agent}`;
    const data = packr.pack(decoded) as Uint8Array;
    for (const [, payload] of variants(family, decoded, data, rng)) {
      for (let i = 0; i < REPEAT; i++) {
        if (family === 'traj') await h.ctx.js.publish(subject, payload, { msgID: `mal-${sent.get(family) ?? 0}` });
        else h.conn.nc.publish(subject, payload, { headers: hdrs });
        sent.set(family, (sent.get(family) ?? 0) + 1);
      }
    }
  }
  await h.conn.nc.flush();
  const stepsAtInject = actor.stats().envSteps;
  // The aggregator and router do not know an agent's action count: a vector of the wrong length
  // passes them (the aggregator takes one, drops the repeats as duplicates) and the actor refuses
  // it (biasRejected, reason length). So each hop's count is what it refused plus what it passed on.
  const rejected = (): Record<string, number> => ({
    state: busMetrics.get('decodeErrors', 'StateSnapshot'),
    advice: busMetrics.get('decodeErrors', 'Advice') + aggregator.stats().received!,
    vote: busMetrics.get('decodeErrors', 'Vote') + router.stats().received! - aggregator.stats().votes!,
    bias: busMetrics.get('decodeErrors', 'Bias') + actor.stats().biasRejected - base.actor.biasRejected - router.stats().routed!,
    policy: busMetrics.get('decodeErrors', 'PolicyAnnounce') + actor.stats().policyLoadErrors - base.actor.policyLoadErrors,
    traj: learner.stats().chunksInvalid - base.learner.chunksInvalid,
  });
  const want = Object.fromEntries([...sent]);
  try {
    await waitFor(
      () =>
        JSON.stringify(rejected()) ===
        JSON.stringify({ state: want.state, advice: want.advice, vote: want.vote, bias: want.bias, policy: want.policy, traj: want.traj }),
      20_000,
      { intervalMs: 100 },
    );
  } catch {
    throw new Error(
      `rejections ${JSON.stringify(rejected())} != sent ${JSON.stringify(want)}; ${JSON.stringify({ advisor: advisor.stats(), aggregator: aggregator.stats(), router: router.stats(), actor: actor.stats(), expired: busMetrics.get('expired') })}`,
    );
  }
  await waitFor(() => actor.stats().envSteps > stepsAtInject + 200, 10_000, { intervalMs: 50, what: 'the actor still stepping' });
  const a = actor.stats();
  const out = { advisor: advisor.stats(), aggregator: aggregator.stats(), router: router.stats() };
  await stopAll();
  stopAll = undefined;

  expect(busMetrics.get('handlerErrors')).toBe(0);
  expect(a.loopErrors).toBe(0);
  expect(a.biasAccepted).toBe(0);
  expect(a.advisedSteps).toBe(0);
  expect(a.policyVersion).toBeLessThanOrEqual(learner.stats().policyVersion); // no hostile announce was followed
  expect(out.advisor.published).toBe(0);
  expect(out.aggregator.accepted).toBeLessThanOrEqual(1); // the wrong-length advice, once (see above)
  expect(out.router.routed).toBeLessThanOrEqual(REPEAT + 1); // the wrong-length votes; the actor refused every bias they became
  expect(a.biasRejected - base.actor.biasRejected).toBeGreaterThanOrEqual(out.router.routed!);
  const total = [...sent.values()].reduce((x, y) => x + y, 0);
  expect(total).toBeGreaterThan(800);
  expect(logLines - base.logLines).toBeLessThanOrEqual(30); // one line per kind per 10 s, not one per message
});
