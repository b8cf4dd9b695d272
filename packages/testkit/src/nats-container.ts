// Docker fallback of the test kit: runs the official nats:2.14 image through testcontainers'
// NATS module, only when no nats-server binary is usable and a Docker engine answers its ping.
// testcontainers is loaded lazily so nothing Docker-related is required on machines without it.
// It must not be reached when a binary exists (the binary path is faster and needs no daemon).
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import type { NatsServerHandle } from './nats-server';

/** Pinned image; matches the version of scripts/install-nats-server.sh. */
export const NATS_IMAGE = 'nats:2.14.9';

/** True when a Docker engine answers GET /_ping within `timeoutMs` (DOCKER_HOST or the default socket). */
export async function dockerAnswers(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1_000): Promise<boolean> {
  const host = env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
  let target: { socketPath: string } | { host: string; port: number };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!existsSync(socketPath)) return false;
    target = { socketPath };
  } else if (host.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    return false;
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Starts nats with JetStream in a container, host port fixed to `port` so a restart keeps it.
 * Not exercised on machines without Docker (see the package README).
 */
export async function startNatsContainer(opts: { port: number; args: string[] }): Promise<NatsServerHandle> {
  const { NatsContainer } = await import('@testcontainers/nats');
  let builder = new NatsContainer(NATS_IMAGE).withJetStream().withArg('-sd', '/data').withExposedPorts({ container: 4222, host: opts.port });
  for (let i = 0; i < opts.args.length; i++) {
    const name = opts.args[i] ?? '';
    const next = opts.args[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      builder = builder.withArg(name, next);
      i++;
    } else {
      builder = builder.withArg(name);
    }
  }
  const container = await builder.start();
  let running = true;
  const conn = container.getConnectionOptions();
  return {
    get url() {
      return `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
    },
    get port() {
      return container.getMappedPort(4222);
    },
    storeDir: '/data',
    version: NATS_IMAGE.split(':')[1] ?? 'unknown',
    kind: 'container',
    user: conn.user,
    pass: conn.pass,
    isRunning: () => running,
    async stop() {
      running = false;
      await container.stop();
    },
    async restart() {
      await container.restart({ timeout: 5 });
      running = true;
    },
    async kill() {
      // docker stop with no grace period kills the server; the container is kept for restart()
      await container.stop({ timeout: 0, remove: false });
      running = false;
    },
  };
}
