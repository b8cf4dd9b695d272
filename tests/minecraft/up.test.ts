// `ala up --env Minecraft-v0 --agents 2` end to end (runUp, the function behind the command) on a
// real nats-server: two mineflayer bots on the local flying-squid server the env starts, the
// scripted advisor (the Minecraft expert on the snapshot's envState), the aggregator, the router,
// the ppo-learner. Advice is applied, trajectories reach the learner, new policy versions reach
// the actor; the family name `Minecraft` resolves to Minecraft-v0. Needs `npm run setup:minecraft`
// (`npm run test:minecraft` runs it first).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '@ala/bus';
import { listEnvs } from '@ala/envs';
import { startNatsServer, type NatsServerHandle } from '@ala/testkit';
import { resolveUpEnv, runUp } from '../../packages/cli/src/commands/up';
import { tempDir } from '../e2e/harness';

jest.setTimeout(150_000);

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});

test('Minecraft-v0 is installed and found by its family name', () => {
  expect(listEnvs().find((e) => e.id === 'Minecraft-v0')).toMatchObject({ installed: true, async: true, hasExpert: true });
  expect(resolveUpEnv('Minecraft')).toEqual({ envId: 'Minecraft-v0', async: true });
});

test('ala up --env Minecraft-v0 --agents 4: advice applied, trajectories reach the learner, versions reach the actor', async () => {
  const out = tempDir('up-minecraft');
  const { summary } = await runUp({ env: 'Minecraft', agents: 4, natsUrl: server.url, maxSeconds: 60, out, progress: 'none', logger: silentLogger });
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
    stats: { actor: Record<string, number>; learner: Record<string, number>; advisor: Record<string, number> };
  };
  const { actor, learner, advisor } = s.stats;
  process.stdout.write(
    `minecraft up: ${summary.envSteps} agent-steps in ${summary.wallSeconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(1)}/s), advised ${(100 * summary.advisedStepFraction).toFixed(0)}%, ` +
      `${actor.chunksPublished} chunks, learner ${summary.learnerUpdates} updates (${learner.chunksIn} chunks in), actor v${summary.policyVersion}, ` +
      `expert answers ${advisor['scriptedStateEnv']}, env step failures ${actor.envStepFailures}, reset failures ${actor.envResetFailures}\n`,
  );
  expect(summary.envId).toBe('Minecraft-v0');
  expect(summary.stoppedBy).toBe('max-seconds'); // no solved threshold: runs to --max-seconds
  expect(summary.error).toBeNull();
  expect(summary.evalEpisodes).toBe(0); // no final evaluation for a server-backed env by default
  expect(summary.envSteps).toBeGreaterThan(200); // real time: ~200 ms per step per bot (ticksPerStep 4); a learner update needs 640 samples
  expect(advisor['scriptedStateEnv']).toBeGreaterThan(10); // the Minecraft expert answered from envState
  expect(summary.advice.applied).toBeGreaterThan(10);
  expect(summary.advice.invalid).toBe(0);
  expect(actor.chunksPublished).toBeGreaterThan(2);
  expect(learner.chunksIn).toBeGreaterThan(2);
  expect(summary.learnerUpdates).toBeGreaterThanOrEqual(1);
  expect(summary.policyVersion).toBeGreaterThan(1); // a version the learner trained reached the actor
  expect(actor.loopErrors).toBe(0);
});
