// Two process-level gauges every service exports on /metrics, under the names Prometheus' Node
// clients use: process_resident_memory_bytes and nodejs_eventloop_lag_p99_seconds (event-loop
// delay p99 since the previous scrape). Registered one by one rather than through prom-client's
// collectDefaultMetrics, whose nodejs_active_*_total gauges fail `promtool check metrics`.
// Must not: start servers or read configuration.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** Registers the gauges on `registry`; the returned function stops the event-loop sampler. */
export function registerProcessMetrics(registry: Registry): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
  new Gauge({
    name: 'nodejs_eventloop_lag_p99_seconds',
    help: 'Event-loop delay p99 since the previous scrape, in seconds (10 ms resolution).',
    registers: [registry],
    collect() {
      this.set(loop.count > 0 ? loop.percentile(99) / 1e9 : 0);
      loop.reset();
    },
  });
  return () => loop.disable();
}
