// The one place where `ala` subcommands are registered. To add a subcommand, write
// src/commands/<name>.ts exporting `register(program)` and add it to COMMANDS below.
// Must not: implement commands.
import { Command } from 'commander';
import * as train from './commands/train';
import * as up from './commands/up';
import * as service from './commands/service';
import * as status from './commands/status';
import * as creds from './commands/creds';
import * as replay from './commands/replay';
import * as experiment from './commands/experiment';

/** A subcommand module: adds itself to the program. */
export interface CommandModule {
  register(program: Command): void;
}

/** Every subcommand, in help order. */
export const COMMANDS: readonly CommandModule[] = [train, up, replay, service, status, creds, experiment];

/** The `ala` program with every subcommand registered. */
export function createProgram(): Command {
  const program = new Command('ala')
    .description('ALA: PPO agents steered by bounded, time-limited advice from language models')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const c of COMMANDS) c.register(program);
  return program;
}
