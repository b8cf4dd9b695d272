// One `ala train` CartPole-v1 run for the peer comparison: same budget and stop rule as the
// peers (mean of the last 100 episodes >= 475). Prints one JSON line.
// Usage: npx tsx bench/peers/ala-cartpole.ts SEED BUDGET
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTrain } from '@ala/cli';

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  const budget = Number(process.argv[3] ?? 150000);
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'ala-peers-'));
  const { summary } = await runTrain({
    env: 'CartPole-v1',
    seed,
    totalSteps: budget,
    out: path.join(out, 'run'),
    stopWhenSolved: true,
    progress: 'none',
    checkpointEvery: 3600,
  });
  console.log(
    JSON.stringify({
      peer: 'ala',
      seed,
      solvedAtStep: summary.solvedAtStep,
      wallSecondsToSolve: summary.solvedAtStep === null ? null : summary.wallSeconds,
      wallSeconds: summary.wallSeconds,
      envSteps: summary.envSteps,
      finalMean100: summary.finalMean100,
      backend: summary.backend,
    }),
  );
  await fs.rm(out, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
