// The actor's Prometheus exporter: counters advance by the stats difference, gauges are set,
// every metric of the catalogue is exposed with its `ala_actor_` name.
import { PromMetrics } from '@ala/telemetry';
import { actorMetricsExporter, ACTOR_METRICS, emptyActorStats } from '../src';

test('counters follow stats deltas, gauges the latest value', async () => {
  const m = new PromMetrics();
  const exportStats = actorMetricsExporter(m);
  exportStats({ ...emptyActorStats(), envSteps: 100, policyVersion: 3, advisedSteps: 10 });
  exportStats({ ...emptyActorStats(), envSteps: 250, policyVersion: 5, advisedSteps: 10 });
  const text = await m.registry.metrics();
  expect(text).toMatch(/^ala_actor_env_steps_total 250$/m);
  expect(text).toMatch(/^ala_actor_advised_steps_total 10$/m);
  expect(text).toMatch(/^ala_actor_policy_version 5$/m);
  for (const d of ACTOR_METRICS) expect(text).toContain(`# TYPE ${d.name} ${d.kind}`);
});
