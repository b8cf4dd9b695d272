// A tiny HTTP server exposing a prom-client registry on GET /metrics for Prometheus to scrape, GET
// /healthz (200 while the process and its event loop answer: a liveness probe) and GET /readyz
// (200 when the caller's readiness check says so, else 503 with a short JSON reason: a readiness
// probe). It must not expose anything else or block the event loop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { MetricsServerError } from './errors';
import { READY, withTimeout, type ReadinessCheck } from './readiness';

export interface MetricsServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /** Default 0.0.0.0. */
  host?: string;
  /** What GET /readyz answers (default: always ready). */
  ready?: ReadinessCheck;
  /** A readiness check slower than this answers 503 (default 2000 ms, under a probe's usual 5 s timeout). */
  readyTimeoutMs?: number;
}

/** Listens on `port` (0 = any free port) and `host` (default 0.0.0.0). */
export async function startMetricsServer(port: number, registry: Registry, opts: MetricsServerOptions = {}): Promise<MetricsServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new MetricsServerError(port, 'port must be an integer in [0, 65535]');
  const ready = withTimeout(opts.ready ?? (() => READY), opts.readyTimeoutMs ?? 2_000); // always a Promise
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${String(err)}\n`);
        },
      );
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      void ready().then((r) => {
        res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(r)}\n`);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new MetricsServerError(port, 'could not listen', { cause: err })));
    server.listen(port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
