// `ala creds`: one nkey user per identity, seeds 0600 that parse back to the published keys, an
// auth.conf naming every public key with its own inbox, --keep keeping a complete set's keys
// (updating an out-of-date auth.conf) and regenerating an incomplete one, a rerun without --keep rotating every key.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fromSeed } from '@nats-io/nkeys';
import { IDENTITIES } from '@ala/bus';
import { CliUsageError } from '../src/errors';
import { writeCreds } from '../src/commands/creds';

const fresh = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'ala-creds-test-')), 'creds');

test('writes a seed (0600) per identity matching identities.json, and auth.conf with each key and its inbox', () => {
  const dir = fresh();
  const r = writeCreds(dir, { prefix: 'lab.x' });
  expect(r.written).toBe(true);
  const ids = JSON.parse(readFileSync(path.join(dir, 'identities.json'), 'utf8')) as Record<string, { publicKey: string; seedFile: string }>;
  expect(Object.keys(ids)).toEqual([...IDENTITIES]);
  const conf = readFileSync(path.join(dir, 'auth.conf'), 'utf8');
  for (const i of IDENTITIES) {
    const file = path.join(dir, ids[i]!.seedFile);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const seed = readFileSync(file, 'utf8').trim();
    expect(seed).toMatch(/^SU/);
    expect(fromSeed(new TextEncoder().encode(seed)).getPublicKey()).toBe(ids[i]!.publicKey);
    expect(conf).toContain(`nkey: "${ids[i]!.publicKey}"`);
    expect(conf).toContain(`"_INBOX_${ids[i]!.publicKey}.>"`);
    expect(conf).not.toContain(seed);
  }
  expect(conf).toContain('"lab.x.bias.*"');
  expect(conf).not.toContain('"ala.');
  rmSync(path.dirname(dir), { recursive: true });
});

test('--keep keeps a complete set (an out-of-date auth.conf updated, keys kept); an incomplete one and a rerun without --keep get new keys', () => {
  const dir = fresh();
  const first = writeCreds(dir);
  const conf = readFileSync(path.join(dir, 'auth.conf'), 'utf8');
  const kept = writeCreds(dir, { keep: true });
  expect(kept.written).toBe(false);
  expect(kept.authConfWritten).toBe(false);
  expect(kept.identities).toEqual(first.identities);
  expect(readFileSync(path.join(dir, 'auth.conf'), 'utf8')).toBe(conf);
  // an auth.conf from an older version (a permission missing) is brought up to date, keys kept
  writeFileSync(path.join(dir, 'auth.conf'), conf.replace(/"ala\.advice\.\*"/, '"ala.nothing"'));
  const upgraded = writeCreds(dir, { keep: true });
  expect([upgraded.written, upgraded.authConfWritten]).toEqual([false, true]);
  expect(upgraded.identities).toEqual(first.identities);
  expect(readFileSync(path.join(dir, 'auth.conf'), 'utf8')).toBe(conf);
  rmSync(path.join(dir, 'ops.nk'));
  const repaired = writeCreds(dir, { keep: true });
  expect(repaired.written).toBe(true);
  for (const i of IDENTITIES) expect(repaired.identities[i].publicKey).not.toBe(first.identities[i].publicKey);
  const rotated = writeCreds(dir);
  for (const i of IDENTITIES) expect(rotated.identities[i].publicKey).not.toBe(repaired.identities[i].publicKey);
  rmSync(path.dirname(dir), { recursive: true });
});

test('a bad prefix is refused and nothing is written', () => {
  const dir = fresh();
  expect(() => writeCreds(dir, { prefix: 'a..b' })).toThrow(CliUsageError);
  expect(() => statSync(dir)).toThrow();
});
