// The advised loop with identities on (issue #13 point 2): `ala up`'s stack on its embedded
// nats-server (the identities of `ala creds`, generated into the run directory) learns and
// applies advice with no permission denial; a stranger cannot connect to it; a compromised
// advisor's seed cannot publish a bias; and a service shell reports a denial as a rate-limited log
// line and `ala_nats_permission_errors_total`.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect as natsConnect } from '@nats-io/transport-node';
import { Bias, encode, HEADER_TTL_MS } from '@ala/protocol';
import { connect, type Identity } from '@ala/bus';
import { PromMetrics, runServiceMain } from '@ala/telemetry';
import { waitFor } from '@ala/testkit';
import { startStack } from '../../packages/cli/src/commands/up-stack';
import { tempDir } from '../e2e/harness';
import { recordingLogger, startSecureServer } from './secure-server';

jest.setTimeout(90_000);

test('ala up on its embedded server runs every service as its own identity: advice applied, nothing denied, strangers and a stolen advisor seed shut out', async () => {
  const lines: string[] = [];
  const credsDir = path.join(tempDir('up-creds'), 'creds');
  const stack = await startStack({
    envId: 'CartPole-v1',
    agents: 4,
    stepHz: 100,
    advisor: 'scripted',
    advisorLatencyMs: 10,
    adviceTtlMs: 200,
    seed: 2,
    logger: recordingLogger(lines),
    credsDir,
  });
  try {
    expect(stack.transport).toBe('nats-embedded');
    expect(stack.credsDir).toBe(credsDir);
    await waitFor(() => stack.stats().actor.policyVersion >= 2 && stack.stats().actor.advisedSteps > 100, 60_000, { intervalMs: 100 });
    const ids = JSON.parse(readFileSync(path.join(credsDir, 'identities.json'), 'utf8')) as Record<Identity, { publicKey: string; seedFile: string }>;
    expect(Object.keys(ids).sort()).toEqual(['actor-runner', 'advisor-worker', 'bias-router', 'ops', 'ppo-learner', 'vote-aggregator']);

    await expect(natsConnect({ servers: stack.natsUrl!, reconnect: false, timeout: 2000 })).rejects.toThrow(/Authorization Violation/i);
    // a compromised advisor: its own seed, publishing ±100 straight to an agent
    const stolen = await connect({
      servers: stack.natsUrl!,
      name: 'stolen-advisor',
      security: { nkeySeedFile: path.join(credsDir, ids['advisor-worker'].seedFile) },
      logger: recordingLogger([]),
    });
    const denied: string[] = [];
    void (async () => {
      for await (const s of stolen.nc.status()) if (s.type === 'error') denied.push(String(s.error));
    })();
    const before = stack.stats().actor;
    const hdr = (await import('@nats-io/transport-node')).headers();
    hdr.set(HEADER_TTL_MS, '60000');
    const evil: Bias = {
      v: 1,
      agentId: stack.actor.agentIds[0]!,
      adviceId: 'evil',
      stateSeq: 0,
      bias: [100, -100],
      bound: 100,
      ttlMs: 60_000,
      createdAt: Date.now(),
    };
    for (let k = 0; k < 50; k++) stolen.nc.publish(`ala.bias.${evil.agentId}`, encode(Bias, evil), { headers: hdr });
    await stolen.nc.flush();
    await waitFor(() => denied.length > 0, 5000, { intervalMs: 10 });
    await stolen.close();
    expect(denied[0]).toMatch(/Permissions Violation for Publish to "ala.bias/);
    expect(stack.stats().actor.biasClipped).toBe(before.biasClipped); // nothing of it reached the actor
    expect(stack.stats().actor.biasClipped).toBe(0);
  } finally {
    await stack.stop();
  }
  expect(lines.filter((l) => /permission|Violation/i.test(l))).toEqual([]);
});

test('a service shell reports denials: one log line per 10 s with the count, and ala_nats_permission_errors_total', async () => {
  const sec = await startSecureServer();
  const lines: string[] = [];
  const handle = await runServiceMain({
    name: 'advisor-worker',
    version: '0.0.0',
    config: { natsUrl: sec.server.url, prefix: 'ala', metricsPort: 0, ...sec.security('advisor-worker') },
    log: recordingLogger(lines),
    start: () => ({ stop: () => Promise.resolve(), stats: () => ({}) }),
  });
  try {
    for (let k = 0; k < 3; k++) handle.ctx.conn.nc.publish('ala.bias.a1', new Uint8Array([1]));
    await handle.ctx.conn.nc.flush();
    await waitFor(() => handle.ctx.conn.stats().permissionErrors === 3, 5000, { intervalMs: 10 });
    await waitFor(
      async () => /ala_nats_permission_errors_total\{service="advisor-worker"\} 3/.test(await (handle.ctx.metrics as PromMetrics).exposition()),
      5000,
      { intervalMs: 100 },
    );
    const denials = lines.filter((l) => l.includes('nats permission denied'));
    expect(denials).toHaveLength(1); // rate-limited: the first one now, the rest counted into the next line
    expect(denials[0]).toMatch(/ala\.bias\.a1/);
  } finally {
    await handle.shutdown();
    await sec.stop();
  }
});
