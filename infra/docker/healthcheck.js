#!/usr/bin/env node
// Container liveness check of the ALA image (Dockerfile HEALTHCHECK): GET /healthz on the
// service's ALA_METRICS_PORT; exit 0 on HTTP 200, else 1 with one line saying why.
// Must not: check readiness (/readyz: NATS, streams, policy), which orchestrators probe themselves.
'use strict';
const port = Number(process.env.ALA_METRICS_PORT ?? 0);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`healthcheck: ALA_METRICS_PORT=${process.env.ALA_METRICS_PORT ?? '(unset)'} serves no /healthz; set it to the service's metrics port\n`);
  process.exit(1);
}
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) })
  .then((res) => {
    if (res.status === 200) process.exit(0);
    process.stderr.write(`healthcheck: /healthz on port ${port} answered HTTP ${res.status}\n`);
    process.exit(1);
  })
  .catch((err) => {
    process.stderr.write(`healthcheck: /healthz on port ${port}: ${err.message}\n`);
    process.exit(1);
  });
