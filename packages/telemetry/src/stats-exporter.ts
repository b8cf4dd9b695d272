// Prometheus export of a service's stats() snapshot through a catalogue: one metric per numeric
// stats field. Counters advance by the difference since the last export (a counter that went
// down, e.g. after a restart of the component, is not decremented), gauges are set; `scale`
// converts units (ms fields are exported in seconds). Must not: do I/O or read the clock.
import type { MetricDef, ServiceMetrics } from './metrics';

/** One catalogue row: the stats field it reads and the metric it feeds. */
export type StatsMetricDef<S> = MetricDef & { readonly field: keyof S; readonly scale?: number };

/** Defines the catalogue's metrics and returns an exporter to call with fresh stats() snapshots. */
export function statsMetricsExporter<S extends Record<keyof S, number>>(metrics: ServiceMetrics, catalogue: readonly StatsMetricDef<S>[]): (stats: S) => void {
  metrics.define(catalogue.map(({ field: _f, scale: _s, ...def }) => def));
  const last = new Map<keyof S, number>();
  return (stats) => {
    for (const m of catalogue) {
      const v = stats[m.field] * (m.scale ?? 1);
      if (m.kind === 'gauge') {
        metrics.set(m.name, v);
        continue;
      }
      const d = v - (last.get(m.field) ?? 0);
      if (d > 0) metrics.inc(m.name, undefined, d);
      last.set(m.field, v);
    }
  };
}
