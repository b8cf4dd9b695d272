// PromMetrics (declare, inc/set/observe, refusals), the bus adapter, env-config reading, and the
// /metrics HTTP server (scraped over real HTTP; linted by the real `promtool check metrics`; PROMTOOL_BIN overrides the binary).
import { execFileSync } from 'node:child_process';
import { BUS_METRIC_NAMES } from '@ala/bus';
import { ConfigError, defineConfig, setting, MetricsServerError, PromMetrics, promBusMetrics, startMetricsServer, TelemetryError } from '../src';

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

describe('defineConfig', () => {
  interface C {
    a: number;
    b: number;
    c: boolean;
    d: 'x' | 'y';
    e: number;
    f: string;
    n: { g: string | undefined };
  }
  const def = defineConfig<C>({
    a: setting.int('A', 1, { max: 2 }),
    b: setting.int('B', 1),
    c: setting.bool('C', false),
    d: setting.oneOf('D', 'y', ['x', 'y']),
    e: setting.int('E', 0),
    f: setting.string('F', '1', { test: (s) => /^\d+$/.test(s), rule: 'digits' }),
    n: { g: setting.optional(['G', 'G2']) },
  });
  it('reads typed values with defaults and refuses bad ones naming the variable', () => {
    const c = def.load({ A: '2', B: ' ', C: 'yes', D: 'x', G2: 'z' });
    expect(c).toEqual({ a: 2, b: 1, c: true, d: 'x', e: 0, f: '1', n: { g: 'z' } }); // empty -> default; first set variable wins
    expect(() => def.load({ E: '2.5' })).toThrow(ConfigError);
    expect(() => def.load({ A: '3' })).toThrow('A="3": a must be an integer <= 2');
    expect(() => def.load({ C: 'x' })).toThrow(ConfigError);
    expect(() => def.load({ F: 'q' })).toThrow('F="q": f must be digits');
    expect(def.env).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'G2']);
  });
  it('validates a config built in code naming the field', () => {
    expect(() => def.validate({ ...def.defaults, n: { g: undefined }, e: NaN })).toThrow(
      expect.objectContaining({ field: 'e', variable: undefined, message: 'e=NaN: e must be an integer' }) as unknown as Error,
    );
    expect(def.validate(def.defaults)).toBe(def.defaults);
  });
});
