// Connection security settings: the four ALA_NATS_* variables, the seed file read once into an
// authenticator and the per-identity inbox prefix, and clear CredentialsErrors (never quoting the
// file) for a missing file, a non-user seed or a certificate without its key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAccount, createUser } from '@nats-io/nkeys';
import { CredentialsError, inboxPrefixFor, resolveSecurity } from '../src';

const dir = mkdtempSync(path.join(tmpdir(), 'ala-sec-unit-'));
const seedFile = (name: string, seed: Uint8Array, mode = 0o600): string => {
  const f = path.join(dir, name);
  writeFileSync(f, `${new TextDecoder().decode(seed)}\n`, { mode });
  return f;
};

test('a client certificate needs both files: either alone is refused naming the variable', () => {
  expect(() => resolveSecurity({ tlsKeyFile: '/k' })).toThrow(/ALA_NATS_TLS_KEY_FILE.*both/);
  expect(() => resolveSecurity({ tlsCertFile: '/c' })).toThrow(CredentialsError);
});

test('a user seed gives an authenticator and the inbox prefix of its public key', () => {
  const kp = createUser();
  const r = resolveSecurity({ nkeySeedFile: seedFile('u.nk', kp.getSeed()) });
  expect(r.authenticator).toBeDefined();
  expect(r.publicKey).toBe(kp.getPublicKey());
  expect(r.inboxPrefix).toBe(inboxPrefixFor(kp.getPublicKey()));
  expect(r.inboxPrefix).toBe(`_INBOX_${kp.getPublicKey()}`);
  expect(r.warnings).toEqual([]);
});

test('a seed file readable by others is used, with a warning', () => {
  const r = resolveSecurity({ nkeySeedFile: seedFile('open.nk', createUser().getSeed(), 0o644) });
  expect(r.warnings).toEqual([expect.stringMatching(/readable by group or others/)]);
});

test('a missing file, garbage or an account (not user) seed is a CredentialsError that does not quote the file', () => {
  const account = createAccount().getSeed();
  const accountFile = seedFile('acct.nk', account);
  const garbage = path.join(dir, 'garbage.nk');
  writeFileSync(garbage, 'SUtopsecretbutbroken\n', { mode: 0o600 });
  for (const f of [path.join(dir, 'missing.nk'), garbage, accountFile]) {
    let err: unknown;
    try {
      resolveSecurity({ nkeySeedFile: f });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CredentialsError);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).not.toMatch(/topsecret|SA[A-Z2-7]{20,}/);
  }
});
