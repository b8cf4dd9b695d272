// The Helm chart k8s/ala: `helm lint --strict` and `helm template | kubernetes-validate --strict`
// (Kubernetes 1.33 schemas, offline) for the defaults and each example values file; what the
// rendered workloads carry (probes, ports, placement, stable actor ids, credentials as files, one
// seed per pod); bad values refused with a clear message; and every ALA_* variable the chart sets
// is one the services document (docs/configuration.md, plus the connection-security variables).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { CHART, helm, render, template, validate, type K8sObject } from './chart';
import { REPO } from './processes';

jest.setTimeout(60_000);

const VALUES = [[], ['values-single-node.yaml'], ['values-three-device.yaml']] as const;
type Container = {
  name: string;
  args: string[];
  env?: { name: string; value?: string }[];
  ports: { containerPort: number }[];
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = {
  containers: Container[];
  nodeSelector?: Record<string, string>;
  runtimeClassName?: string;
  tolerations?: unknown[];
  volumes?: { name: string; secret?: { items?: { key: string }[] } }[];
};
const podSpec = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;
const workloads = (objs: K8sObject[]): K8sObject[] =>
  objs.filter(
    (o) =>
      (o.kind === 'Deployment' || o.kind === 'StatefulSet') &&
      o.metadata.labels?.['app.kubernetes.io/name'] === 'ala' &&
      o.metadata.labels['app.kubernetes.io/component'] !== 'llm',
  );

test.each(VALUES.map((v) => [v.join(' ') || 'defaults', v]))('lint --strict and kubernetes-validate --strict: %s', (_name, files) => {
  const lint = helm(['lint', '--strict', CHART, '--kube-version', '1.33.0', ...files.flatMap((f) => ['-f', path.join(CHART, f)])]);
  expect({ status: lint.status, out: lint.stdout + lint.stderr }).toMatchObject({ status: 0 });
  const t = template('ala', files);
  expect({ status: t.status, err: t.stderr }).toEqual({ status: 0, err: '' });
  const v = validate(t.stdout);
  expect({
    status: v.status,
    out:
      v.stdout
        .split('\n')
        .filter((l) => !l.startsWith('INFO - passed'))
        .join('\n') + v.stderr,
  }).toEqual({ status: 0, out: '' });
  expect(v.stdout).toMatch(/passed for resource deployment\/ala-ppo-learner/);
});

test('every service: its command, metrics port, probes on /healthz and /readyz, scrape annotations, a PDB', () => {
  const objs = render('ala', ['values-three-device.yaml']);
  const ports: Record<string, number> = { 'actor-runner': 9461, 'ppo-learner': 9462, 'advisor-worker': 9463, 'vote-aggregator': 9464, 'bias-router': 9465 };
  const seen = new Set<string>();
  for (const w of workloads(objs)) {
    const c = podSpec(w).containers[0]!;
    const cmd = c.args[0]!;
    seen.add(cmd);
    expect(c.ports[0]!.containerPort).toBe(ports[cmd]);
    expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/healthz', '/readyz']);
    const ann = (w.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(ann).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(ports[cmd]), 'prometheus.io/path': '/metrics' });
    expect((w.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels['ala.dev/service']).toBe(cmd);
    expect(objs.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === w.metadata.name)).toBe(true);
  }
  expect([...seen].sort()).toEqual(Object.keys(ports).sort());
  expect(objs.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  expect(render('ala', [], ['--set', 'serviceMonitor.enabled=true']).filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(1);
});

test('three devices: placement by ala.dev/device, the NVIDIA runtime on the Spark, actors a StatefulSet with ordinal ids, NATS cluster of 3', () => {
  const objs = render('ala', ['values-three-device.yaml']);
  const device = (w: K8sObject): string | undefined => podSpec(w).nodeSelector?.['ala.dev/device'];
  const byCommand = Object.fromEntries(workloads(objs).map((w) => [`${podSpec(w).containers[0]!.args[0]}/${w.metadata.name}`, w]));
  expect(Object.fromEntries(Object.entries(byCommand).map(([k, w]) => [k, device(w)]))).toEqual({
    'actor-runner/ala-actor-runner': 'jetson',
    'ppo-learner/ala-ppo-learner': 'rtx5090',
    'vote-aggregator/ala-vote-aggregator': 'rtx5090',
    'bias-router/ala-bias-router': 'rtx5090',
    'advisor-worker/ala-advisor-llm': 'spark',
    'advisor-worker/ala-advisor-scripted': 'spark',
  });
  for (const w of workloads(objs)) expect(podSpec(w).runtimeClassName).toBe(device(w) === 'spark' ? 'nvidia' : undefined);
  const actor = byCommand['actor-runner/ala-actor-runner']!;
  expect(actor.kind).toBe('StatefulSet');
  expect(podSpec(actor).containers[0]!.env).toEqual(expect.arrayContaining([{ name: 'ALA_ACTOR_ID', value: 'jetson-$(POD_INDEX)' }]));
  const llm = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ala-llm')!;
  expect(podSpec(llm).nodeSelector).toEqual({ 'ala.dev/device': 'spark' });
  expect(podSpec(llm).runtimeClassName).toBe('nvidia');
  const advisorCm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'ala-advisor-llm')!;
  expect(advisorCm.data).toMatchObject({ ALA_LLM_ENDPOINT: 'http://ala-llm:8000', ALA_LLM_MODEL: 'gpt-oss-20b', ALA_ADVISOR_ID: 'llm' });
  // ALA_ENV only where it is read, the same for actors and learner
  expect(Object.keys(objs.find((o) => o.metadata.name === 'ala-common')!.data!).sort()).toEqual(['ALA_NATS_URL', 'ALA_PREFIX', 'ALA_SHUTDOWN_TIMEOUT_MS']);
  for (const cm of ['ala-actor-runner', 'ala-ppo-learner'])
    expect(objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cm)!.data!.ALA_ENV).toBe('CraftWorld-v0');
  const natsConf = objs.find((o) => o.metadata.name === 'ala-nats-config')!.data!['nats.conf'];
  expect(natsConf).toMatch(/cluster \{[^}]*nats:\/\/ala-nats-2\.ala-nats-headless:6222/);
  expect((objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ala-nats')!.spec as { replicas: number }).replicas).toBe(3);
});

test('NATS credentials: the server auth.conf and one seed file per pod (ALA_NATS_NKEY_SEED_FILE); external NATS by URL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ala-chart-creds-'));
  const ids = ['actor-runner', 'ppo-learner', 'advisor-worker', 'vote-aggregator', 'bias-router'];
  const sets: string[] = ['--set', 'natsAuth.enabled=true', '--set', 'nats.auth.enabled=true', '--set-file', `nats.auth.conf=${path.join(dir, 'auth.conf')}`];
  writeFileSync(path.join(dir, 'auth.conf'), 'authorization { users = [] }\n');
  for (const id of ids) {
    writeFileSync(path.join(dir, `${id}.nk`), `${new TextDecoder().decode(createUser().getSeed())}\n`, { mode: 0o600 });
    sets.push('--set-file', `natsAuth.seeds.${id}=${path.join(dir, `${id}.nk`)}`);
  }
  let objs: K8sObject[];
  try {
    objs = render('ala', ['values-three-device.yaml'], sets);
    expect(validate(template('ala', ['values-three-device.yaml'], sets).stdout).status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const secret = objs.find((o) => o.kind === 'Secret' && o.metadata.name === 'ala-nats-creds')!;
  expect(Object.keys(secret.data!).sort()).toEqual(ids.map((i) => `${i}.nk`).sort());
  for (const w of workloads(objs)) {
    const spec = podSpec(w);
    const id = spec.containers[0]!.args[0];
    expect(spec.containers[0]!.env).toEqual(expect.arrayContaining([{ name: 'ALA_NATS_NKEY_SEED_FILE', value: `/etc/ala/nats/${id}.nk` }]));
    expect(spec.volumes!.find((v) => v.name === 'nats-creds')!.secret!.items).toEqual([{ key: `${id}.nk`, path: `${id}.nk` }]);
  }
  expect(Buffer.from(objs.find((o) => o.metadata.name === 'ala-nats-auth')!.data!['auth.conf']!, 'base64').toString()).toContain('authorization');
  expect(objs.find((o) => o.metadata.name === 'ala-nats-config')!.data!['nats.conf']).toContain('include "auth/auth.conf"');

  const ext = render('ala', [], ['--set', 'nats.enabled=false', '--set', 'externalNats.url=nats://nats.nats.svc:4222']);
  expect(ext.some((o) => o.metadata.name.includes('nats') && o.kind === 'StatefulSet')).toBe(false);
  expect(ext.find((o) => o.metadata.name === 'ala-common')!.data!.ALA_NATS_URL).toBe('nats://nats.nats.svc:4222');
});

test('less common settings render valid manifests: llama.cpp, TLS files, LLM key, required/preferred placement, existing claims', () => {
  const sets = [
    '--set',
    'llmServer.engine=llama-cpp',
    '--set',
    'llmServer.model=/models/m.gguf',
    '--set',
    'llmServer.modelStorage.hostPath=/srv/models',
    '--set-json',
    'llmServer.extraArgs=["-c", "8192"]',
    '--set',
    'natsTls.existingSecret=nats-tls',
    '--set',
    'natsTls.clientCertificate=true',
    '--set',
    'llm.apiKey=sk-test',
    '--set',
    'nats.persistence.enabled=false',
    '--set',
    'ppoLearner.checkpoints.existingClaim=ckpt',
  ];
  for (const mode of ['required', 'preferred']) {
    const args = [...sets, '--set', `placement.mode=${mode}`];
    const t = template('ala', ['values-three-device.yaml'], args);
    expect({ status: t.status, err: t.stderr }).toEqual({ status: 0, err: '' });
    expect(validate(t.stdout).status).toBe(0);
    const objs = render('ala', ['values-three-device.yaml'], args);
    const actor = podSpec(objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ala-actor-runner')!) as PodSpec & {
      affinity: Record<string, unknown>;
    };
    expect(actor.nodeSelector).toBeUndefined();
    expect(Object.keys(actor.affinity).sort()).toEqual(['nodeAffinity', 'podAntiAffinity']); // its own anti-affinity kept
    expect(JSON.stringify(actor.affinity.nodeAffinity)).toContain('"values":["jetson"]');
    const advisor = podSpec(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ala-advisor-llm')!);
    expect(advisor.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: 'ALA_LLM_API_KEY', valueFrom: { secretKeyRef: { name: 'ala-llm', key: 'api-key' } } },
        { name: 'ALA_NATS_TLS_CA_FILE', value: '/etc/ala/tls/ca.crt' },
        { name: 'ALA_NATS_TLS_CERT_FILE', value: '/etc/ala/tls/tls.crt' },
        { name: 'ALA_NATS_TLS_KEY_FILE', value: '/etc/ala/tls/tls.key' },
      ]),
    );
    const llm = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ala-llm')!;
    expect(podSpec(llm).containers[0]!.args).toEqual(['-m', '/models/m.gguf', '--alias', 'gpt-oss-20b', '--host', '0.0.0.0', '--port', '8000', '-c', '8192']);
  }
});

