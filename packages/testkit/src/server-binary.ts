// Finds a nats-server binary and checks that it is new enough for per-message TTL (>= 2.11).
// Search order: NATS_SERVER_BIN, then <repo>/.tools/bin/nats-server, then PATH. It must not start
// a server or fall back silently: every failure is a typed error that says how to install one.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NatsServerNotFoundError, NatsServerVersionError } from './errors';

/** Oldest server that enforces the `Nats-TTL` header (stream `allow_msg_ttl`). */
export const MIN_SERVER_VERSION = '2.11.0';

export interface ServerBinary {
  readonly bin: string;
  /** As printed by `nats-server --version`, e.g. `2.14.9`. */
  readonly version: string;
}

export interface LocateOptions {
  /** Explicit binary; wins over everything else. */
  bin?: string;
  /** Environment to read NATS_SERVER_BIN and PATH from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Directory to start looking for the repository root from (default: this file's folder). */
  fromDir?: string;
}

/** Semver triple compare on `major.minor.patch` (pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function parseVersion(v: string): number[] {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) return [0, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Walks up from `fromDir` to the npm-workspaces root (package.json with "workspaces"). */
export function findRepoRoot(fromDir: string): string | undefined {
  let dir = path.resolve(fromDir);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
        if (json.workspaces !== undefined) return dir;
      } catch {
        // an unreadable package.json is not a workspace root: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Reads `nats-server --version` (prints e.g. `nats-server: v2.14.9`). */
export function serverVersion(bin: string): string {
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const m = /v?(\d+\.\d+\.\d+\S*)/.exec(out);
  if (!m?.[1]) throw new NatsServerVersionError(bin, `unparseable version output ${JSON.stringify(out.trim())}`, MIN_SERVER_VERSION);
  return m[1];
}

function checked(bin: string): ServerBinary {
  const version = serverVersion(bin);
  if (compareVersions(version, MIN_SERVER_VERSION) < 0) throw new NatsServerVersionError(bin, version, MIN_SERVER_VERSION);
  return { bin, version };
}

/**
 * Returns a usable binary, or throws NatsServerNotFoundError (nothing found) or
 * NatsServerVersionError (found, but older than 2.11). An explicit `bin` or NATS_SERVER_BIN that
 * does not exist is an error, never a reason to try elsewhere.
 */
export function locateNatsServer(opts: LocateOptions = {}): ServerBinary {
  const env = opts.env ?? process.env;
  const explicit = opts.bin ?? env['NATS_SERVER_BIN'];
  if (explicit !== undefined && explicit !== '') {
    const source = opts.bin !== undefined ? 'bin option' : 'NATS_SERVER_BIN';
    if (!isExecutable(explicit)) throw new NatsServerNotFoundError([`${source}=${explicit} (missing or not executable)`]);
    return checked(explicit);
  }
  const tried: string[] = ['NATS_SERVER_BIN (unset)'];
  const root = findRepoRoot(opts.fromDir ?? __dirname);
  if (root !== undefined) {
    const repoBin = path.join(root, '.tools', 'bin', 'nats-server');
    if (isExecutable(repoBin)) return checked(repoBin);
    tried.push(repoBin);
  }
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'nats-server');
    if (isExecutable(candidate)) return checked(candidate);
  }
  tried.push('nats-server on PATH');
  throw new NatsServerNotFoundError(tried);
}
