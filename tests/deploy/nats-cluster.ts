// The chart's NATS cluster as local processes: the `ala-nats` StatefulSet of a rendered k8s/ala
// (its own nats.conf: three servers, routes, JetStream), each pod a local nats-server on free ports
// (client 4222, routes 6222, monitoring 8222), started and waited for (JetStream up, routes
// formed). Shared by the chart-runs test and the fault suite. Must not: decide what a test expects.
import * as path from 'node:path';
import { freePort, locateNatsServer, waitFor } from '@ala/testkit';
import type { K8sObject } from './chart';
import { podsOf, preparePod, type LocalPod } from './local-pods';
import { probe, startProcess, type AlaProcess } from './processes';

export interface ChartNatsCluster {
  readonly natsSet: K8sObject;
  /** Per ordinal: container port -> local port. */
  readonly ports: ReadonlyMap<number, number>[];
  /** Per ordinal: the server process. */
  readonly procs: AlaProcess[];
  /** Per ordinal: nats://127.0.0.1:<client port>. */
  readonly urls: string[];
  /** Maps the chart's route addresses (ala-nats-<i>.ala-nats-headless:6222) to local ones; undefined for other hosts. */
  route(host: string, port: number): string | undefined;
  /** True when server `i` answers /healthz with JetStream enabled. */
  ready(i: number): Promise<boolean>;
}

/** Starts every pod of the chart's `ala-nats` StatefulSet under `dir` and waits until all are up and routed. */
export async function startChartNatsCluster(objs: K8sObject[], dir: string): Promise<ChartNatsCluster> {
  const natsSet = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ala-nats');
  if (natsSet === undefined) throw new Error('the rendered chart has no ala-nats StatefulSet');
  const pods = podsOf(natsSet);
  const ports = await Promise.all(
    pods.map(
      async () =>
        new Map([
          [4222, await freePort()],
          [6222, await freePort()],
          [8222, await freePort()],
        ]),
    ),
  );
  const route = (host: string, port: number): string | undefined => {
    const m = /^ala-nats-(\d+)\.ala-nats-headless$/.exec(host);
    return m && port === 6222 ? `127.0.0.1:${ports[Number(m[1])]!.get(6222)}` : undefined;
  };
  const addresses = (host: string, port: number, pod: LocalPod): string => {
    const r = route(host, port);
    if (r === undefined) throw new Error(`${pod.name}: no local address for ${host}:${port}`);
    return r;
  };
  const bin = locateNatsServer().bin;
  const procs: AlaProcess[] = [];
  for (const pod of pods) {
    const prep = await preparePod(objs, pod, path.join(dir, pod.name), addresses, ports[pod.ordinal]);
    procs[pod.ordinal] = startProcess(pod.name, bin, prep.argv, prep.env);
  }
  const ready = (i: number): Promise<boolean> => probe(ports[i]!.get(8222)!, '/healthz?js-enabled-only=true').then((r) => r.status === 200);
  try {
    await waitFor(async () => (await Promise.all(pods.map((_, i) => ready(i)))).every(Boolean), 30_000, {
      intervalMs: 250,
      what: `${pods.length} nats-servers with JetStream`,
    });
  } catch (err) {
    // say which server is not up and why (its exit, its log), then stop them all
    const states = await Promise.all(
      procs.map(async (p, i) => {
        const up = await ready(i).catch(() => false);
        return `--- ${p.name}: ${up ? 'ready' : 'NOT ready'}, exit ${p.proc.exitCode ?? p.proc.signalCode ?? 'none (running)'}\n${p.output().slice(-1500)}`;
      }),
    );
    for (const p of procs) p.proc.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${states.join('\n')}`, { cause: err });
  }
  return { natsSet, ports, procs, urls: ports.map((p) => `nats://127.0.0.1:${p.get(4222)}`), route, ready };
}
