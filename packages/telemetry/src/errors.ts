// Named errors of @ala/telemetry: a metric used or declared wrongly (a programming bug, found at
// the first use) and a /metrics server that could not start. Nothing here logs or counts.

export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';
  constructor(
    /** Metric name concerned. */
    readonly metric: string,
    /** What is wrong with it. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`metric ${metric}: ${detail}`, options);
  }
}

export class MetricsServerError extends Error {
  override readonly name = 'MetricsServerError';
  constructor(
    readonly port: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`/metrics server on port ${port}: ${detail}`, options);
  }
}
