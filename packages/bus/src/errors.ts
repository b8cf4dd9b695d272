// Named errors of @ala/bus, each with typed fields and a `cause`. Encoding errors of a message are
// @ala/protocol's ProtocolError and pass through unchanged. This module must not do I/O.

/** A caller passed something the bus refuses (bad subject, TTL, option); nothing was sent. */
export class BusInputError extends Error {
  override readonly name = 'BusInputError';
  constructor(
    readonly field: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${detail}`, options);
  }
}

/** The bus was closed; the operation did nothing. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
  constructor(readonly operation: string) {
    super(`bus is closed (${operation})`);
  }
}

export type RequestFailure = 'timeout' | 'no-responders' | 'bad-reply' | 'service-error' | 'closed';

/** A request got no usable reply. `serviceError` is set when the responder sent service error headers. */
export class BusRequestError extends Error {
  override readonly name = 'BusRequestError';
  constructor(
    readonly subject: string,
    readonly reason: RequestFailure,
    options?: ErrorOptions & { serviceError?: { code: number; description: string } },
  ) {
    const se = options?.serviceError;
    super(`request on ${subject} failed: ${reason}${se ? ` ${se.code} ${se.description}` : ''}`, options);
    this.serviceError = se;
  }
  readonly serviceError: { code: number; description: string } | undefined;
}

/** A JetStream stream, KV or object store could not be created or its config read back differs. */
export class JetStreamSetupError extends Error {
  override readonly name = 'JetStreamSetupError';
  constructor(
    readonly resource: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${resource}: ${detail}`, options);
  }
}

/** A durable (JetStream, msg-id) publish was not acknowledged before its deadline. */
export class DurablePublishError extends Error {
  override readonly name = 'DurablePublishError';
  constructor(
    readonly subject: string,
    readonly msgId: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(`durable publish of ${msgId} on ${subject} not acknowledged after ${attempts} attempt(s)`, options);
  }
}
