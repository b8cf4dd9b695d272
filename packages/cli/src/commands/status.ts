// `ala status`: every running ALA service instance found through the NATS services framework
// ($SRV.STATS): name, instance, version, uptime and the service's own counters (actor steps and
// advised fraction, policy versions and lag, advice rates). `--json` prints the raw records.
// Connects as the `ops` identity when ALA_NATS_NKEY_SEED_FILE names its seed (docs/security.md).
// Must not: change anything on the bus (read-only requests).
import type { Command } from 'commander';
import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect, consoleLogger } from '@ala/bus';
import { loadCommonConfig } from '@ala/telemetry';
import { CliUsageError } from '../errors';

export interface InstanceStatus {
  readonly service: string;
  readonly instanceId: string;
  readonly version: string;
  readonly uptimeS: number;
  readonly stats: Record<string, number>;
}

/** Ask every service instance for its stats; answers arriving within `timeoutMs` are returned. */
export async function collectStatus(nc: NatsConnection, timeoutMs = 1000): Promise<InstanceStatus[]> {
  // @nats-io/services pins its own nats-core pre-release; the connection is the same at runtime.
  const client = new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).client({ strategy: 'timer', maxWait: timeoutMs } as Parameters<
    Svcm['client']
  >[0]);
  const out: InstanceStatus[] = [];
  for await (const s of await client.stats()) {
    const data = s.endpoints?.find((e) => e.data !== undefined)?.data;
    const stats: Record<string, number> = {};
    if (data !== null && typeof data === 'object') for (const [k, v] of Object.entries(data)) if (typeof v === 'number' && Number.isFinite(v)) stats[k] = v;
    out.push({ service: s.name, instanceId: s.id, version: s.version, uptimeS: Math.max(0, (Date.now() - Date.parse(s.started)) / 1000), stats });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId));
}

const f = (x: number | undefined, digits = 0): string => (x === undefined ? '-' : x.toFixed(digits));

/** One human line of the counters that matter for a service. */
export function describeStats(service: string, s: Record<string, number>): string {
  switch (service) {
    case 'actor-runner':
      return (
        `steps ${f(s.envSteps)} | return ${f(s.meanReturn100, 1)} | policy v${f(s.policyVersion)} | advised ${f(((s.advisedSteps ?? 0) / Math.max(1, s.envSteps ?? 0)) * 100)}%` +
        ` age ${f((s.adviceAgeMsSum ?? 0) / Math.max(1, s.advisedSteps ?? 0))}ms | bias in ${f(s.biasReceived)} expired ${f(s.biasExpired)} invalid ${f(s.biasRejected)} clipped ${f(s.biasClipped)} | chunks ${f(s.chunksPublished)}`
      );
    case 'ppo-learner':
      return `policy v${f(s.policyVersion)} | updates ${f(s.updates)} | lag mean ${f(s.lastLagMean, 2)} max ${f(s.lastLagMax)} | chunks ${f(s.chunksIn)} stale ${f(s.chunksStale)} invalid ${f(s.chunksInvalid)}`;
    case 'advisor-worker':
      return `snapshots ${f(s.received)} | advice ${f(s.published)} | dropped ${f(s.dropped)} (expired ${f(s.dropped_expired ?? 0)}, busy ${f(s.dropped_busy ?? 0)})`;
    case 'vote-aggregator':
      return `advice ${f(s.received)} accepted ${f(s.accepted)} | votes ${f(s.votes)}`;
    case 'bias-router':
      return `votes ${f(s.received)} | routed ${f(s.routed)} | expired ${f(s.expired)} | rate-limited ${f(s.rateLimited)}`;
    default:
      return Object.entries(s)
        .slice(0, 8)
        .map(([k, v]) => `${k} ${v}`)
        .join(' | ');
  }
}

export function register(program: Command): void {
  program
    .command('status')
    .description('list running ALA service instances with versions, lag and advice rates (NATS services framework)')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else nats://127.0.0.1:4222)')
    .option('--timeout-ms <n>', 'how long to wait for answers', '1000')
    .option('--json', 'print the raw records as JSON', false)
    .action(async (o: { natsUrl?: string; timeoutMs: string; json: boolean }) => {
      const timeoutMs = Number(o.timeoutMs);
      if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
        throw new CliUsageError(`--timeout-ms must be a positive integer, got ${o.timeoutMs}`, 'timeout-ms');
      const common = loadCommonConfig(process.env); // ALA_NATS_URL/NATS_URL, the identity and TLS files, as every service reads them
      const servers = o.natsUrl ?? common.natsUrl;
      const conn = await connect({ servers, name: 'ala-status', security: common, logger: consoleLogger });
      const nc = conn.nc;
      try {
        const list = await collectStatus(nc, timeoutMs);
        if (o.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) process.stdout.write(`no ALA services answered on ${servers}\n`);
        else
          for (const i of list)
            process.stdout.write(
              `${i.service.padEnd(16)} ${i.instanceId.slice(0, 8)} v${i.version} up ${i.uptimeS.toFixed(0)}s  ${describeStats(i.service, i.stats)}\n`,
            );
      } finally {
        await nc.close();
      }
    });
}
