// Real nats-server lifecycle: start, version, restart on the same port and store, kill, and the
// errors a user sees when no usable server is installed.
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createServer } from 'node:http';
import { compareVersions, dockerAnswers, locateNatsServer, NatsServerNotFoundError, NatsServerVersionError, startNatsServer, waitFor } from '../src';

describe('startNatsServer', () => {
  it('starts a JetStream server >= 2.11 that survives restart with the same port and store', async () => {
    const server = await startNatsServer();
    const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    try {
      expect(compareVersions(server.version, '2.11.0')).toBeGreaterThanOrEqual(0);
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      // short request timeout: a request buffered while disconnected can be lost, so retry quickly
      const jsm = await jetstreamManager(nc, { timeout: 500 });
      await jsm.streams.add({ name: 'KEEP', subjects: ['keep.>'] });
      const js = jsm.jetstream();
      await js.publish('keep.a', 'y');
      await js.publish('keep.b', 'z');
      await server.restart();
      expect(server.isRunning()).toBe(true);
      // the client reconnects to the same port and the stream is still in the same store dir
      await waitFor(async () => (await jsm.streams.info('KEEP')).state.messages === 2, 10_000);
      await server.kill();
      expect(server.isRunning()).toBe(false);
      await server.restart();
      await waitFor(async () => (await jsm.streams.info('KEEP')).state.messages === 2, 10_000);
    } finally {
      await nc.close();
      await server.stop();
    }
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('throws a NatsServerNotFoundError with install instructions when NATS_SERVER_BIN points nowhere', async () => {
    const missing = path.join(tmpdir(), 'no-such-dir', 'nats-server');
    const env = { ...process.env, NATS_SERVER_BIN: missing };
    const attempt = startNatsServer({ env });
    await expect(attempt).rejects.toBeInstanceOf(NatsServerNotFoundError);
    await expect(startNatsServer({ env })).rejects.toThrow(/no nats-server found/);
    await expect(startNatsServer({ env })).rejects.toThrow(/npm run setup/);
    await expect(startNatsServer({ env })).rejects.toThrow(/scripts\/install-nats-server\.sh/);
    await expect(startNatsServer({ env })).rejects.toThrow(missing);
  });

  it('reports nothing found when neither the repo binary nor PATH has one', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'ala-empty-'));
    expect(() => locateNatsServer({ env: { PATH: empty }, fromDir: empty })).toThrow(NatsServerNotFoundError);
  });

  it('rejects a server older than 2.11 with a clear error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ala-old-'));
    const old = path.join(dir, 'nats-server');
    // an executable that answers --version like Debian's 2.9.10 package does
    writeFileSync(old, '#!/bin/sh\necho "nats-server: v2.9.10"\n');
    chmodSync(old, 0o755);
    expect(() => locateNatsServer({ env: { NATS_SERVER_BIN: old } })).toThrow(NatsServerVersionError);
    expect(() => locateNatsServer({ env: { NATS_SERVER_BIN: old } })).toThrow(/2\.9\.10; ALA needs >= 2\.11\.0/);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.10.22', '2.11.0')).toBe(-1);
    expect(compareVersions('2.14.9', '2.11.0')).toBe(1);
    expect(compareVersions('v2.11.0', '2.11.0')).toBe(0);
  });
});

describe('dockerAnswers', () => {
  it('is true only when something answers GET /_ping on DOCKER_HOST', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ala-docker-'));
    const sock = path.join(dir, 'docker.sock');
    // a stand-in engine that implements only the ping endpoint
    const engine = createServer((req, res) => {
      res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK');
    });
    await new Promise<void>((r) => engine.listen(sock, r));
    try {
      expect(await dockerAnswers({ DOCKER_HOST: `unix://${sock}` })).toBe(true);
    } finally {
      await new Promise((r) => engine.close(r));
    }
    expect(await dockerAnswers({ DOCKER_HOST: `unix://${sock}` })).toBe(false);
    expect(await dockerAnswers({ DOCKER_HOST: `unix://${path.join(dir, 'missing.sock')}` })).toBe(false);
    expect(await dockerAnswers({ DOCKER_HOST: 'tcp://127.0.0.1:1' }, 300)).toBe(false);
  });
});
