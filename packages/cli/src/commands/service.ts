// `ala <service>`: run one service in this process, as a container does — actor-runner,
// ppo-learner, advisor-worker, vote-aggregator, bias-router. Configuration comes from the
// environment (ALA_* variables, docs/configuration.md); the service drains on SIGTERM/SIGINT.
// Must not: configure services itself (each reads its own environment in its main(env)).
import type { Command } from 'commander';
import { main as actorMain } from '@ala/actor-runner';
import { main as advisorMain } from '@ala/advisor-worker';
import { main as routerMain } from '@ala/bias-router';
import { main as learnerMain } from '@ala/ppo-learner';
import { main as aggregatorMain } from '@ala/vote-aggregator';

/** Service name -> its main(env) (each resolves when the service is up). */
export const SERVICES: Readonly<Record<string, { description: string; run: (env: NodeJS.ProcessEnv) => Promise<unknown> }>> = {
  'actor-runner': {
    description: 'run an actor-runner: N agents acting with the latest policy and live advice (ALA_AGENTS, ALA_ENV, ALA_STEP_HZ, ...)',
    run: actorMain,
  },
  'ppo-learner': { description: 'run the PPO learner: trajectories in, policy versions out, checkpoints (ALA_CHECKPOINT_DIR, ...)', run: learnerMain },
  'advisor-worker': { description: 'run an advisor worker (ALA_ADVISOR_BACKEND scripted | openai-compatible, ...)', run: advisorMain },
  'vote-aggregator': { description: 'run the vote aggregator (ALA_AGG_METHOD, ALA_AGG_WINDOW_MS, ...)', run: aggregatorMain },
  'bias-router': { description: 'run the bias router (ALA_ROUTER_BOUND, ALA_ROUTER_MAX_TTL_MS, ...)', run: routerMain },
};

export function register(program: Command): void {
  for (const [name, svc] of Object.entries(SERVICES)) {
    program
      .command(name)
      .description(svc.description)
      .addHelpText('after', '\nConfiguration: ALA_* environment variables (docs/configuration.md); ALA_NATS_URL or NATS_URL selects the server.')
      .action(async () => {
        await svc.run(process.env);
      });
  }
}
