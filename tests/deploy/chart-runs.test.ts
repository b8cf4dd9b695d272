// The rendered chart runs: k8s/ala with values-three-device.yaml is rendered, and every pod of it
// is started as a local process with exactly its command, args and environment (ConfigMap refs
// resolved; `node packages/cli/bin/ala.js` for the image entrypoint `ala`, the nats-server binary
// for the nats image): three nats-servers clustered by the chart's own nats.conf, one per device,
// and each device's services connected to its device's server. Only addresses (and mount paths)
// are rewritten to local ones (local-pods.ts). The LLM server is not started (no weights here):
// the llm advisor's requests fail and its breaker opens; the scripted advisor's advice flows.
// Expected: every pod ready on /readyz, training advances, advice is applied by the actors on the
// Jetson server, the learner's versions reach them across the cluster, SIGTERM exits 0 within the
// pods' grace period with a final checkpoint.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort, waitFor } from '@ala/testkit';
import { collectStatus, type InstanceStatus } from '../../packages/cli/src/commands/status';
import { render, type K8sObject } from './chart';
import { podsOf, preparePod, type LocalPod, type PreparedPod } from './local-pods';
import { startChartNatsCluster } from './nats-cluster';
import { ALA_BIN, killAll, probe, startProcess, type AlaProcess } from './processes';

jest.setTimeout(180_000);

