// `ala <service>`: run one service in this process, as a container does — actor-runner,
// ppo-learner, advisor-worker, vote-aggregator, bias-router. Configuration comes from the
// environment (ALA_* variables, docs/configuration.md); the service drains on SIGTERM/SIGINT.
// Must not: configure services itself (each reads its own env in its main.ts).
import * as path from 'node:path';
import type { Command } from 'commander';
import { main as actorMain } from '@ala/actor-runner';
import { main as learnerMain } from '@ala/ppo-learner';

/** Service name -> how to run its main (each resolves when the service is up). */
export const SERVICES: Readonly<Record<string, { description: string; run: () => Promise<unknown> }>> = {
  'actor-runner': {
    description: 'run an actor-runner: N agents acting with the latest policy and live advice (ALA_AGENTS, ALA_ENV, ALA_STEP_HZ, ...)',
    run: () => actorMain(),
  },
  'ppo-learner': {
    description: 'run the PPO learner: trajectories in, policy versions out, checkpoints (ALA_CHECKPOINT_DIR, ...)',
    run: () => learnerMain(),
  },
  'advisor-worker': { description: 'run an advisor worker (ALA_ADVISOR_BACKEND scripted | openai-compatible, ...)', run: () => runMainOf('@ala/advisor-worker') },
  'vote-aggregator': { description: 'run the vote aggregator (ALA_AGG_METHOD, ALA_AGG_WINDOW_MS, ...)', run: () => runMainOf('@ala/vote-aggregator') },
  'bias-router': { description: 'run the bias router (ALA_ROUTER_BOUND, ALA_ROUTER_MAX_TTL_MS, ...)', run: () => runMainOf('@ala/bias-router') },
};

/** The advice services start from their src/main.ts when it is loaded (it is not part of their public surface). */
function runMainOf(pkg: string): Promise<void> {
  const entry = require.resolve(pkg);
  // a plain require: the tsx hook of bin/ala.js compiles it (dynamic import() would bypass the hook)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(path.dirname(entry), 'main.ts'));
  return Promise.resolve();
}

export function register(program: Command): void {
  for (const [name, svc] of Object.entries(SERVICES)) {
    program
      .command(name)
      .description(svc.description)
      .addHelpText('after', '\nConfiguration: ALA_* environment variables (docs/configuration.md); NATS_URL or ALA_NATS_URL selects the server.')
      .action(async () => {
        // every service reads ALA_NATS_URL; accept the conventional NATS_URL too
        if (!process.env.ALA_NATS_URL && process.env.NATS_URL) process.env.ALA_NATS_URL = process.env.NATS_URL;
        await svc.run();
      });
  }
}
