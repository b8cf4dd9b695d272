// The ppo-learner's /metrics, scraped from a running learner: an actor-runner and a ppo-learner
// started through their main(env) on a real nats-server; once the learner has updated, every
// ala_learner_* metric of its catalogue (CleanRL's vocabulary and the IS statistics) is served
// with a finite value, and the update-derived ones are in their ranges.
import { freePort, waitFor, type NatsServerHandle } from '@ala/testkit';
import { main as actorMain } from '@ala/actor-runner';
import { main as learnerMain, LEARNER_METRICS } from '@ala/ppo-learner';
import type { ServiceMainHandle } from '@ala/telemetry';
import { natsServerPerFile } from './harness';

let server: NatsServerHandle;
natsServerPerFile((s) => (server = s));

test('a running learner serves CleanRL names and IS statistics as ala_learner_* gauges', async () => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined); // the services' start lines
  const port = await freePort();
  const env = { ALA_NATS_URL: server.url, ALA_PREFIX: 'lm' };
  const handles: ServiceMainHandle[] = [];
  const startedAt = performance.now();
  try {
    handles.push(await learnerMain({ ...env, ALA_METRICS_PORT: String(port), ALA_MIN_BATCH: '256', ALA_SEED: '3' }));
    handles.push(await actorMain({ ...env, ALA_AGENTS: '8', ALA_CHUNK_STEPS: '32', ALA_SNAPSHOT_EVERY: '0', ALA_SEED: '3' }));
    const updates = (): number => handles[0]!.running.stats().updates ?? 0;
    await waitFor(() => updates() >= 2, 60_000, { what: 'two learner updates', intervalMs: 100 });
    const value = (text: string, name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    let text = '';
    await waitFor(
      async () => {
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return value(text, 'ala_learner_updates_total') >= 2; // the exporter runs every second
      },
      10_000,
      { what: 'updates on /metrics', intervalMs: 200 },
    );
    for (const d of LEARNER_METRICS) expect({ name: d.name, finite: Number.isFinite(value(text, d.name)) }).toEqual({ name: d.name, finite: true });
    const cleanRl = ['policy_loss', 'value_loss', 'entropy', 'old_approx_kl', 'approx_kl', 'clipfrac', 'explained_variance', 'learning_rate'];
    const is = [
      'is_weight_mean',
      'is_weight_max',
      'is_weight_p99',
      'is_truncated_fraction',
      'ess_over_n',
      'kl_mu_pi',
      'advised_fraction',
      'policy_lag_mean',
      'policy_lag_max',
    ];
    for (const n of [...cleanRl, ...is]) expect(text).toContain(`# TYPE ala_learner_${n} gauge`);
    expect(value(text, 'ala_learner_learning_rate')).toBeGreaterThan(0);
    expect(value(text, 'ala_learner_entropy')).toBeGreaterThan(0);
    expect(value(text, 'ala_learner_clipfrac')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'ala_learner_clipfrac')).toBeLessThanOrEqual(1);
    expect(value(text, 'ala_learner_ess_over_n')).toBeGreaterThan(0);
    expect(value(text, 'ala_learner_ess_over_n')).toBeLessThanOrEqual(1 + 1e-9);
    expect(value(text, 'ala_learner_is_weight_max')).toBeGreaterThanOrEqual(value(text, 'ala_learner_is_weight_p99'));
    expect(value(text, 'ala_learner_advised_fraction')).toBe(0); // no advice chain here
    // time in updates: positive, and never more than the wall time since the learner started
    expect(value(text, 'ala_learner_update_seconds_total')).toBeGreaterThan(0);
    expect(value(text, 'ala_learner_update_seconds_total')).toBeLessThanOrEqual((performance.now() - startedAt) / 1000);
  } finally {
    for (const h of handles.reverse()) await h.shutdown();
  }
}, 90_000);
