// The shipped Prometheus configuration (infra/prometheus) checked by the real promtool: both
// configs load (with their rule file), every job scrapes the documented port, the alert rules
// pass their unit tests and name only documented metrics, and promtool refuses broken variants
// (so these checks can fail). A missing promtool fails with the instruction `npm run setup`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promtool, REPO_ROOT } from './prometheus-fixture';

const DIR = path.join(REPO_ROOT, 'infra', 'prometheus');
const CONFIGS = { compose: 'prometheus.yml', local: 'prometheus.local.yml' } as const;

/** job -> metrics port, as in infra/prometheus/README.md; host per config. */
const JOBS: Record<string, { port: number; compose: string }> = {
  'actor-runner': { port: 9461, compose: 'actor-runner' },
  'ppo-learner': { port: 9462, compose: 'ppo-learner' },
  'advisor-worker': { port: 9463, compose: 'advisor-worker' },
  'vote-aggregator': { port: 9464, compose: 'vote-aggregator' },
  'bias-router': { port: 9465, compose: 'bias-router' },
  nats: { port: 7777, compose: 'nats-exporter' },
};

interface DiscoveredTarget {
  labels: Record<string, string>;
}

/** Static targets arrive at once; promtool waits out --timeout before printing them. */
function discover(file: string, job: string): DiscoveredTarget[] {
  const r = promtool(['check', 'service-discovery', '--timeout=500ms', path.join(DIR, file), job]);
  if (r.code !== 0) throw new Error(`promtool check service-discovery ${file} ${job} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as DiscoveredTarget[];
}

describe('infra/prometheus', () => {
  it.each(Object.values(CONFIGS))('%s is a valid config with its rule file', (file) => {
    const r = promtool(['check', 'config', path.join(DIR, file)]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`SUCCESS: ${path.join(DIR, file)} is valid prometheus config file syntax`);
    expect(r.stdout).toMatch(/SUCCESS: 6 rules found/);
  });

  it.each(Object.entries(JOBS))('job %s scrapes the documented port in both configs', (job, { port, compose }) => {
    for (const [kind, file] of Object.entries(CONFIGS)) {
      const targets = discover(file, job);
      const host = kind === 'compose' ? compose : '127.0.0.1';
      expect(targets.map((t) => [t.labels.job, t.labels.__address__, t.labels.__metrics_path__])).toEqual([[job, `${host}:${port}`, '/metrics']]);
    }
    expect(readFileSync(path.join(DIR, 'README.md'), 'utf8')).toMatch(new RegExp(`^\\| \`${job}\`[^|]*\\| ${port} \\|$`, 'm'));
  });

  it('alert rules pass their unit tests', () => {
    const r = promtool(['test', 'rules', path.join(DIR, 'alerts.test.yml')]);
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('alert rules name only metrics documented in docs/metrics.md', () => {
    const rules = readFileSync(path.join(DIR, 'alerts.yml'), 'utf8');
    const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
    const used = [...new Set(rules.match(/\bala_[a-z0-9_]+/g) ?? [])];
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((m) => !docs.includes(`\`${m}\``))).toEqual([]);
  });

  describe('promtool refuses broken variants', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = mkdtempSync(path.join(tmpdir(), 'ala-promcfg-'));
    });
    afterEach(() => rmSync(tmp, { recursive: true, force: true }));

    it('a config with a bad scrape interval', () => {
      const text = readFileSync(path.join(DIR, CONFIGS.compose), 'utf8').replace('scrape_interval: 5s', 'scrape_interval: often');
      copyFileSync(path.join(DIR, 'alerts.yml'), path.join(tmp, 'alerts.yml'));
      writeFileSync(path.join(tmp, 'prometheus.yml'), text);
      expect(promtool(['check', 'config', path.join(tmp, 'prometheus.yml')]).code).not.toBe(0);
    });

    it('a rule with an invalid expression', () => {
      const text = readFileSync(path.join(DIR, 'alerts.yml'), 'utf8').replace('ala_llm_circuit_state == 1', 'ala_llm_circuit_state ==');
      writeFileSync(path.join(tmp, 'alerts.yml'), text);
      expect(promtool(['check', 'rules', path.join(tmp, 'alerts.yml')]).code).not.toBe(0);
    });
  });
});
