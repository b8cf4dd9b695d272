// Public surface of @ala/telemetry: the metrics seam (ServiceMetrics, PromMetrics, noopMetrics),
// the bus metrics adapter, the /metrics, /healthz and /readyz HTTP server, readiness checks and the NATS services status endpoint.
export { PromMetrics, noopMetrics, LATENCY_BUCKETS_S } from './metrics';
export type { MetricDef, MetricKind, Labels, ServiceMetrics } from './metrics';
export { promBusMetrics, busMetricDefs } from './bus-metrics';
export { statsMetricsExporter } from './stats-exporter';
export type { StatsMetricDef } from './stats-exporter';
export { startMetricsServer } from './metrics-server';
export type { MetricsServer, MetricsServerOptions } from './metrics-server';
export { READY, notReady, allOf, withTimeout, jetStreamReadiness } from './readiness';
export type { Readiness, ReadinessCheck, StreamInfoSource, JetStreamRequirements } from './readiness';
export { registerStatusEndpoint } from './status-endpoint';
export type { StatusEndpoint, StatusEndpointOptions } from './status-endpoint';
export { TelemetryError, MetricsServerError } from './errors';
export { ConfigError, Setting, setting, defineConfig, COMMON_SETTINGS, loadCommonConfig } from './env-config';
export type { Env, Schema, Range, Refinement, ConfigDef, CommonConfig } from './env-config';
export { runServiceMain, runAsProgram, NATS_CONNECTION_METRICS } from './service-main';
export type { ServiceMainOptions, ServiceConnectionConfig, ServiceMainHandle, ServiceContext, RunningServiceLike } from './service-main';
