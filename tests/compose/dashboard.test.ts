// The docker compose stack's static parts, without Docker: the Grafana dashboard queries only
// metrics the services export (documented in docs/metrics.md and registered in the code), from
// prometheus-nats-exporter or Prometheus itself, in valid PromQL (the real promtool parses
// them); the provisioned datasource is the one the dashboard names; and docker-compose.yml sets
// only documented ALA_* variables and the metrics ports Prometheus scrapes. The schema check of
// the dashboard and the live stack run in `npm run test:compose` (scripts/test-compose.sh).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { promtool, REPO_ROOT } from '../monitoring/prometheus-fixture';

const read = (...p: string[]) => readFileSync(path.join(REPO_ROOT, ...p), 'utf8');
const DASHBOARD_DIR = path.join(REPO_ROOT, 'infra', 'grafana', 'dashboards');
const dashboards = readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'));

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}
const panelsOf = (file: string) => (JSON.parse(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) as { panels: Panel[] }).panels;
const exprsOf = (file: string) => panelsOf(file).flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** Every string literal 'ala_...' in the services' and packages' sources (where metrics are registered). */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'test') walk(p);
      else if (e.isFile() && e.name.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/['"`](ala_[a-z0-9_]+)['"`]/g)) names.add(m[1] ?? '');
    }
  };
  for (const root of ['packages', 'services'])
    for (const d of readdirSync(path.join(REPO_ROOT, root))) {
      const src = path.join(REPO_ROOT, root, d, 'src');
      try {
        walk(src);
      } catch {
        /* a package without src/ registers nothing */
      }
    }
  return names;
}

describe('Grafana dashboards (infra/grafana)', () => {
  it('there is a dashboard with panels for every required view', () => {
    expect(dashboards).toContain('ala-overview.json');
    const exprs = exprsOf('ala-overview.json').join('\n');
    for (const m of [
      'ala_actor_mean_return',
      'ala_actor_env_steps_total',
      'ala_actor_advised_steps_total',
      'ala_actor_advice_age_seconds_total',
      'ala_actor_bias_expired_unused_total',
      'ala_learner_is_weight_max',
      'ala_learner_policy_lag_mean',
      'ala_learner_policy_version',
      'ala_router_added_latency_seconds_bucket',
      'ala_advisor_latency_seconds_bucket',
      'ala_llm_request_duration_seconds_bucket',
      'ala_llm_requests_total',
    ]) {
      expect(exprs).toContain(m);
    }
  });

  it.each(dashboards)('%s queries only exported metrics (docs/metrics.md and the code), nats-exporter series or up', (file) => {
    const docs = read('docs', 'metrics.md');
    const registered = registeredNames();
    const used = [...new Set(exprsOf(file).flatMap((e) => e.match(/\bala_[a-z0-9_]+/g) ?? []))];
    expect(used.length).toBeGreaterThan(20);
    const base = (m: string) => m.replace(/_(bucket|sum|count)$/, '');
    expect(used.filter((m) => !docs.includes(`\`${base(m)}\``) || !registered.has(base(m)))).toEqual([]);
    // anything else must be a nats-exporter series or Prometheus' own `up`
    const other = exprsOf(file)
      .flatMap((e) => e.replace(/\{[^}]*\}|\[[^\]]*\]|"[^"]*"|\bby \([^)]*\)/g, '').match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g) ?? [])
      .filter((t) => !/^(ala_|gnatsd_)/.test(t) && !/^(by|le|sum|rate|max|avg|min)$/.test(t) && !/^\d/.test(t));
    expect([...new Set(other)]).toEqual(['up']);
  });

  it.each(dashboards)('%s has valid PromQL (promtool check rules on every expression)', (file) => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'ala-dash-'));
    try {
      const rules = exprsOf(file).map((e, i) => `      - record: ala_dashboard_expr_${i}\n        expr: ${JSON.stringify(e)}`);
      writeFileSync(path.join(tmp, 'rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const r = promtool(['check', 'rules', path.join(tmp, 'rules.yml')]);
      expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
      // and the check can fail
      writeFileSync(
        path.join(tmp, 'bad.yml'),
        'groups:\n  - name: d\n    rules:\n      - record: x\n        expr: "sum(rate(ala_actor_env_steps_total[1m])"\n',
      );
      expect(promtool(['check', 'rules', path.join(tmp, 'bad.yml')]).code).not.toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('every panel uses the provisioned Prometheus datasource', () => {
    const ds = parse(read('infra', 'grafana', 'provisioning', 'datasources', 'prometheus.yml')) as { datasources: { uid: string; url: string }[] };
    expect(ds.datasources.map((d) => [d.uid, d.url])).toEqual([['prometheus', 'http://prometheus:9090']]);
    for (const file of dashboards) {
      for (const p of panelsOf(file).filter((q) => q.type !== 'row')) {
        expect([p.title, p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]).toEqual([
          p.title,
          'prometheus',
          ...(p.targets ?? []).map(() => 'prometheus'),
        ]);
      }
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
  };
  const PORTS: Record<string, string> = {
    'actor-runner': '9461',
    'ppo-learner': '9462',
    'advisor-worker': '9463',
    'vote-aggregator': '9464',
    'bias-router': '9465',
  };

  it('runs each service as `ala <service>` with the metrics port Prometheus scrapes', () => {
    const prom = read('infra', 'prometheus', 'prometheus.yml');
    for (const [svc, port] of Object.entries(PORTS)) {
      expect([svc, compose.services[svc]?.command, compose.services[svc]?.environment?.ALA_METRICS_PORT]).toEqual([svc, [svc], port]);
      expect(prom).toContain(`"${svc}:${port}"`);
    }
    expect(compose.services.creds?.command).toEqual(['creds', '--out', '/creds', '--keep']);
  });

  it('sets only ALA_* variables documented in docs/configuration.md or read by every connection (@ala/bus)', () => {
    const docs = read('docs', 'configuration.md');
    const vars = Object.entries(compose.services).flatMap(([svc, s]) =>
      Object.keys(s.environment ?? {})
        .filter((k) => k.startsWith('ALA_'))
        .map((k) => [svc, k] as const),
    );
    expect(vars.length).toBeGreaterThan(20);
    expect(vars.filter(([, k]) => !docs.includes(`\`${k}\``))).toEqual([]);
    // each service connects with its own identity, from the creds volume
    for (const svc of ['actor-runner', 'ppo-learner', 'advisor-worker', 'vote-aggregator', 'bias-router']) {
      expect([svc, compose.services[svc]?.environment?.ALA_NATS_NKEY_SEED_FILE]).toEqual([svc, `/creds/${svc}.nk`]);
    }
  });
});
