// The transport seam of the external-env bridge: request/reply of bytes on a subject. The bridge
// client and server only see these two interfaces; `natsBridgeTransport` adapts a NATS v3
// connection (or anything with the same `request`/`subscribe` shape, e.g. an @ala/bus wrapper).
// This module must not encode or decode messages.

export interface BridgeClientTransport {
  /** Sends `payload` to `subject` and resolves with the reply bytes; rejects on timeout or no responder. */
  request(subject: string, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
}

export interface BridgeServing {
  /** Stops answering (drains pending requests). */
  stop(): Promise<void>;
}

export interface BridgeServerTransport {
  /** Answers every request on `subject` with `handle(payload)`; requests are handled one at a time, in order. */
  serve(subject: string, handle: (payload: Uint8Array) => Uint8Array): BridgeServing;
}

/** The part of a NATS v3 `NatsConnection` the bridge uses. */
export interface NatsLikeConnection {
  request(subject: string, payload?: Uint8Array, opts?: { timeout: number }): Promise<{ data: Uint8Array }>;
  subscribe(
    subject: string,
    opts?: { callback?: (err: Error | null, msg: { data: Uint8Array; respond(data?: Uint8Array): boolean }) => void },
  ): { drain(): Promise<void> };
}

/** Bridge transport over a NATS connection: core request/reply, one subscription per served env. */
export function natsBridgeTransport(nc: NatsLikeConnection): BridgeClientTransport & BridgeServerTransport {
  return {
    request: async (subject, payload, timeoutMs) => (await nc.request(subject, payload, { timeout: timeoutMs })).data,
    serve: (subject, handle) => {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return; // subscription closed or permission error: nothing to answer
          msg.respond(handle(msg.data));
        },
      });
      return { stop: () => sub.drain() };
    },
  };
}
