// `npm run llm:up`: watch a real model advise. Starts llama-server with SmolLM2-135M-Instruct
// (installed by scripts/install-llm.sh, which `npm run llm:up` runs first) on a free loopback port,
// then `ala up --advisor openai-compatible` against it with settings that fit a small CPU server
// (ALA_LLM_SLOTS = the server's -np, 2 agents at 5 steps/s, a 10 s advice TTL: a 135M model on one
// CPU thread answers in 2-6 s), and stops the server when
// `ala up` ends (Ctrl-C included). Extra arguments go to `ala up` (e.g. `-- --env CraftWorld-v0`).
// Environment: ALA_LLM_SLOTS (default 2), ALA_LLM_THREADS (default 1), LLAMA_SERVER_BIN,
// LLAMA_SERVER_MODEL. Must not: download anything (install-llm.sh does).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startLlamaServer } from '@ala/testkit';

async function main(): Promise<number> {
  const slots = Number(process.env.ALA_LLM_SLOTS ?? 2);
  const threads = Number(process.env.ALA_LLM_THREADS ?? 1);
  if (!(Number.isInteger(slots) && slots >= 1) || !(Number.isInteger(threads) && threads >= 1)) {
    process.stderr.write('llm:up: ALA_LLM_SLOTS and ALA_LLM_THREADS must be integers >= 1\n');
    return 2;
  }
  process.stderr.write(`llm:up: starting llama-server (SmolLM2-135M-Instruct, ${slots} slots, ${threads} thread(s))...\n`);
  const llm = await startLlamaServer({ slots, threads });
  process.stderr.write(`llm:up: llama-server ready at ${llm.url}\n`);
  const args = [
    path.join(__dirname, '..', 'packages', 'cli', 'bin', 'ala.js'),
    'up',
    '--advisor',
    'openai-compatible',
    '--agents',
    '2',
    '--step-hz',
    '5',
    '--advice-ttl-ms',
    '10000',
    '--max-seconds',
    '60',
    '--eval-episodes',
    '0',
    ...process.argv.slice(2),
  ];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      ALA_LLM_ENDPOINT: llm.url,
      ALA_LLM_MODEL: llm.alias,
      ALA_LLM_SLOTS: String(slots),
      ALA_LLM_MAX_TOKENS: process.env.ALA_LLM_MAX_TOKENS ?? '96',
      ALA_ADVISOR_ID: process.env.ALA_ADVISOR_ID ?? 'smollm2',
    },
  });
  const forward = (sig: NodeJS.Signals) => (): void => void child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const code = await new Promise<number>((resolve) => child.once('exit', (c, sig) => resolve(c ?? (sig ? 130 : 1))));
  await llm.stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`llm:up: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
