// Every service's CONFIG_ENV is exactly the set of variables its loadConfig reads (observed
// through a recording environment, not taken from the config table), and docs/configuration.md
// documents exactly those: the "all services" table holds the common ones, each service's table
// the rest of its CONFIG_ENV.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as actor from '@ala/actor-runner';
import * as advisor from '@ala/advisor-worker';
import * as router from '@ala/bias-router';
import * as learner from '@ala/ppo-learner';
import * as aggregator from '@ala/vote-aggregator';
import { COMMON_SETTINGS, type Env } from '@ala/telemetry';

const SERVICES: Record<string, { CONFIG_ENV: readonly string[]; loadConfig: (env: Env) => unknown }> = {
  'actor-runner': actor,
  'advisor-worker': advisor,
  'bias-router': router,
  'ppo-learner': learner,
  'vote-aggregator': aggregator,
};
const COMMON = Object.values(COMMON_SETTINGS).flatMap((s) => s.env);

/** The variables `load` reads from an empty environment. */
function readBy(load: (env: Env) => unknown): string[] {
  const seen = new Set<string>();
  const env = new Proxy({} as Env, {
    get: (_t, name) => {
      if (typeof name === 'string') seen.add(name);
      return undefined;
    },
  });
  load(env);
  return [...seen].sort();
}

/** Section title -> variables in the first column of its tables. */
function documented(): Map<string, string[]> {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  const out = new Map<string, string[]>();
  for (const section of text.split(/^## /m).slice(1)) {
    const title = section.slice(0, section.indexOf('\n')).trim();
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    out.set(title, rows.flatMap((l) => [...l.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)).sort());
  }
  return out;
}

test.each(Object.entries(SERVICES))('%s: CONFIG_ENV is what loadConfig reads, common ones included', (_name, svc) => {
  expect([...svc.CONFIG_ENV].sort()).toEqual(readBy(svc.loadConfig));
  expect(svc.CONFIG_ENV).toEqual(expect.arrayContaining(COMMON));
});

test('docs/configuration.md documents exactly the variables the services read', () => {
  const docs = documented();
  expect(docs.get('all services')).toEqual([...COMMON].sort());
  for (const [name, svc] of Object.entries(SERVICES)) {
    expect({ name, vars: [...new Set([...COMMON, ...(docs.get(name) ?? [])])].sort() }).toEqual({ name, vars: [...svc.CONFIG_ENV].sort() });
  }
});
