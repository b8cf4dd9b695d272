// A server-backed (asynchronous) env through the real system, without Minecraft: the test
// registers SlowPole-v0, whose createAsync wraps CartPole with a timer delay on every reset and
// step (as a game server would), and whose offline `create` env has a portable state and the
// CartPole expert. The real actor-runner steps it through AsyncVectorEnv on a real nats-server,
// with the scripted advice chain (generic state path) and a ppo-learner: advice is applied,
// trajectories reach the learner, new policy versions reach the actor, and one env step that
// fails (like a timed-out server) ends one agent's episode instead of stopping the actor. And an
// actor whose chunks could never be stored (over max_payload) refuses to start.
import { setTimeout as sleep } from 'node:timers/promises';
import { CartPoleEnv, cartPoleExpert, EnvStateError, registerEnv, unregisterEnv, type AsyncEnv, type PortableStateEnv, type ResetArgs } from '@ala/envs';
import { waitFor } from '@ala/testkit';
import { ChunkSizeError } from '@ala/actor-runner';
import { actorOn, adviceChainOn, harness, learnerOn, type Harness } from './harness';

jest.setTimeout(30_000);

const ID = 'SlowPole-v0';
const STEP_DELAY_MS = 3;

/** CartPole whose physics state travels as bytes (32 bytes: the float64 state). */
class StatePole extends CartPoleEnv implements PortableStateEnv {
  exportState(): Uint8Array {
    return new Uint8Array(Float64Array.from(this.state).buffer);
  }
  importState(bytes: Uint8Array): void {
    if (bytes.length !== 32) throw new EnvStateError(ID, 'length', 'state', `expected 32 bytes, got ${bytes.length}`);
    this.state = new Float64Array(bytes.slice().buffer);
  }
}

/** One "player": every call waits STEP_DELAY_MS; env 1 fails its 20th step once. */
class SlowPole implements AsyncEnv {
  readonly id = ID;
  private readonly inner = new StatePole({ maxEpisodeSteps: 200 });
  readonly observationSpace = this.inner.observationSpace;
  readonly actionSpace = this.inner.actionSpace;
  private steps = 0;
  constructor(private readonly index: number) {}
  async reset(args?: ResetArgs) {
    await sleep(STEP_DELAY_MS);
    return this.inner.reset(args);
  }
  async step(action: number) {
    await sleep(STEP_DELAY_MS);
    if (this.index === 1 && ++this.steps === 20) throw new Error('step timed out (injected)');
    return this.inner.step(action);
  }
  legalActions = async () => this.inner.legalActions();
  describe = async () => this.inner.describe();
  exportState = (): Uint8Array => this.inner.exportState();
  close = async () => this.inner.close();
}

let h: Harness;
beforeAll(async () => {
  registerEnv({
    id: ID,
    description: 'CartPole behind a timer, as a server-backed env (test)',
    create: () => new StatePole(),
    createAsync: async (o: { index: number }) => new SlowPole(o.index),
    expert: cartPoleExpert,
  });
  h = await harness();
});
afterAll(async () => {
  await h?.close();
  unregisterEnv(ID);
});

test('an async env: advice applied, trajectories reach the learner, versions reach the actor, a failed step ends one episode', async () => {
  const learner = await learnerOn(h, { envId: ID, seed: 5, minBatch: 256 });
  const chain = adviceChainOn(h, { ALA_SCRIPTED_LATENCY_MS: '2' });
  const { actor, chunks } = await actorOn(h, { envId: ID, agents: 8, chunkSteps: 16, snapshotEvery: 2, adviceTtlMs: 1000, seed: 5 });
  try {
    await actor.ready;
    await waitFor(() => learner.stats().updates >= 2 && actor.stats().policyVersion >= 3 && actor.stats().advisedSteps > 0, 20_000, { intervalMs: 100 });
  } finally {
    await actor.stop();
    await chain.stop();
    await learner.stop();
  }
  const a = actor.stats();
  const l = learner.stats();
  const adv = chain.stats().advisor;
  process.stdout.write(
    `async env: ${a.envSteps} agent-steps, ${a.advisedSteps} advised, ${a.chunksPublished} chunks, learner ${l.updates} updates v${l.policyVersion}, actor v${a.policyVersion}, step failures ${a.envStepFailures}\n`,
  );
  expect(a.loopErrors).toBe(0);
  expect(a.envStepFailures).toBe(1); // the injected timeout: counted, and the actor kept stepping
  expect(a.envResetFailures).toBe(0);
  expect(adv?.['scriptedStateEnv']).toBeGreaterThan(0); // advice from the env's expert on the restored state
  expect(a.advisedSteps).toBeGreaterThan(0);
  expect(l.chunksIn).toBeGreaterThanOrEqual(2);
  expect(a.policyVersion).toBeGreaterThanOrEqual(3);
  // the failed step is a truncated row of agent 1 in a chunk (its episode ended there)
  const truncatedRows = chunks.reduce((sum, c) => sum + c.truncated.reduce((s, x, k) => s + (k % c.nAgents === 1 ? x : 0), 0), 0);
  expect(truncatedRows).toBeGreaterThanOrEqual(1);
});

test("an actor whose chunks would exceed the server's max_payload refuses to start, saying what fits", async () => {
  // 1000 CartPole agents x 32 steps: ~2 MB per chunk, over the test server's default 1 MiB
  const err = await actorOn(h, { agents: 1000, chunkSteps: 32, snapshotEvery: 0 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChunkSizeError);
  expect((err as Error).message).toMatch(/over the NATS server's max_payload 1048576: set ALA_CHUNK_STEPS <= 1[0-9]\b/);
});
