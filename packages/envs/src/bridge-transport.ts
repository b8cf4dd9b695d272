// The transport seam of the external-env bridge: typed request/reply of EnvRequest/EnvReply on a
// subject. The bridge client and server only see these two interfaces. Two adapters:
// `busBridgeTransport` over an @ala/bus `Bus` (NatsBus or InProcessBus: the bus decodes and
// validates at its edge), and `natsBridgeTransport` over a bare NATS v3 connection (for a process
// without @ala/bus; it runs the protocol codec itself and answers undecodable requests with a
// `bad-request` reply). This module must not know about envs.
import type { Bus } from '@ala/bus';
import { decode, encode, EnvReply, EnvRequest } from '@ala/protocol';

export interface BridgeClientTransport {
  /** Sends `req` to `subject` and resolves with the validated reply; rejects on timeout, no responder or an invalid reply. */
  request(subject: string, req: EnvRequest, timeoutMs: number): Promise<EnvReply>;
}

export interface BridgeServing {
  /** Stops answering. */
  stop(): Promise<void>;
}

export interface BridgeServerTransport {
  /** Answers every valid request on `subject` with `handle(req)`, one at a time, in order. */
  serve(subject: string, handle: (req: EnvRequest) => EnvReply): BridgeServing;
}

/** Bridge transport over an @ala/bus Bus (malformed requests are dropped and counted by the bus). */
export function busBridgeTransport(bus: Bus): BridgeClientTransport & BridgeServerTransport {
  return {
    request: (subject, req, timeoutMs) => bus.request(EnvRequest, subject, req, EnvReply, { timeoutMs }),
    serve: (subject, handle) => {
      const sub = bus.subscribe(EnvRequest, subject, (req, meta) => meta.respond(EnvReply, handle(req)));
      return { stop: () => sub.unsubscribe() };
    },
  };
}

/** The part of a NATS v3 `NatsConnection` the raw adapter uses. */
export interface NatsLikeConnection {
  request(subject: string, payload?: Uint8Array, opts?: { timeout: number }): Promise<{ data: Uint8Array }>;
  subscribe(
    subject: string,
    opts?: { callback?: (err: Error | null, msg: { data: Uint8Array; respond(data?: Uint8Array): boolean }) => void },
  ): { drain(): Promise<void> };
}

/** Bridge transport over a bare NATS connection: core request/reply, one subscription per served env. */
export function natsBridgeTransport(nc: NatsLikeConnection): BridgeClientTransport & BridgeServerTransport {
  return {
    request: async (subject, req, timeoutMs) => decode(EnvReply, (await nc.request(subject, encode(EnvRequest, req), { timeout: timeoutMs })).data),
    serve: (subject, handle) => {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return; // subscription closed or permission error: nothing to answer
          let reply: EnvReply;
          try {
            reply = handle(decode(EnvRequest, msg.data));
          } catch (cause) {
            reply = { v: 1, ok: false, errorKind: 'bad-request', errorMessage: String(cause).slice(0, 2000) };
          }
          msg.respond(encode(EnvReply, reply));
        },
      });
      return { stop: () => sub.drain() };
    },
  };
}
