// Helpers of the deploy tests: start `ala <service>` (or any command) as a real process (what a container runs,
// with `node packages/cli/bin/ala.js` in place of the image entrypoint `ala`), read its /healthz
// and /readyz, and kill whatever is left at the end. Must not: decide what a test expects.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import * as path from 'node:path';

export const REPO = path.join(__dirname, '..', '..');
export const ALA_BIN = path.join(REPO, 'packages', 'cli', 'bin', 'ala.js');

export interface AlaProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last 4 kB of stderr and stdout (for failure messages). */
  output(): string;
}

const live = new Set<ChildProcess>();

/** Runs `ala <args>` with exactly `env` (plus PATH and HOME), stdout and stderr kept. */
export function startAla(name: string, args: readonly string[], env: Record<string, string>): AlaProcess {
  return startProcess(name, process.execPath, [ALA_BIN, ...args], env);
}

/** Runs `cmd <args>` with exactly `env` (plus PATH and HOME), stdout and stderr kept. */
export function startProcess(name: string, cmd: string, args: readonly string[], env: Record<string, string>): AlaProcess {
  const proc = spawn(cmd, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-4096);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      live.delete(proc);
      resolve(code);
    }),
  );
  return { name, proc, exited, output: () => out };
}

/** SIGKILLs every process started here that is still running. */
export async function killAll(): Promise<void> {
  const waits = [...live].map(
    (p) =>
      new Promise<void>((r) => {
        p.once('exit', () => r());
        p.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}

export interface Probe {
  status: number;
  body: string;
}

/** GET http://127.0.0.1:<port><path>; status 0 when nothing answers within 2 s. */
export function probe(port: number, urlPath: string): Promise<Probe> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}
