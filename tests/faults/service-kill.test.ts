// Fault: service processes killed with SIGKILL mid-training (no drain, no final checkpoint).
// Learner: the actor keeps acting while it is gone; the restarted learner resumes from its last
// periodic checkpoint (resumed = 1) and the policy versions the actor runs never go down.
// Actor: killed while advice is applied; with the advisor gone, its stored biases (ALA_BIAS) expire;
// a restarted actor with the same id restores none of them and applies no bias.
import type { NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { tempDir } from '../e2e/harness';
import { killAll } from '../deploy/processes';
import { Stack, statusBy, testClient } from './stack';

jest.setTimeout(150_000);

let server: NatsServerHandle;
let nc: NatsConnection | undefined;
afterAll(async () => {
  await killAll();
  await nc?.close();
  await server?.stop();
});

test('learner SIGKILL: resumes from its checkpoint, versions stay monotonic; actor SIGKILL: its advice expires, the restarted actor applies none', async () => {
  server = await startNatsServer();
  const ckpt = tempDir('fault-learner');
  const stack = new Stack(server.url, 'sk');
  const learnerEnv = { ALA_CHECKPOINT_DIR: ckpt, ALA_CHECKPOINT_EVERY_S: '1' };
  for (const svc of ['ppo-learner', 'actor-runner', 'advisor-worker', 'vote-aggregator', 'bias-router'] as const)
    stack.start(svc, svc === 'ppo-learner' ? learnerEnv : {});
  nc = await testClient(server.url);
  let st = await statusBy(nc);
  await waitFor(
    async () => {
      st = await statusBy(nc!);
      return (st['ppo-learner']?.checkpoints ?? 0) >= 2 && (st['actor-runner']?.advisedSteps ?? 0) > 0;
    },
    90_000,
    { intervalMs: 500, what: `training with checkpoints\n${stack.outputs()}` },
  );

  // the actor's policy version, sampled throughout
  const seen: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const v = (await statusBy(nc!))['actor-runner']?.policyVersion;
      if (v !== undefined) seen.push(v);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  const killed = stack.procs.get('ppo-learner')!;
  const vKilled = (await statusBy(nc))['ppo-learner']!.policyVersion!;
  killed.proc.kill('SIGKILL');
  expect(await killed.exited).toBeNull();
  const stepsAtKill = (await statusBy(nc))['actor-runner']!.envSteps!;
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await statusBy(nc))['actor-runner']!.envSteps!).toBeGreaterThan(stepsAtKill + 500); // acting without a learner
  stack.start('ppo-learner', learnerEnv);
  await waitFor(
    async () => {
      st = await statusBy(nc!);
      return (st['ppo-learner']?.updates ?? 0) >= 2 && (st['actor-runner']?.policyVersion ?? 0) > vKilled + 1;
    },
    60_000,
    { intervalMs: 500, what: `the restarted learner training\n${stack.outputs()}` },
  );
  expect(st['ppo-learner']!.resumed).toBe(1);
  sampling = false;
  await sampler;
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
  expect(seen[seen.length - 1]).toBeGreaterThan(vKilled);

  // actor: killed while advised; the advisor stops; the biases it stored expire (TTL 1 s)
  const actor = stack.procs.get('actor-runner')!;
  const advisedBefore = st['actor-runner']!.advisedSteps!;
  expect(advisedBefore).toBeGreaterThan(0);
  actor.proc.kill('SIGKILL');
  const advisor = stack.procs.get('advisor-worker')!;
  advisor.proc.kill('SIGTERM');
  expect(await advisor.exited).toBe(0);
  await new Promise((r) => setTimeout(r, 2_500)); // > ALA_ADVICE_TTL_MS
  stack.start('actor-runner');
  await waitFor(async () => ((await statusBy(nc!))['actor-runner']?.envSteps ?? 0) > 1_500, 60_000, {
    intervalMs: 250,
    what: `the restarted actor acting\n${stack.outputs()}`,
  });
  const restarted = (await statusBy(nc))['actor-runner']!;
  expect(restarted.biasRestored).toBe(0);
  expect(restarted.advisedSteps).toBe(0);
  expect(restarted.loopErrors).toBe(0);
  const codes = await stack.stopAll();
  expect(codes).toEqual({ 'ppo-learner': 0, 'actor-runner': 0, 'advisor-worker': 0, 'vote-aggregator': 0, 'bias-router': 0 });
});
