// The scripted advice path end to end over a real nats-server: actor snapshot -> advisor-worker
// -> vote-aggregator -> bias-router -> ala.bias.<agent> (and ALA_BIAS). Checks the bound, the
// lifetime arithmetic (thinking time is subtracted), that expired advice is dropped and counted
// at the stage where its lifetime ended, and that garbage on every input subject is counted and
// changes nothing.
import { Advice, Bias, encode, HEADER_TTL_MS, StateSnapshot, Vote } from '@ala/protocol';
import { encode as rawEncode } from 'msgpackr';
import { readLastBias, type MessageMeta } from '@ala/bus';
import { waitFor } from '@ala/testkit';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { cartPoleSnapshot, s, sleep, startChain, type Chain } from './chain-fixture';

const LATENCY_MS = 60;
let chain: Chain;
const got: { bias: Bias; meta: MessageMeta; at: number }[] = [];

beforeAll(async () => {
  chain = await startChain({ advisorEnv: { ALA_SCRIPTED_LATENCY_MS: String(LATENCY_MS), ALA_ADVISOR_PRIORITY: '2' } });
  chain.actor.subscribe(Bias, s.biasAll, (bias, meta) => void got.push({ bias, meta, at: performance.now() }));
  await chain.actor.flush();
});
afterAll(async () => {
  await chain.stop();
});

function publishSnapshot(snap: StateSnapshot, ttlMs: number): number {
  const t0 = performance.now();
  chain.actor.publish(StateSnapshot, s.state(snap.agentId), snap, { ttlMs });
  return t0;
}

