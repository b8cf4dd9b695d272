// Observability seam of the bus: counters and a handler-time histogram, labelled by message name
// (the MessageDef name, e.g. 'Bias'). A no-op default and an in-memory counting implementation
// for tests; a Prometheus adapter maps the names in BUS_METRIC_NAMES. Must not do I/O.

/**
 * in: deliveries received (before any check); out: messages published; decodeErrors: payload or
 * header refused by the codec, dropped; expired: remaining lifetime <= 0 at receipt, at handler
 * start or at forward, dropped; handlerErrors: handler threw or rejected; overflow: oldest waiting
 * message dropped because a subscription had maxPending messages waiting for its handler.
 */
export type BusCounter = 'in' | 'out' | 'decodeErrors' | 'expired' | 'handlerErrors' | 'overflow';

export interface BusMetrics {
  count(counter: BusCounter, message: string, n?: number): void;
  /** Time one handler call took, in ms of the bus clock. */
  handlerMs(message: string, ms: number): void;
}

/** Prometheus names for a metrics adapter (label `message`). */
export const BUS_METRIC_NAMES: Readonly<Record<BusCounter | 'handlerSeconds', string>> = {
  in: 'ala_bus_messages_received_total',
  out: 'ala_bus_messages_published_total',
  decodeErrors: 'ala_bus_decode_errors_total',
  expired: 'ala_bus_expired_total',
  handlerErrors: 'ala_bus_handler_errors_total',
  overflow: 'ala_bus_overflow_total',
  handlerSeconds: 'ala_bus_handler_duration_seconds',
};

export const noopBusMetrics: BusMetrics = {
  count: () => undefined,
  handlerMs: () => undefined,
};

/** Keeps every count and handler time in memory. */
export class CountingBusMetrics implements BusMetrics {
  private readonly counts = new Map<string, number>();
  private readonly times = new Map<string, number[]>();

  count(counter: BusCounter, message: string, n = 1): void {
    const key = `${counter}\u0000${message}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  handlerMs(message: string, ms: number): void {
    const list = this.times.get(message) ?? [];
    list.push(ms);
    this.times.set(message, list);
  }

  /** Count for one message name, or summed over all names when `message` is omitted. */
  get(counter: BusCounter, message?: string): number {
    if (message !== undefined) return this.counts.get(`${counter}\u0000${message}`) ?? 0;
    let sum = 0;
    for (const [key, v] of this.counts) if (key.startsWith(`${counter}\u0000`)) sum += v;
    return sum;
  }

  /** Every recorded handler time for `message`. */
  handlerTimes(message: string): readonly number[] {
    return this.times.get(message) ?? [];
  }
}
