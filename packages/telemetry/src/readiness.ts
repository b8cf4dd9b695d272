// Readiness of a service for GET /readyz (docs/architecture.md, "Health and readiness"): a small
// typed verdict, a way to combine checks (the first not-ready one gives the reason), a bound on
// how long a check may take, and a JetStream check that the streams and durable consumers a
// service relies on exist. Must not: touch the HTTP server or the connection itself.

/** The verdict of one readiness check; `reason` says why not (short, for a probe's log). */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** A readiness check; may be asynchronous (then it is bounded by `withTimeout`). */
export type ReadinessCheck = () => Readiness | Promise<Readiness>;

export const READY: Readiness = { ready: true };

export function notReady(reason: string): Readiness {
  return { ready: false, reason };
}

/** Runs the checks in order and returns the first not-ready verdict, else READY. */
export function allOf(...checks: ReadinessCheck[]): ReadinessCheck {
  return async () => {
    for (const check of checks) {
      const r = await check();
      if (!r.ready) return r;
    }
    return READY;
  };
}

/** A check that answers not-ready when `check` takes longer than `ms` or throws. */
export function withTimeout(check: ReadinessCheck, ms: number): () => Promise<Readiness> {
  return () =>
    new Promise<Readiness>((resolve) => {
      const timer = setTimeout(() => resolve(notReady(`readiness check took more than ${ms} ms`)), ms);
      Promise.resolve()
        .then(check)
        .then(
          (r) => resolve(r),
          (err: unknown) => resolve(notReady(`readiness check failed: ${(err as Error).message ?? String(err)}`)),
        )
        .finally(() => clearTimeout(timer));
    });
}

/** The part of a JetStream manager the stream check uses (structural, so no JetStream import here). */
export interface StreamInfoSource {
  streams: { info(name: string): Promise<unknown> };
  consumers: { info(stream: string, consumer: string): Promise<unknown> };
}

export interface JetStreamRequirements {
  /** Streams that must exist. */
  streams: readonly string[];
  /** Durable consumers that must exist, as [stream, consumer]. */
  consumers?: readonly (readonly [string, string])[];
  /** Reuse a positive answer this long (default 0: a probe every few seconds costs one request per resource). */
  cacheMs?: number;
  now?: () => number;
}

/** Not ready while any required stream or consumer is missing (or the server does not answer). */
export function jetStreamReadiness(jsm: StreamInfoSource, req: JetStreamRequirements): ReadinessCheck {
  const cacheMs = req.cacheMs ?? 0;
  const now = req.now ?? Date.now;
  let okUntil = -Infinity;
  return async () => {
    if (now() < okUntil) return READY;
    for (const name of req.streams) {
      try {
        await jsm.streams.info(name);
      } catch (err) {
        return notReady(`stream ${name}: ${(err as Error).message}`);
      }
    }
    for (const [stream, consumer] of req.consumers ?? []) {
      try {
        await jsm.consumers.info(stream, consumer);
      } catch (err) {
        return notReady(`consumer ${consumer} on ${stream}: ${(err as Error).message}`);
      }
    }
    okUntil = now() + cacheMs;
    return READY;
  };
}
