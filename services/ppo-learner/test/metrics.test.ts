// The learner's Prometheus exporter exposes every field of its catalogue.
import { PromMetrics } from '@ala/telemetry';
import { emptyLearnerStats, learnerMetricsExporter, LEARNER_METRICS } from '../src';

test('counters follow stats deltas, gauges the latest value', async () => {
  const m = new PromMetrics();
  const exportStats = learnerMetricsExporter(m);
  exportStats({ ...emptyLearnerStats(), updates: 2, policyVersion: 3, lastLagMean: 0.5 });
  exportStats({ ...emptyLearnerStats(), updates: 7, policyVersion: 8, lastLagMean: 1.25 });
  const text = await m.registry.metrics();
  expect(text).toMatch(/^ala_learner_updates_total 7$/m);
  expect(text).toMatch(/^ala_learner_policy_version 8$/m);
  expect(text).toMatch(/^ala_learner_policy_lag_mean 1.25$/m);
  for (const d of LEARNER_METRICS) expect(text).toContain(`# TYPE ${d.name} ${d.kind}`);
});
