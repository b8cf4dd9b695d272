// docs/metrics.md has a line for every metric a service declares: the stats-exported catalogues of
// the actor-runner and ppo-learner, the advice services' metric definitions and the bus counters.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTOR_METRICS } from '@ala/actor-runner';
import { ADVISOR_METRIC_DEFS, LLM_METRIC_DEFS } from '@ala/advisor-worker';
import { ROUTER_METRIC_DEFS } from '@ala/bias-router';
import { LEARNER_METRICS } from '@ala/ppo-learner';
import { busMetricDefs } from '@ala/telemetry';
import { AGGREGATOR_METRIC_DEFS } from '@ala/vote-aggregator';

test('every declared metric is documented in docs/metrics.md', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'metrics.md'), 'utf8');
  const names = [ACTOR_METRICS, LEARNER_METRICS, ADVISOR_METRIC_DEFS, LLM_METRIC_DEFS, AGGREGATOR_METRIC_DEFS, ROUTER_METRIC_DEFS, busMetricDefs()]
    .flat()
    .map((d) => d.name);
  expect(names.length).toBeGreaterThan(70);
  expect(names.filter((n) => !docs.includes(`\`${n}\``))).toEqual([]);
});
