// The metrics seam services write to: declare a catalogue of `ala_`-prefixed metrics once, then
// inc/set/observe them by name with labels. Two implementations: PromMetrics (prom-client
// registry, scraped on /metrics) and noopMetrics (the default, for tests and embedding). A
// service's catalogue doubles as its documentation (docs/metrics.md). Must not do I/O.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TelemetryError } from './errors';

export type MetricKind = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

/** One metric: name (`ala_` prefix, Prometheus naming), help, kind, label names, histogram buckets. */
export interface MetricDef {
  readonly name: string;
  readonly help: string;
  readonly kind: MetricKind;
  readonly labels?: readonly string[];
  /** Histogram bucket upper bounds (seconds for `_seconds` metrics). */
  readonly buckets?: readonly number[];
}

export interface ServiceMetrics {
  /** Declares metrics; declaring the same definition again is a no-op, a different one throws. */
  define(defs: readonly MetricDef[]): void;
  /** Adds `n` (default 1, >= 0) to a counter. */
  inc(name: string, labels?: Labels, n?: number): void;
  /** Sets a gauge. */
  set(name: string, value: number, labels?: Labels): void;
  /** Records one observation in a histogram. */
  observe(name: string, value: number, labels?: Labels): void;
}

/** Accepts everything, records nothing. */
export const noopMetrics: ServiceMetrics = {
  define: () => undefined,
  inc: () => undefined,
  set: () => undefined,
  observe: () => undefined,
};

/** Default buckets for latencies in seconds: 0.1 ms .. 30 s. */
export const LATENCY_BUCKETS_S: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const NAME = /^ala_[a-z0-9_]+$/;
const LABEL = /^[a-z_][a-z0-9_]*$/;

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

function sameDef(a: MetricDef, b: MetricDef): boolean {
  return (
    a.kind === b.kind &&
    a.help === b.help &&
    JSON.stringify(a.labels ?? []) === JSON.stringify(b.labels ?? []) &&
    JSON.stringify(a.buckets ?? null) === JSON.stringify(b.buckets ?? null)
  );
}

/** prom-client backed metrics; `registry` is what /metrics serves. */
export class PromMetrics implements ServiceMetrics {
  readonly registry: Registry;
  private readonly defs = new Map<string, { def: MetricDef; metric: AnyMetric }>();

  constructor(opts: { registry?: Registry; defaultLabels?: Labels } = {}) {
    this.registry = opts.registry ?? new Registry();
    if (opts.defaultLabels !== undefined) this.registry.setDefaultLabels({ ...opts.defaultLabels });
  }

  define(defs: readonly MetricDef[]): void {
    for (const def of defs) {
      const known = this.defs.get(def.name);
      if (known !== undefined) {
        if (!sameDef(known.def, def)) throw new TelemetryError(def.name, 'declared twice with different definitions');
        continue;
      }
      if (!NAME.test(def.name)) throw new TelemetryError(def.name, 'name must match ala_[a-z0-9_]+');
      const labelNames = [...(def.labels ?? [])];
      for (const l of labelNames) if (!LABEL.test(l)) throw new TelemetryError(def.name, `bad label name ${JSON.stringify(l)}`);
      const common = { name: def.name, help: def.help, labelNames, registers: [this.registry] };
      const metric: AnyMetric =
        def.kind === 'counter'
          ? new Counter(common)
          : def.kind === 'gauge'
            ? new Gauge(common)
            : new Histogram({ ...common, buckets: [...(def.buckets ?? LATENCY_BUCKETS_S)] });
      this.defs.set(def.name, { def, metric });
    }
  }

  private get(name: string, kind: MetricKind): AnyMetric {
    const m = this.defs.get(name);
    if (m === undefined) throw new TelemetryError(name, 'not declared (call define first)');
    if (m.def.kind !== kind) throw new TelemetryError(name, `is a ${m.def.kind}, used as a ${kind}`);
    return m.metric;
  }

  inc(name: string, labels: Labels = {}, n = 1): void {
    (this.get(name, 'counter') as Counter<string>).inc(labels, n);
  }

  set(name: string, value: number, labels: Labels = {}): void {
    (this.get(name, 'gauge') as Gauge<string>).set(labels, value);
  }

  observe(name: string, value: number, labels: Labels = {}): void {
    (this.get(name, 'histogram') as Histogram<string>).observe(labels, value);
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** Declared definitions, in declaration order (for docs and tests). */
  definitions(): MetricDef[] {
    return [...this.defs.values()].map((d) => d.def);
  }
}
