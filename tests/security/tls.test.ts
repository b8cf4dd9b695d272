// TLS for NATS connections (issue #13 point 3) with certificates made here by openssl: server
// verification from ALA_NATS_TLS_CA_FILE, mutual TLS with ALA_NATS_TLS_CERT_FILE/KEY_FILE, on top
// of the nkey identities; a client without the CA or without its certificate is refused. A whole
// `ala up` process on such a server, with identities and TLS from the environment, logs no seed
// and no private key (its stdout, stderr and run directory are searched for them).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect, CredentialsError, IDENTITIES, resolveSecurity, silentLogger } from '@ala/bus';
import { loadCommonConfig } from '@ala/telemetry';
import { startSecureServer } from './secure-server';
import { makeTestCerts, serverTlsConf, type TestCerts } from './tls-certs';
import { tempDir } from '../e2e/harness';

jest.setTimeout(90_000);

let certs: TestCerts;
beforeAll(() => {
  certs = makeTestCerts();
});

test('server verification: with the CA an identity connects over TLS; without it the connection is refused', async () => {
  const sec = await startSecureServer({ tls: { conf: serverTlsConf(certs, false), client: { tlsCaFile: certs.ca } } });
  try {
    const ok = await connect({ servers: sec.server.url, name: 't', security: sec.security('ops'), logger: silentLogger });
    expect(ok.nc.info?.tls_required).toBe(true);
    await ok.close();
    const noCa = { nkeySeedFile: sec.security('ops').nkeySeedFile };
    await expect(connect({ servers: sec.server.url, name: 't', security: noCa, logger: silentLogger, timeoutMs: 2000 })).rejects.toThrow(
      /certificate|self.signed|TLS/i,
    );
  } finally {
    await sec.stop();
  }
});

test('mutual TLS: a client certificate from ALA_NATS_TLS_CERT_FILE/KEY_FILE is required', async () => {
  const env = { ALA_NATS_TLS_CA_FILE: certs.ca, ALA_NATS_TLS_CERT_FILE: certs.clientCert, ALA_NATS_TLS_KEY_FILE: certs.clientKey };
  const { tlsCaFile, tlsCertFile, tlsKeyFile } = loadCommonConfig(env); // as a service reads them
  const sec = await startSecureServer({ tls: { conf: serverTlsConf(certs, true), client: { tlsCaFile, tlsCertFile, tlsKeyFile } } });
  try {
    const ok = await connect({ servers: sec.server.url, name: 't', security: sec.security('actor-runner'), logger: silentLogger });
    await ok.close();
    const noCert = { nkeySeedFile: sec.security('actor-runner').nkeySeedFile, tlsCaFile: certs.ca };
    await expect(connect({ servers: sec.server.url, name: 't', security: noCert, logger: silentLogger, timeoutMs: 2000 })).rejects.toThrow();
  } finally {
    await sec.stop();
  }
});

test('bad security settings fail clearly and never quote the file', async () => {
  expect(() => resolveSecurity(loadCommonConfig({ ALA_NATS_TLS_CERT_FILE: certs.clientCert }))).toThrow(CredentialsError);
  const bad = path.join(tempDir('badseed'), 'bad.nk');
  writeFileSync(bad, 'SUNOTAREALSEEDBUTLOOKSLIKEONE-secret-material\n', { mode: 0o600 });
  for (const security of [{ nkeySeedFile: bad }, { nkeySeedFile: `${bad}.missing` }, { tlsCaFile: `${bad}.missing` }]) {
    const err = await connect({ servers: 'nats://127.0.0.1:1', name: 't', security, logger: silentLogger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CredentialsError);
    expect((err as Error).message).not.toMatch(/secret-material|SUNOTAREAL/);
  }
});

test('an `ala up` process with identities and mutual TLS learns with advice and writes no seed or key to its logs or run directory', async () => {
  const sec = await startSecureServer({
    tls: { conf: serverTlsConf(certs, true), client: { tlsCaFile: certs.ca, tlsCertFile: certs.clientCert, tlsKeyFile: certs.clientKey } },
  });
  const out = tempDir('up-tls');
  try {
    const bin = path.join(__dirname, '..', '..', 'packages', 'cli', 'bin', 'ala.js');
    const env = {
      ...process.env,
      NATS_URL: sec.server.url,
      ALA_NATS_TLS_CA_FILE: certs.ca,
      ALA_NATS_TLS_CERT_FILE: certs.clientCert,
      ALA_NATS_TLS_KEY_FILE: certs.clientKey,
    };
    const proc = spawn(
      process.execPath,
      [bin, 'up', '--creds', sec.creds.dir, '--out', out, '--max-seconds', '10', '--agents', '4', '--progress', 'plain', '--eval-episodes', '0'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    proc.stdout.on('data', (d: Buffer) => (log += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((r) => proc.on('exit', r));
    expect({ code, log: code === 0 ? '' : log }).toEqual({ code: 0, log: '' });
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { advice: { applied: number }; policyVersion: number };
    expect(summary.advice.applied).toBeGreaterThan(0);
    expect(summary.policyVersion).toBeGreaterThanOrEqual(2);
    expect(log).not.toMatch(/permission denied|Violation/i);
    // every secret: the six seeds (and their private-key halves) and the client TLS key
    const secrets = IDENTITIES.map((i) => readFileSync(path.join(sec.creds.dir, `${i}.nk`), 'utf8').trim());
    const keyBody = readFileSync(certs.clientKey, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    const files = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => statSync(path.join(out, f)).isFile());
    const written = files.map((f) => readFileSync(path.join(out, f)).toString('latin1')).join('\n');
    for (const s of [...secrets, keyBody.slice(0, 40)]) {
      expect(log.includes(s)).toBe(false);
      expect(written.includes(s)).toBe(false);
    }
  } finally {
    await sec.stop();
  }
});
