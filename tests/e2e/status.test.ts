// `ala status` on a running system: the one-process stack registers a NATS services `status`
// endpoint per service, and collectStatus finds all five with live counters.
import { connect } from '@nats-io/transport-node';
import { silentLogger } from '@ala/bus';
import { waitFor, type NatsServerHandle } from '@ala/testkit';
import { natsServerPerFile } from './harness';
import { collectStatus, describeStats } from '../../packages/cli/src/commands/status';
import { startStack } from '../../packages/cli/src/commands/up-stack';

jest.setTimeout(60_000);

let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

test('ala status lists every service of a running system with versions, lag and advice counters', async () => {
  const stack = await startStack({
    natsUrl: server.url,
    envId: 'CartPole-v1',
    agents: 4,
    stepHz: 100,
    advisor: 'scripted',
    advisorLatencyMs: 10,
    adviceTtlMs: 200,
    seed: 1,
    logger: silentLogger,
  });
  await stack.actor.ready;
  await waitFor(() => stack.stats().learner.policyVersion >= 2 && stack.stats().actor.advisedSteps > 0, 20_000, { intervalMs: 50 });
  const nc = await connect({ servers: server.url });
  const list = await collectStatus(nc, 500);
  await nc.close();
  await stack.stop();
  expect(list.map((i) => i.service).sort()).toEqual(['actor-runner', 'advisor-worker', 'bias-router', 'ppo-learner', 'vote-aggregator']);
  const actor = list.find((i) => i.service === 'actor-runner')!;
  expect(actor.version).toBe('0.1.0');
  expect(actor.stats.envSteps).toBeGreaterThan(0);
  expect(actor.stats.advisedSteps).toBeGreaterThan(0);
  expect(list.find((i) => i.service === 'ppo-learner')!.stats.policyVersion).toBeGreaterThanOrEqual(2);
  expect(describeStats('actor-runner', actor.stats)).toMatch(/policy v\d+ \| advised \d+%/);
});
