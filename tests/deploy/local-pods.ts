// Turns rendered chart workloads into local processes, the way a kubelet would start them: one pod
// per replica (StatefulSet ordinals, pod names), environment resolved from envFrom/env (ConfigMap
// and Secret refs, fieldRefs, $(VAR) expansion), volumes materialised as temporary directories
// (ConfigMap and Secret files written out). Only addresses are rewritten: Service DNS names to
// local host:port (the caller decides which), declared container ports to free local ports, and
// mount paths to the temporary directories. Must not: decide what runs where or what to expect.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort } from '@ala/testkit';
import type { K8sObject } from './chart';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } };
}
interface EnvFrom {
  configMapRef?: { name: string };
  secretRef?: { name: string };
}
export interface ContainerSpec {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
  emptyDir?: object;
  persistentVolumeClaim?: object;
  hostPath?: object;
}
interface PodSpec {
  containers: ContainerSpec[];
  nodeSelector?: Record<string, string>;
  volumes?: Volume[];
  terminationGracePeriodSeconds?: number;
}

export interface LocalPod {
  /** Pod name as Kubernetes would give it (`<statefulset>-<ordinal>`, `<deployment>-<i>`). */
  readonly name: string;
  readonly workload: K8sObject;
  readonly ordinal: number;
  readonly device: string | undefined;
  readonly spec: PodSpec;
  readonly container: ContainerSpec;
}

/** Decides where a Service address goes: `host` is the DNS name in the manifest. */
export type AddressMap = (host: string, port: number, pod: LocalPod) => string;

export interface PreparedPod {
  readonly pod: LocalPod;
  /** command + args, mount paths and addresses rewritten. */
  readonly argv: string[];
  readonly env: Record<string, string>;
  /** containerPort -> local port. */
  readonly ports: Map<number, number>;
  /** mountPath -> local directory. */
  readonly mounts: Map<string, string>;
}

const find = (objs: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`${kind} ${name} is referenced but not rendered`);
  return o;
};
const configData = (objs: K8sObject[], name: string): Record<string, string> => find(objs, 'ConfigMap', name).data ?? {};
const secretData = (objs: K8sObject[], name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(find(objs, 'Secret', name).data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

/** The pods of a Deployment or StatefulSet (one per replica). */
export function podsOf(w: K8sObject): LocalPod[] {
  const spec = w.spec as { replicas?: number; template: { spec: PodSpec } };
  const n = spec.replicas ?? 1;
  return Array.from({ length: n }, (_, i) => ({
    name: `${w.metadata.name}-${i}`,
    workload: w,
    ordinal: i,
    spec: spec.template.spec,
    container: spec.template.spec.containers[0]!,
    device: spec.template.spec.nodeSelector?.['ala.dev/device'],
  }));
}

function fieldRef(pod: LocalPod, fieldPath: string): string {
  if (fieldPath === 'metadata.name') return pod.name;
  if (fieldPath === 'metadata.namespace') return 'default';
  if (fieldPath === "metadata.labels['apps.kubernetes.io/pod-index']" && pod.workload.kind === 'StatefulSet') return String(pod.ordinal);
  throw new Error(`${pod.name}: fieldRef ${fieldPath} has no value on a ${pod.workload.kind} pod`);
}

/** The container's environment as Kubernetes computes it (envFrom in order, then env with $(VAR)). */
export function resolveEnv(objs: K8sObject[], pod: LocalPod): Record<string, string> {
  const env: Record<string, string> = {};
  for (const src of pod.container.envFrom ?? []) {
    if (src.configMapRef) Object.assign(env, configData(objs, src.configMapRef.name));
    else if (src.secretRef) Object.assign(env, secretData(objs, src.secretRef.name));
  }
  for (const v of pod.container.env ?? []) {
    if (v.value !== undefined)
      env[v.name] = v.value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m: string, ref?: string) => (ref === undefined ? '$' : (env[ref] ?? m)));
    else if (v.valueFrom?.fieldRef) env[v.name] = fieldRef(pod, v.valueFrom.fieldRef.fieldPath);
    else if (v.valueFrom?.configMapKeyRef) env[v.name] = configData(objs, v.valueFrom.configMapKeyRef.name)[v.valueFrom.configMapKeyRef.key] ?? '';
    else if (v.valueFrom?.secretKeyRef) env[v.name] = secretData(objs, v.valueFrom.secretKeyRef.name)[v.valueFrom.secretKeyRef.key] ?? '';
    else throw new Error(`${pod.name}: env ${v.name} has no value this test can resolve`);
  }
  return env;
}

/** Service DNS names the manifests define: `<svc>`, and `<pod>.<headless svc>` for StatefulSets. */
function serviceHosts(objs: K8sObject[]): Set<string> {
  const hosts = new Set<string>();
  for (const o of objs.filter((x) => x.kind === 'Service')) hosts.add(o.metadata.name);
  for (const s of objs.filter((x) => x.kind === 'StatefulSet')) {
    const spec = s.spec as { serviceName: string; replicas?: number };
    for (let i = 0; i < (spec.replicas ?? 1); i++) hosts.add(`${s.metadata.name}-${i}.${spec.serviceName}`);
  }
  return hosts;
}

/** Prepares a pod to run locally under `dir` (its volumes become directories there); `fixedPorts` chooses some local ports. */
export async function preparePod(
  objs: K8sObject[],
  pod: LocalPod,
  dir: string,
  addresses: AddressMap,
  fixedPorts?: ReadonlyMap<number, number>,
): Promise<PreparedPod> {
  const ports = new Map<number, number>(fixedPorts);
  for (const p of pod.container.ports ?? []) if (!ports.has(p.containerPort)) ports.set(p.containerPort, await freePort());
  const hosts = serviceHosts(objs);
  const mounts = new Map<string, string>();
  for (const m of pod.container.volumeMounts ?? []) mounts.set(m.mountPath, path.join(dir, m.name));
  const byLength = [...mounts].sort((a, b) => b[0].length - a[0].length);
  const rewrite = (s: string): string => {
    let out = s.replace(/\b([a-z0-9][a-z0-9.-]*[a-z0-9]):(\d+)\b/g, (m: string, host: string, port: string) =>
      hosts.has(host) ? addresses(host, Number(port), pod) : m,
    );
    for (const [from, to] of byLength) out = out.replace(new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|\\b|$)`, 'g'), to);
    // listening ports in config files: `port: N` / `http_port: N` of a declared containerPort
    return out.replace(/^(\s*(?:http_)?port:\s*)(\d+)\s*$/gm, (m: string, pre: string, n: string) =>
      ports.has(Number(n)) ? `${pre}${ports.get(Number(n))}` : m,
    );
  };
  for (const m of pod.container.volumeMounts ?? []) {
    const local = mounts.get(m.mountPath)!;
    mkdirSync(local, { recursive: true });
    const vol = pod.spec.volumes?.find((v) => v.name === m.name);
    if (vol?.configMap) for (const [k, v] of Object.entries(configData(objs, vol.configMap.name))) writeFileSync(path.join(local, k), rewrite(v));
    else if (vol?.secret) for (const [k, v] of Object.entries(secretData(objs, vol.secret.secretName))) writeFileSync(path.join(local, k), v, { mode: 0o600 });
  }
  const env = Object.fromEntries(
    Object.entries(resolveEnv(objs, pod)).map(([k, v]) => [k, ports.has(Number(v)) && /^\d+$/.test(v) ? String(ports.get(Number(v))) : rewrite(v)]),
  );
  const argv = [...(pod.container.command ?? []), ...(pod.container.args ?? [])].map(rewrite);
  return { pod, argv, env, ports, mounts };
}