const DEVICES = ['spark', 'rtx5090', 'jetson'] as const;
let dir: string;
let nc: NatsConnection | undefined;
afterAll(async () => {
  await nc?.close();
  await killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('values-three-device.yaml as local processes on a 3-server NATS cluster: trains, advises, versions cross the cluster', async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ala-chart-runs-'));
  const objs = render('ala', ['values-three-device.yaml']);
  const workloads = objs.filter((o): o is K8sObject => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  expect(podsOf(workloads.find((w) => w.metadata.name === 'ala-nats')!)).toHaveLength(3);
  // One server per device (the chart's anti-affinity on ala.dev/device); the scheduler's pick of
  // which ordinal lands where does not matter, so ordinal i runs "on" DEVICES[i].
  const cluster = await startChartNatsCluster(objs, dir);
  const { natsSet, ports: natsPorts } = cluster;
  const llmPort = await freePort(); // nothing listens: the LLM server is not part of this test
  const addresses = (host: string, port: number, pod: LocalPod): string => {
    const route = cluster.route(host, port);
    if (route !== undefined) return route;
    if (host === 'ala-nats' && port === 4222) {
      const i = DEVICES.indexOf(pod.device as (typeof DEVICES)[number]);
      if (i < 0) throw new Error(`${pod.name} has no device`);
      return `127.0.0.1:${natsPorts[i]!.get(4222)}`;
    }
    if (host === 'ala-llm' && port === 8000) return `127.0.0.1:${llmPort}`;
    throw new Error(`${pod.name}: no local address for ${host}:${port}`);
  };

  const procs: { prep: PreparedPod; proc: AlaProcess }[] = [];
  const routez = await probe(natsPorts[2]!.get(8222)!, '/routez');
  expect((JSON.parse(routez.body) as { num_routes: number }).num_routes).toBeGreaterThanOrEqual(2);

  const alaPods = workloads.filter((w) => w !== natsSet && w.metadata.name !== 'ala-llm').flatMap(podsOf);
  expect(alaPods.map((p) => `${p.name}@${p.device}`).sort()).toEqual([
    'ala-actor-runner-0@jetson',
    'ala-actor-runner-1@jetson',
    'ala-advisor-llm-0@spark',
    'ala-advisor-scripted-0@spark',
    'ala-bias-router-0@rtx5090',
    'ala-ppo-learner-0@rtx5090',
    'ala-vote-aggregator-0@rtx5090',
  ]);
  for (const pod of alaPods) {
    const prep = await preparePod(objs, pod, path.join(dir, pod.name), addresses);
    expect(pod.container.command).toBeUndefined(); // the image entrypoint `ala` runs the args
    procs.push({ prep, proc: startProcess(pod.name, process.execPath, [ALA_BIN, ...prep.argv], prep.env) });
  }
  const alaProcs = procs.filter((p) => p.prep.pod.workload !== natsSet);
  const actorIds = alaProcs.filter((p) => p.prep.argv[0] === 'actor-runner').map((p) => p.prep.env.ALA_ACTOR_ID);
  expect(actorIds).toEqual(['jetson-0', 'jetson-1']);
  const outputs = (): string => alaProcs.map((p) => `--- ${p.prep.pod.name}:\n${p.proc.output().slice(-600)}`).join('\n');

  // Readiness as the kubelet sees it: GET /readyz on the pod's metrics port.
  const readyz = (p: (typeof alaProcs)[number]): Promise<number> => probe([...p.prep.ports.values()][0]!, '/readyz').then((r) => r.status);
  await waitFor(async () => (await Promise.all(alaProcs.map(readyz))).every((s) => s === 200), 90_000, {
    intervalMs: 500,
    what: `every pod ready\n${outputs()}`,
  });

  // Training advances, advice is applied on the Jetson, versions cross the cluster.
  nc = await connect({ servers: `127.0.0.1:${natsPorts[2]!.get(4222)}` });
  let list: InstanceStatus[] = [];
  const of = (svc: string): InstanceStatus[] => list.filter((i) => i.service === svc);
  await waitFor(
    async () => {
      list = await collectStatus(nc!, 500);
      const learner = of('ppo-learner')[0];
      const actors = of('actor-runner');
      return (
        learner !== undefined &&
        learner.stats.updates! >= 3 &&
        actors.length === 2 &&
        actors.every((a) => a.stats.policyVersion! >= 3 && a.stats.advisedSteps! > 0 && a.stats.chunksPublished! > 0)
      );
    },
    90_000,
    { intervalMs: 1_000, what: `training with advice across the cluster\n${outputs()}` },
  );
  expect(of('advisor-worker')).toHaveLength(2);
  expect(of('vote-aggregator')).toHaveLength(1);
  expect(of('bias-router')).toHaveLength(1);
  for (const a of of('actor-runner')) expect(a.stats.policyLoadErrors).toBe(0);
  // Each device's services are connected to its own server (the test's own client is on the jetson one).
  const names = async (i: number): Promise<string[]> =>
    (JSON.parse((await probe(natsPorts[i]!.get(8222)!, '/connz')).body) as { connections: { name?: string }[] }).connections
      .map((c) => c.name ?? '')
      .filter(Boolean)
      .sort();
  expect(await names(0)).toEqual(['advisor-worker', 'advisor-worker']);
  expect(await names(1)).toEqual(['bias-router', 'ppo-learner', 'vote-aggregator']);
  // the actors, and each actor's bias-intake worker connection (named after its actor id, docs/architecture.md)
  expect(await names(2)).toEqual(['actor-runner', 'actor-runner', 'jetson-0-bias-intake', 'jetson-1-bias-intake']);

  // SIGTERM (what a rollout or a drain does): exit 0 within terminationGracePeriodSeconds.
  const ckptDir = alaProcs.find((p) => p.prep.argv[0] === 'ppo-learner')!.prep.env.ALA_CHECKPOINT_DIR!;
  expect(ckptDir.startsWith(dir)).toBe(true); // the PVC's mount path, rewritten to a local directory
  const sent = Date.now();
  const exits = await Promise.all(
    alaProcs.map(async (p) => {
      p.proc.proc.kill('SIGTERM');
      return { pod: p.prep.pod.name, code: await p.proc.exited, s: (Date.now() - sent) / 1000 };
    }),
  );
  const grace = (p: LocalPod): number => p.spec.terminationGracePeriodSeconds ?? 30;
  for (const e of exits)
    expect({ pod: e.pod, code: e.code, inGrace: e.s < grace(alaPods.find((p) => p.name === e.pod)!) }).toEqual({ pod: e.pod, code: 0, inGrace: true });
  expect(statSync(path.join(ckptDir, 'learner.ckpt')).mtimeMs).toBeGreaterThanOrEqual(sent - 1);
});
