// Connection security of every ALA service (docs/security.md): the nkey identity read from a seed
// file (ALA_NATS_NKEY_SEED_FILE), TLS files (ALA_NATS_TLS_CA_FILE, ALA_NATS_TLS_CERT_FILE,
// ALA_NATS_TLS_KEY_FILE; read with every service's config, @ala/telemetry COMMON_SETTINGS), and the per-identity inbox prefix `_INBOX_<publicKey>` so that one
// identity's replies (JetStream API answers, consumer deliveries) are readable by it alone.
// Must not: log, return or put into an error message any part of a seed or private key.
import { readFileSync, statSync } from 'node:fs';
import { fromSeed } from '@nats-io/nkeys';
import { nkeyAuthenticator, type Authenticator } from '@nats-io/transport-node';

export interface ConnectionSecurity {
  /** Path of the identity's nkey seed file (`ala creds` writes them); unset = no authentication. */
  readonly nkeySeedFile?: string;
  /** CA bundle to verify the server's certificate (alone: TLS with server verification). */
  readonly tlsCaFile?: string;
  /** Client certificate and key (both or neither): mutual TLS. */
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
}

/** A seed or TLS file is missing, unreadable or malformed; the message never holds file content. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    readonly setting: string,
    readonly path: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${setting} (${path}): ${detail}`, options);
  }
}

/** What connect() passes to nats.js for a ConnectionSecurity. */
export interface ResolvedSecurity {
  authenticator?: Authenticator;
  /** `_INBOX_<publicKey>` with an identity, else undefined (the nats.js default `_INBOX`). */
  inboxPrefix?: string;
  /** The identity's public key (safe to log). */
  publicKey?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Non-fatal findings to log once (e.g. a seed file readable by others). */
  warnings: string[];
}

/** Per-identity inbox prefix: replies to this identity arrive under `<prefix>.>` (auth.conf allows only it). */
export function inboxPrefixFor(publicKey: string): string {
  return `_INBOX_${publicKey}`;
}

function readable(setting: string, path: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
  } catch (err) {
    throw new CredentialsError(setting, path, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Reads and checks the files (seed parsed once to derive its public key). */
export function resolveSecurity(sec: ConnectionSecurity | undefined): ResolvedSecurity {
  const out: ResolvedSecurity = { warnings: [] };
  if (sec?.nkeySeedFile !== undefined) {
    const file = sec.nkeySeedFile;
    readable('ALA_NATS_NKEY_SEED_FILE', file);
    const seed = new TextEncoder().encode(readFileSync(file, 'utf8').trim());
    let publicKey: string;
    try {
      publicKey = fromSeed(seed).getPublicKey();
    } catch {
      // no cause: the nkeys error could quote the input
      throw new CredentialsError('ALA_NATS_NKEY_SEED_FILE', file, 'not an nkey seed (expected one line starting with SU, as `ala creds` writes)');
    }
    if (!publicKey.startsWith('U')) throw new CredentialsError('ALA_NATS_NKEY_SEED_FILE', file, 'not a user nkey seed (expected SU...)');
    if ((statSync(file).mode & 0o077) !== 0) out.warnings.push(`nkey seed file ${file} is readable by group or others (chmod 600 it)`);
    out.authenticator = nkeyAuthenticator(seed);
    out.publicKey = publicKey;
    out.inboxPrefix = inboxPrefixFor(publicKey);
  }
  const tls: { caFile?: string; certFile?: string; keyFile?: string } = {};
  if (sec?.tlsCaFile !== undefined) {
    readable('ALA_NATS_TLS_CA_FILE', sec.tlsCaFile);
    tls.caFile = sec.tlsCaFile;
  }
  if ((sec?.tlsCertFile === undefined) !== (sec?.tlsKeyFile === undefined)) {
    const [set, path] = sec?.tlsCertFile !== undefined ? ['ALA_NATS_TLS_CERT_FILE', sec.tlsCertFile] : ['ALA_NATS_TLS_KEY_FILE', sec!.tlsKeyFile!];
    throw new CredentialsError(set, path, 'a client certificate needs both ALA_NATS_TLS_CERT_FILE and ALA_NATS_TLS_KEY_FILE');
  }
  if (sec?.tlsCertFile !== undefined && sec.tlsKeyFile !== undefined) {
    readable('ALA_NATS_TLS_CERT_FILE', sec.tlsCertFile);
    readable('ALA_NATS_TLS_KEY_FILE', sec.tlsKeyFile);
    tls.certFile = sec.tlsCertFile;
    tls.keyFile = sec.tlsKeyFile;
  }
  if (Object.keys(tls).length > 0) out.tls = tls;
  return out;
}
