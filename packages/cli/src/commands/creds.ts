// `ala creds --out DIR [--keep] [--prefix P]`: one nkey user per ALA identity (docs/security.md).
// Writes DIR/<identity>.nk (the seed, mode 0600), DIR/identities.json ({identity: {publicKey,
// seedFile}}, seedFile relative to DIR) and DIR/auth.conf (the nats-server `authorization` block
// with each identity's least-privilege permissions). Files are written to temporary names and
// renamed, so a reader never sees half a set. `--keep` keeps the keys of a complete DIR (a compose
// init container runs it on every start) and rewrites only auth.conf, and only when this version's
// permissions or the prefix differ from it (an upgrade that adds a permission then works without a
// rotation); without `--keep` every key is new (rotation).
// Must not: print, log or return a seed.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { createUser } from '@nats-io/nkeys';
import { authConf, IDENTITIES, type Identity } from '@ala/bus';
import { isValidPrefix } from '@ala/protocol';
import { CliUsageError } from '../errors';

export interface CredsResult {
  readonly dir: string;
  /** False when --keep found a complete set and kept its keys. */
  readonly written: boolean;
  /** True when auth.conf was (re)written: always with new keys; with --keep, when it was out of date. */
  readonly authConfWritten: boolean;
  readonly identities: Readonly<Record<Identity, { publicKey: string; seedFile: string }>>;
}

/** Absolute path of an identity's seed file in DIR. */
export function seedFileOf(dir: string, identity: Identity): string {
  return path.resolve(dir, `${identity}.nk`);
}

function readSet(dir: string): CredsResult['identities'] | undefined {
  const file = path.join(dir, 'identities.json');
  if (!existsSync(file) || !existsSync(path.join(dir, 'auth.conf'))) return undefined;
  try {
    const ids = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { publicKey?: unknown; seedFile?: unknown }>;
    const complete = IDENTITIES.every((i) => typeof ids[i]?.publicKey === 'string' && existsSync(seedFileOf(dir, i)));
    return complete ? (ids as CredsResult['identities']) : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode); // mode applies only at creation; a leftover temp file keeps its own
  renameSync(tmp, file);
}

/** Generates (or, with keep, reuses) the credentials in `dir`. */
export function writeCreds(dir: string, opts: { keep?: boolean; prefix?: string } = {}): CredsResult {
  const prefix = opts.prefix ?? 'ala';
  if (!isValidPrefix(prefix)) throw new CliUsageError(`--prefix ${prefix} must be 1-4 dot-separated tokens of [A-Za-z0-9_-]`, 'prefix');
  if (opts.keep) {
    const kept = readSet(dir);
    if (kept) {
      const conf = authConf(
        IDENTITIES.map((identity) => ({ identity, publicKey: kept[identity].publicKey })),
        prefix,
      );
      const file = path.join(dir, 'auth.conf');
      const stale = readFileSync(file, 'utf8') !== conf;
      if (stale) writeAtomic(file, conf, 0o644);
      return { dir, written: false, authConfWritten: stale, identities: kept };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identities = {} as Record<Identity, { publicKey: string; seedFile: string }>;
  const users: { identity: Identity; publicKey: string }[] = [];
  for (const identity of IDENTITIES) {
    const kp = createUser();
    const publicKey = kp.getPublicKey();
    writeAtomic(seedFileOf(dir, identity), `${new TextDecoder().decode(kp.getSeed())}\n`, 0o600);
    kp.clear();
    identities[identity] = { publicKey, seedFile: `${identity}.nk` };
    users.push({ identity, publicKey });
  }
  writeAtomic(path.join(dir, 'auth.conf'), authConf(users, prefix), 0o644);
  // last: its presence (with every seed file) is what --keep calls complete
  writeAtomic(path.join(dir, 'identities.json'), `${JSON.stringify(identities, null, 2)}\n`, 0o644);
  return { dir, written: true, authConfWritten: true, identities };
}

export function register(program: Command): void {
  program
    .command('creds')
    .description('write one NATS nkey identity per ALA service and the nats-server auth.conf with least-privilege permissions')
    .requiredOption('--out <dir>', 'directory for auth.conf, identities.json and <identity>.nk seed files')
    .option(
      '--keep',
      'keep the keys of an existing complete set, updating auth.conf if the permissions changed (else every key is regenerated: rotation)',
      false,
    )
    .option('--prefix <prefix>', 'subject prefix the permissions are written for (default ALA_PREFIX, else ala)')
    .addHelpText(
      'after',
      `
Identities: ${IDENTITIES.join(', ')}. Each service reads its seed from ALA_NATS_NKEY_SEED_FILE=DIR/<identity>.nk;
the server config includes the permissions with: include "auth.conf". After a rotation, reload the server
(nats-server --signal reload) and restart the services. See docs/security.md.`,
    )
    .action((o: { out: string; keep: boolean; prefix?: string }) => {
      const r = writeCreds(o.out, { keep: o.keep, prefix: o.prefix ?? (process.env.ALA_PREFIX || 'ala') });
      process.stdout.write(
        r.written
          ? `wrote ${IDENTITIES.length} identities to ${r.dir}\n`
          : `kept the keys in ${r.dir}${r.authConfWritten ? "; auth.conf updated to this version's permissions (reload the nats-server)" : ''}\n`,
      );
      for (const i of IDENTITIES) process.stdout.write(`  ${i.padEnd(16)} ${r.identities[i].publicKey}\n`);
    });
}
