// Adapter from the bus's BusMetrics seam (@ala/bus) to ServiceMetrics: every bus counter becomes
// the Prometheus counter named in BUS_METRIC_NAMES (label `message`), handler time a histogram in
// seconds. New bus counters are picked up from BUS_METRIC_NAMES. Must not do I/O.
import { BUS_METRIC_NAMES, type BusCounter, type BusMetrics } from '@ala/bus';
import type { MetricDef, ServiceMetrics } from './metrics';

const HELP: Record<string, string> = {
  in: 'Messages delivered to a subscription, before any check',
  out: 'Messages published (incl. replies, stored and durable publishes)',
  decodeErrors: 'Payloads or headers refused by the codec and dropped',
  expired: 'Messages dropped because their lifetime (Ala-Ttl-Ms) was over',
  handlerErrors: 'Handler calls that threw or rejected',
  overflow: 'Waiting messages dropped because a subscription had too many pending',
};

/** Metric definitions for every bus counter and the handler-time histogram. */
export function busMetricDefs(): MetricDef[] {
  const defs: MetricDef[] = [];
  for (const [key, name] of Object.entries(BUS_METRIC_NAMES)) {
    if (key === 'handlerSeconds') {
      defs.push({ name, help: 'Time one bus handler call took', kind: 'histogram', labels: ['message'] });
    } else {
      defs.push({ name, help: HELP[key] ?? `Bus counter ${key}`, kind: 'counter', labels: ['message'] });
    }
  }
  return defs;
}

/** A BusMetrics that writes into `metrics` (declares its metrics on first call). */
export function promBusMetrics(metrics: ServiceMetrics): BusMetrics {
  metrics.define(busMetricDefs());
  const names = BUS_METRIC_NAMES as Readonly<Record<string, string>>;
  return {
    count(counter: BusCounter, message: string, n = 1): void {
      const name = names[counter];
      if (name !== undefined) metrics.inc(name, { message }, n);
    },
    handlerMs(message: string, ms: number): void {
      metrics.observe(BUS_METRIC_NAMES.handlerSeconds, ms / 1000, { message });
    },
  };
}
