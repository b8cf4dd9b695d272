// PromMetrics (declare, inc/set/observe, refusals), the bus adapter, env-config reading, and the
// /metrics HTTP server (scraped over real HTTP; linted by the real `promtool check metrics`; PROMTOOL_BIN overrides the binary).
import { execFileSync } from 'node:child_process';
import { BUS_METRIC_NAMES } from '@ala/bus';
import { ConfigError, envReader, MetricsServerError, PromMetrics, promBusMetrics, startMetricsServer, TelemetryError } from '../src';

describe('PromMetrics', () => {
  it('declares, counts, sets and observes', async () => {
    const m = new PromMetrics({ defaultLabels: { service: 'test' } });
    m.define([
      { name: 'ala_test_things_total', help: 'Things', kind: 'counter', labels: ['kind'] },
      { name: 'ala_test_level', help: 'Level', kind: 'gauge' },
      { name: 'ala_test_seconds', help: 'Time', kind: 'histogram', buckets: [0.1, 1] },
    ]);
    m.define([{ name: 'ala_test_level', help: 'Level', kind: 'gauge' }]); // same definition again: fine
    m.inc('ala_test_things_total', { kind: 'a' });
    m.inc('ala_test_things_total', { kind: 'a' }, 2);
    m.set('ala_test_level', 7);
    m.observe('ala_test_seconds', 0.5);
    const text = await m.exposition();
    expect(text).toContain('ala_test_things_total{kind="a",service="test"} 3');
    expect(text).toContain('ala_test_level{service="test"} 7');
    expect(text).toContain('ala_test_seconds_bucket{le="1",service="test"} 1');
  });

  it('refuses bad names, conflicting redefinitions and undeclared or mistyped use', () => {
    const m = new PromMetrics();
    expect(() => m.define([{ name: 'foo_total', help: 'x', kind: 'counter' }])).toThrow(TelemetryError);
    expect(() => m.define([{ name: 'ala_x_total', help: 'x', kind: 'counter', labels: ['Bad-Label'] }])).toThrow(TelemetryError);
    m.define([{ name: 'ala_x_total', help: 'x', kind: 'counter' }]);
    expect(() => m.define([{ name: 'ala_x_total', help: 'y', kind: 'counter' }])).toThrow('different definitions');
    expect(() => m.inc('ala_nope_total')).toThrow('not declared');
    expect(() => m.set('ala_x_total', 1)).toThrow('is a counter');
  });

  it('adapts the bus metrics seam', async () => {
    const m = new PromMetrics();
    const bus = promBusMetrics(m);
    bus.count('decodeErrors', 'Vote', 2);
    bus.handlerMs('Vote', 3);
    const text = await m.exposition();
    expect(text).toContain(`${BUS_METRIC_NAMES.decodeErrors}{message="Vote"} 2`);
    expect(text).toContain(`${BUS_METRIC_NAMES.handlerSeconds}_sum{message="Vote"} 0.003`);
  });
});

describe('/metrics server', () => {
  it('serves the exposition and 404s anything else', async () => {
    const m = new PromMetrics();
    promBusMetrics(m).count('in', 'Bias');
    const server = await startMetricsServer(0, m.registry, { host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('ala_bus_messages_received_total{message="Bias"} 1');
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      // Lint with the real promtool; a missing one is a failure, not a skip.
      const promtool = process.env.PROMTOOL_BIN ?? 'promtool';
      try {
        execFileSync(promtool, ['--version'], { stdio: 'ignore' });
      } catch (err) {
        throw new Error(`promtool not found ('${promtool}'): run \`npm run setup\` (installs Prometheus with promtool) or set PROMTOOL_BIN`, { cause: err });
      }
      expect(execFileSync(promtool, ['check', 'metrics'], { input: text }).toString()).toBe('');
    } finally {
      await server.close();
    }
  });

  it('refuses a bad port and reports a port in use', async () => {
    await expect(startMetricsServer(-1, new PromMetrics().registry)).rejects.toThrow(MetricsServerError);
    const a = await startMetricsServer(0, new PromMetrics().registry, { host: '127.0.0.1' });
    await expect(startMetricsServer(a.port, new PromMetrics().registry, { host: '127.0.0.1' })).rejects.toThrow('could not listen');
    await a.close();
  });
});

describe('envReader', () => {
  it('reads typed values with defaults and refuses bad ones naming the variable', () => {
    const r = envReader({ A: '3', B: ' ', C: 'yes', D: 'x', E: '2.5' });
    expect(r.int('A', 1)).toBe(3);
    expect(r.int('B', 1)).toBe(1); // empty -> default
    expect(r.bool('C', false)).toBe(true);
    expect(r.oneOf('D', 'y', ['x', 'y'])).toBe('x');
    expect(() => r.int('E', 0)).toThrow(ConfigError);
    expect(() => r.number('A', 0, { max: 2 })).toThrow('A="3": must be <= 2');
    expect(() => r.bool('D', false)).toThrow(ConfigError);
    expect(() => r.string('D', 'q', { pattern: /^\d+$/ })).toThrow(ConfigError);
  });
});