describe('scripted advice chain', () => {
  it('a snapshot in gives a bounded bias with a positive, reduced TTL on ala.bias.<agent>', async () => {
    const before = got.length;
    const t0 = publishSnapshot(cartPoleSnapshot('a1', 1), 2_000);
    await waitFor(() => got.length > before, 5_000, { what: 'a bias for a1' });
    const { bias, meta, at } = got[got.length - 1]!;
    expect(bias.agentId).toBe('a1');
    expect(bias.stateSeq).toBe(1);
    expect(bias.bound).toBe(0.5);
    // the advisor's bias is +-1 (scale 1); the router bounds it to B = 0.5; the expert pushes right
    expect(bias.bias).toEqual([-0.5, 0.5]);
    expect(bias.recommended).toBe(1);
    // TTL: the snapshot's 2000 ms minus at least the thinking time, still positive
    expect(meta.ttlMs).toBeGreaterThan(0);
    expect(meta.ttlMs!).toBeLessThanOrEqual(2_000 - LATENCY_MS);
    expect(meta.ttlMs!).toBeGreaterThanOrEqual(2_000 - (at - t0) - 5);
    expect(bias.ttlMs).toBe(meta.ttlMs);
    // stored in ALA_BIAS too, still alive
    const stored = await readLastBias(chain.js, 'a1');
    expect(stored?.value.adviceId).toBe(bias.adviceId);
    expect(chain.advisor.stats().published).toBeGreaterThanOrEqual(1);
    expect(chain.aggregator.stats().votes).toBeGreaterThanOrEqual(1);
    expect(chain.router.stats().routed).toBeGreaterThanOrEqual(1);
  });

  it('advice whose TTL is shorter than the advisor latency is never forwarded: expired at the advisor', async () => {
    const adv0 = chain.advisor.stats();
    const agg0 = chain.aggregator.stats().received!;
    const before = got.length;
    publishSnapshot(cartPoleSnapshot('a2', 1), LATENCY_MS / 2);
    await waitFor(() => (chain.advisor.stats().dropped_expired ?? 0) > (adv0.dropped_expired ?? 0), 3_000, { what: 'advisor expired count' });
    await sleep(LATENCY_MS + 50);
    expect(chain.advisor.stats().published).toBe(adv0.published);
    expect(chain.aggregator.stats().received).toBe(agg0);
    expect(got.length).toBe(before);
    expect(await readLastBias(chain.js, 'a2')).toBeUndefined();
  });

  it('advice that expires inside the aggregation window is dropped and counted at the aggregator', async () => {
    const agg0 = chain.aggregator.stats();
    const router0 = chain.router.stats().received!;
    const advice: Advice = {
      v: 1,
      adviceId: 'adv-short',
      advisorId: 'llm',
      agentId: 'a3',
      priority: 1,
      stateSeq: 7,
      bias: [1, -1],
      confidence: 1,
      model: 'm',
      latencyMs: 1,
    };
    chain.actor.publish(Advice, s.advice('a3'), advice, { ttlMs: 5 }); // window is 20 ms
    await waitFor(() => (chain.aggregator.stats().adviceExpiredInWindow ?? 0) > (agg0.adviceExpiredInWindow ?? 0), 3_000, { what: 'aggregator expiry' });
    expect(chain.aggregator.stats().votes).toBe(agg0.votes);
    expect(chain.aggregator.stats().votesDropped_expired).toBe((agg0.votesDropped_expired ?? 0) + 1);
    await sleep(30);
    expect(chain.router.stats().received).toBe(router0);
  });

  it('a vote that arrives with no lifetime left is dropped and counted at the router', async () => {
    const expired0 = chain.busMetrics.router.get('expired', 'Vote');
    const routed0 = chain.router.stats().routed;
    const vote: Vote = {
      v: 1,
      adviceId: 'v-dead',
      agentId: 'a4',
      stateSeq: 1,
      adviceIds: ['x'],
      advisorIds: ['llm'],
      bias: [1, 0],
      confidence: 1,
      method: 'select',
      agreement: 1,
    };
    const h = natsHeaders();
    h.set(HEADER_TTL_MS, '0');
    chain.conns[0]!.nc.publish(s.vote('a4'), encode(Vote, vote), { headers: h });
    await waitFor(() => chain.busMetrics.router.get('expired', 'Vote') > expired0, 3_000, { what: 'router expired count' });
    expect(chain.router.stats().routed).toBe(routed0);
    expect(await readLastBias(chain.js, 'a4')).toBeUndefined();
  });

  it('garbage on every input subject is counted by the receiving stage and changes nothing', async () => {
    const stats0 = { adv: chain.advisor.stats(), agg: chain.aggregator.stats(), router: chain.router.stats() };
    const dec0 = {
      adv: chain.busMetrics.advisor.get('decodeErrors', 'StateSnapshot'),
      agg: chain.busMetrics.aggregator.get('decodeErrors', 'Advice'),
      router: chain.busMetrics.router.get('decodeErrors', 'Vote'),
    };
    const before = got.length;
    const nc = chain.conns[0]!.nc;
    const h = natsHeaders();
    h.set(HEADER_TTL_MS, '5000');
    const garbage = [new Uint8Array([0xc1, 0xff, 0x00]), new TextEncoder().encode('{"v":1}'), new Uint8Array(0)];
    for (const g of garbage) {
      nc.publish(s.state('g1'), g, { headers: h });
      nc.publish(s.advice('g1'), g, { headers: h });
      nc.publish(s.vote('g1'), g, { headers: h });
    }
    // well-formed msgpack that breaks the contracts: NaN obs, a bias of the wrong sign bound, a
    // payload naming another agent than its subject, a malformed TTL header
    nc.publish(s.state('g1'), rawEncode({ ...cartPoleSnapshot('g1', 1), obs: [NaN, 0, 0, 0] }), { headers: h });
    nc.publish(
      s.advice('g1'),
      encode(Advice, {
        v: 1,
        adviceId: 'x',
        advisorId: 'y',
        agentId: 'other',
        priority: 1,
        stateSeq: 1,
        bias: [1, 0],
        confidence: 1,
        model: 'm',
        latencyMs: 0,
      }),
      { headers: h },
    );
    const bad = natsHeaders();
    bad.set(HEADER_TTL_MS, '-5');
    nc.publish(
      s.vote('g1'),
      encode(Vote, {
        v: 1,
        adviceId: 'x',
        agentId: 'g1',
        stateSeq: 1,
        adviceIds: ['x'],
        advisorIds: ['y'],
        bias: [1, 0],
        confidence: 1,
        method: 'select',
        agreement: 1,
      }),
      { headers: bad },
    );
    await nc.flush();
    await waitFor(
      () =>
        chain.busMetrics.advisor.get('decodeErrors', 'StateSnapshot') - dec0.adv === 4 &&
        chain.busMetrics.aggregator.get('decodeErrors', 'Advice') - dec0.agg === 4 &&
        chain.busMetrics.router.get('decodeErrors', 'Vote') - dec0.router === 4,
      3_000,
      { what: 'decode errors at every stage' },
    );
    await sleep(LATENCY_MS + 50);
    expect(chain.advisor.stats()).toEqual(stats0.adv);
    expect(chain.aggregator.stats()).toEqual(stats0.agg);
    expect(chain.router.stats()).toEqual(stats0.router);
    expect(got.length).toBe(before);
    expect(await readLastBias(chain.js, 'g1')).toBeUndefined();
  });

  it('every service still works after the garbage', async () => {
    const before = got.length;
    publishSnapshot(cartPoleSnapshot('a5', 3, [0, 0, -0.05, -0.1]), 2_000);
    await waitFor(() => got.slice(before).some((g) => g.bias.agentId === 'a5'), 5_000, { what: 'a bias for a5' });
    const b = got.slice(before).find((g) => g.bias.agentId === 'a5')!.bias;
    expect(b.bias).toEqual([0.5, -0.5]); // pole falling left: push left
  });
});