test('bad values are refused with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['--set', 'actorRunner.device=tpu'], /device "tpu" is not one of the devices in values \(jetson, rtx5090, spark\)/],
    [['--set', 'placement.mode=anywhere', '--set', 'actorRunner.device=jetson'], /placement.mode must be nodeSelector, required, preferred or none/],
    [['--set', 'nats.enabled=false'], /NATS: set externalNats.url or nats.enabled=true/],
    [['--set', 'natsAuth.enabled=true'], /missing natsAuth.seeds.actor-runner/],
    [['--set', 'nats.auth.enabled=true'], /nats.auth.enabled needs nats.auth.conf/],
    [['--set', 'llmServer.enabled=true', '--set', 'llmServer.engine=ollama'], /llmServer.engine must be vllm or llama-cpp/],
  ];
  for (const [args, msg] of cases) {
    const r = template('ala', [], args);
    expect({ args, status: r.status }).toEqual({ args, status: 1 });
    expect(r.stderr).toMatch(msg);
  }
});

test('every ALA_* variable in the chart is a documented setting of the services', () => {
  const documented = new Set(readFileSync(path.join(REPO, 'docs', 'configuration.md'), 'utf8').match(/ALA_[A-Z0-9_]+/g));
  // connection security (interfaces point 3), read by every service once that lands
  for (const v of ['ALA_NATS_NKEY_SEED_FILE', 'ALA_NATS_TLS_CA_FILE', 'ALA_NATS_TLS_CERT_FILE', 'ALA_NATS_TLS_KEY_FILE']) documented.add(v);
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
  const used = new Map<string, string>();
  for (const f of files(CHART)) for (const v of readFileSync(f, 'utf8').match(/ALA_[A-Z0-9_]+/g) ?? []) used.set(v, path.relative(CHART, f));
  expect(used.size).toBeGreaterThan(20);
  expect([...used].filter(([v]) => !documented.has(v))).toEqual([]);
});
