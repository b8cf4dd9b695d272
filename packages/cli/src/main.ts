// Entry point of the `ala` CLI (loaded by bin/ala.js through tsx): parse argv and run one
// subcommand; print errors as one clear line and set the exit code. Must not: hold subcommand
// logic (see src/commands/).
import { createProgram } from './program';

async function main(): Promise<void> {
  const program = createProgram();
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  // Print our own message: a rethrown error would hit the wasm backend's uncaughtException hook,
  // which prints its whole minified source.
  const e = err as Error;
  process.stderr.write(`ala: ${e.name ?? 'Error'}: ${e.message ?? String(err)}\n`);
  if (process.env.ALA_DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
  process.exit(1);
});
