// Two advisors on one real nats-server: an honest expert (priority 1) and an adversarial one
// (priority 3). Each sees every snapshot (separate queue groups); the aggregator waits for both
// (quorum 2) and `select` follows the higher weight. Replicas of one advisor share snapshots
// through their queue group.
import { connect, NatsBus, silentLogger, systemClock, type AlaConnection } from '@ala/bus';
import { loadConfig, start } from '@ala/advisor-worker';
import { Bias, StateSnapshot, Vote } from '@ala/protocol';
import { waitFor } from '@ala/testkit';
import { cartPoleSnapshot, s, sleep, startChain, type Chain } from './chain-fixture';

let chain: Chain;
let extra: AlaConnection;
let adversary: ReturnType<typeof start>;
let replica: ReturnType<typeof start>;
const N = 20;
const biases: Bias[] = [];
const votes: Vote[] = [];

beforeAll(async () => {
  chain = await startChain({
    advisorEnv: { ALA_ADVISOR_ID: 'honest', ALA_ADVISOR_PRIORITY: '1' },
    aggregatorEnv: { ALA_AGG_QUORUM: '2', ALA_AGG_WINDOW_MS: '2000' },
    routerEnv: { ALA_ROUTER_BOUND: '1' },
  });
  extra = await connect({ servers: chain.server.url, name: 'adversary', logger: silentLogger });
  const bus = new NatsBus(extra.nc, { logger: silentLogger, subjects: s });
  const cfg = loadConfig({ ALA_ADVISOR_ID: 'liar', ALA_ADVISOR_PRIORITY: '3', ALA_SCRIPTED_ADVERSARIAL: '1' });
  adversary = start({ bus, clock: systemClock, config: cfg });
  replica = start({ bus, clock: systemClock, config: cfg }); // same advisor id: shares the queue group
  chain.actor.subscribe(Bias, s.biasAll, (b) => void biases.push(b));
  chain.actor.subscribe(Vote, s.voteAll, (v) => void votes.push(v));
  await Promise.all([chain.actor.flush(), extra.nc.flush()]);
});
afterAll(async () => {
  await Promise.all([adversary.stop(), replica.stop()]);
  await extra.close();
  await chain.stop();
});

it('select follows the higher-priority advisor; every advisor id answers each snapshot once', async () => {
  // one snapshot for each of N agents (a newer state of the same agent would supersede older windows)
  for (let i = 0; i < N; i++) chain.actor.publish(StateSnapshot, s.state(`t${i}`), cartPoleSnapshot(`t${i}`, 1), { ttlMs: 5_000 });
  await waitFor(() => biases.length === N, 5_000, { what: `${N} biases` });
  // the expert pushes right ([-1, 1]); the adversary says the opposite with 3x the weight
  expect(biases.map((b) => b.bias)).toEqual(Array.from({ length: N }, () => [1, -1]));
  expect(votes.every((v) => v.method === 'select' && v.advisorIds.length === 2 && v.agreement === 0.75)).toBe(true);
  // the two replicas of 'liar' split the snapshots (random queue-group choice: both get some of
  // 20 with probability 1 - 2^-19); together they answered each exactly once
  expect(adversary.stats().received! + replica.stats().received!).toBe(N);
  expect(adversary.stats().received).toBeGreaterThan(0);
  expect(replica.stats().received).toBeGreaterThan(0);
  expect(chain.advisor.stats().received).toBe(N);
  await sleep(20);
  expect(chain.aggregator.stats().dropped_duplicate ?? 0).toBe(0);
});
