// Every ALA_* variable that docker-compose.yml or the Helm chart (k8s/ala, each example values
// file) gives a service is one that service reads (its CONFIG_ENV): a misspelt or stale variable
// in a deployment file would otherwise be ignored silently and the service would run on its
// default. Variables are collected per container, from `env` and from the ConfigMaps/Secrets it
// takes with `envFrom`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import * as actor from '@ala/actor-runner';
import * as advisor from '@ala/advisor-worker';
import * as router from '@ala/bias-router';
import * as learner from '@ala/ppo-learner';
import * as aggregator from '@ala/vote-aggregator';
import { render, type K8sObject } from '../deploy/chart';

const REPO = path.join(__dirname, '..', '..');
const READS: Record<string, readonly string[]> = {
  'actor-runner': actor.CONFIG_ENV,
  'advisor-worker': advisor.CONFIG_ENV,
  'bias-router': router.CONFIG_ENV,
  'ppo-learner': learner.CONFIG_ENV,
  'vote-aggregator': aggregator.CONFIG_ENV,
};
const serviceOf = (argv: readonly string[]): string | undefined => argv.find((a) => a in READS);
/** [service, variable] pairs a service is given but does not read. */
const unread = (given: [string, string][]): [string, string][] => given.filter(([svc, v]) => v.startsWith('ALA_') && !READS[svc]!.includes(v));

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
}

test('docker-compose.yml: every ALA_* variable a service is given is one it reads', () => {
  const compose = parse(fs.readFileSync(path.join(REPO, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
  const given: [string, string][] = [];
  const seen = new Set<string>();
  for (const s of Object.values(compose.services)) {
    const svc = serviceOf(s.command ?? []);
    if (svc === undefined) continue;
    seen.add(svc);
    for (const v of Object.keys(s.environment ?? {})) given.push([svc, v]);
  }
  expect([...seen].sort()).toEqual(Object.keys(READS).sort());
  expect(given.length).toBeGreaterThan(20);
  expect(unread(given)).toEqual([]);
});

interface Container {
  command?: string[];
  args?: string[];
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

function chartGiven(objs: K8sObject[]): [string, string][] {
  const data = new Map<string, string[]>();
  for (const o of objs) {
    if (o.kind === 'ConfigMap' || o.kind === 'Secret')
      data.set(`${o.kind}/${o.metadata.name}`, Object.keys({ ...o.data, ...((o as { stringData?: object }).stringData ?? {}) }));
  }
  const given: [string, string][] = [];
  for (const o of objs) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const pod = (o.spec as { template: { spec: { containers: Container[] } } }).template.spec;
    for (const c of pod.containers) {
      const svc = serviceOf([...(c.command ?? []), ...(c.args ?? [])]);
      if (svc === undefined) continue;
      for (const e of c.env ?? []) given.push([svc, e.name]);
      for (const f of c.envFrom ?? []) {
        const ref = f.configMapRef ? `ConfigMap/${f.configMapRef.name}` : `Secret/${f.secretRef!.name}`;
        expect([ref, data.has(ref)]).toEqual([ref, true]);
        for (const k of data.get(ref)!) given.push([svc, k]);
      }
    }
  }
  return given;
}

test.each([[[]], [['values-single-node.yaml']], [['values-three-device.yaml']]])(
  'k8s/ala with %p: every ALA_* variable a container is given is one its service reads',
  (values) => {
    const objs = render('ala', values);
    const given = chartGiven(objs);
    expect(new Set(given.map(([svc]) => svc)).size).toBe(5);
    expect(unread(given)).toEqual([]);
  },
);

test('the check fails on a misspelt variable', () => {
  expect(
    unread([
      ['actor-runner', 'ALA_AGENT'],
      ['actor-runner', 'ALA_AGENTS'],
    ]),
  ).toEqual([['actor-runner', 'ALA_AGENT']]);
});
