// A real Prometheus scrapes the real services: the five ALA services run as processes
// (`ala <service>`, what each container runs) on a real nats-server with their /metrics on free
// ports; a `prometheus` server (with the shipped infra/prometheus/alerts.yml) scrapes them every
// second, and its HTTP API must report every target up, `ala_` counters that moved with the
// traffic (trajectories, the advice chain) and every alert rule evaluating cleanly. Each
// service's live exposition also passes `promtool check metrics`.
// A missing prometheus binary fails the suite with the instruction to run `npm run setup`.
import * as path from 'node:path';
import { freePort, startNatsServer, waitFor, type NatsServerHandle } from '@ala/testkit';
import { locatePromBinary, promtool, REPO_ROOT, spawnService, startPrometheus, type PrometheusHandle, type Proc, type Sample } from './prometheus-fixture';

const SERVICES = ['ppo-learner', 'actor-runner', 'advisor-worker', 'vote-aggregator', 'bias-router'] as const;
/** Small, quick traffic: 4 CartPole agents at 50 steps/s, a snapshot every 2 steps, votes on the first advice. */
const TRAFFIC_ENV = {
  ALA_AGENTS: '4',
  ALA_STEP_HZ: '50',
  ALA_SNAPSHOT_EVERY: '2',
  ALA_CHUNK_STEPS: '16',
  ALA_ADVICE_TTL_MS: '2000',
  ALA_AGG_QUORUM: '1',
  ALA_AGG_WINDOW_MS: '20',
  ALA_SCRIPTED_LATENCY_MS: '0',
};

let server: NatsServerHandle | undefined;
let prometheus: PrometheusHandle | undefined;
const procs: { proc: Proc; port: number }[] = [];

function outputs(): string {
  return procs.map(({ proc }) => `--- ${proc.name} (exit ${String(proc.child.exitCode)}):\n${proc.output().slice(-2000)}`).join('\n');
}

beforeAll(async () => {
  locatePromBinary('prometheus'); // fail first, with the install instruction
  server = await startNatsServer();
  for (const name of SERVICES) {
    const port = await freePort();
    procs.push({ proc: spawnService(name, server.url, port, TRAFFIC_ENV), port });
  }
  for (const { proc, port } of procs) {
    await waitFor(
      async () =>
        proc.child.exitCode !== null ||
        (await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        )),
      15_000,
      { what: `${proc.name} /healthz`, intervalMs: 100 },
    ).catch((err: unknown) => {
      throw new Error(`${proc.name} did not serve /healthz:\n${outputs()}`, { cause: err });
    });
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${outputs()}`);
  }
  prometheus = await startPrometheus({
    jobs: Object.fromEntries(procs.map(({ proc, port }) => [proc.name, [`127.0.0.1:${port}`]])),
    scrapeIntervalS: 1,
    ruleFiles: [path.join(REPO_ROOT, 'infra', 'prometheus', 'alerts.yml')],
  });
}, 30_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(procs.map(({ proc }) => proc.stop()));
  await server?.stop();
}, 20_000);

/** Polls an instant query until `accept` holds; the last result is in the timeout message. */
async function until(expr: string, accept: (s: Sample[]) => boolean, timeoutMs = 15_000): Promise<Sample[]> {
  const prom = prometheus!;
  let last: Sample[] = [];
  await waitFor(async () => accept((last = await prom.query(expr))), timeoutMs, { what: `prometheus: ${expr}`, intervalMs: 250 }).catch((err: unknown) => {
    throw new Error(`no acceptable answer to ${expr}; last ${JSON.stringify(last)}\n${outputs()}`, { cause: err });
  });
  return last;
}

const byJob = (samples: Sample[]): Record<string, number> => Object.fromEntries(samples.map((s) => [s.metric.job ?? '?', s.value]));

test('prometheus scrapes every service: all targets up, ala_ counters move with the traffic', async () => {
  // every target scraped successfully
  const up = await until('up', (s) => s.length === SERVICES.length && s.every((x) => x.value === 1));
  expect(byJob(up)).toEqual(Object.fromEntries(SERVICES.map((n) => [n, 1])));

  // every service exposes ala_ series, labelled with its own service name
  const series = await until('count by (job, service) ({__name__=~"ala_.+"})', (s) => s.length === SERVICES.length);
  for (const s of series) expect(s.metric.service).toBe(s.metric.job);

  // the training loop: the learner announced a policy, the actor published trajectory chunks
  await until('ala_bus_messages_published_total{job="ppo-learner",message="PolicyAnnounce"}', (s) => (s[0]?.value ?? 0) >= 1);
  const chunksExpr = 'ala_bus_messages_published_total{job="actor-runner",message="TrajectoryChunk"}';
  const first = (await until(chunksExpr, (s) => (s[0]?.value ?? 0) > 0))[0]!;
  // ... and the counter keeps moving across scrapes
  const later = (await until(chunksExpr, (s) => (s[0]?.value ?? 0) > first.value))[0]!;
  expect(later.value).toBeGreaterThan(first.value);

  // the advice chain: snapshots answered, votes built, biases routed, all seen through Prometheus
  await until('ala_advisor_advice_published_total{job="advisor-worker"}', (s) => (s[0]?.value ?? 0) > 0);
  await until('sum(ala_aggregator_votes_total{job="vote-aggregator"})', (s) => (s[0]?.value ?? 0) > 0);
  await until('ala_router_votes_total{job="bias-router",outcome="routed"}', (s) => (s[0]?.value ?? 0) > 0);
  await until('sum(ala_bus_messages_received_total{job="actor-runner",message="Bias"})', (s) => (s[0]?.value ?? 0) > 0);

  // nothing was refused on the wire
  const decodeErrors = await prometheus!.query('sum(ala_bus_decode_errors_total) or vector(0)');
  expect(decodeErrors[0]?.value).toBe(0);

  // the shipped alert rules load and evaluate against the real series; a healthy system fires none
  let rules = await prometheus!.rules();
  await waitFor(async () => (rules = await prometheus!.rules()).length > 0 && rules.every((r) => r.health !== 'unknown'), 10_000, {
    what: 'alert rules evaluated',
    intervalMs: 250,
  });
  expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
  expect(rules.map((r) => r.name).sort()).toEqual([
    'AlaAdviceMostlyExpired',
    'AlaBiasPublishErrors',
    'AlaHandlerErrors',
    'AlaInvalidMessages',
    'AlaLlmCircuitOpen',
    'AlaServiceDown',
  ]);
  expect(await prometheus!.query('ALERTS')).toEqual([]);

  // what each service serves is a clean exposition
  for (const { proc, port } of procs) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect({ service: proc.name, lint: promtool(['check', 'metrics'], text) }).toEqual({ service: proc.name, lint: { code: 0, stdout: '', stderr: '' } });
  }
}, 30_000);
