// Named errors of the test kit. Each carries typed fields so a test or CI log says exactly what
// was missing and how to fix it. This module must not do I/O.

/** Printed wherever a usable nats-server is missing. */
export const INSTALL_HINT =
  'Install nats-server >= 2.11 with `npm run setup` (runs `bash scripts/install-nats-server.sh`, ' +
  'which builds the pinned server into .tools/bin with `go install`), or point NATS_SERVER_BIN at an ' +
  'existing nats-server >= 2.11 binary, or start a Docker engine (the test kit then uses the nats:2.14 image).';

/** No nats-server binary (or Docker engine) could be found. `tried` lists every place looked at. */
export class NatsServerNotFoundError extends Error {
  override readonly name = 'NatsServerNotFoundError';
  constructor(
    readonly tried: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`no nats-server found (tried: ${tried.join('; ')}). ${INSTALL_HINT}`, options);
  }
}

/** A nats-server binary was found but it is too old for per-message TTL (needs >= 2.11). */
export class NatsServerVersionError extends Error {
  override readonly name = 'NatsServerVersionError';
  constructor(
    readonly bin: string,
    readonly version: string,
    readonly minimum: string,
    options?: ErrorOptions,
  ) {
    super(`nats-server at ${bin} is ${version}; ALA needs >= ${minimum} (per-message TTL). ${INSTALL_HINT}`, options);
  }
}

/** The server process exited or did not report ready in time. `output` is its last log lines. */
export class NatsServerStartError extends Error {
  override readonly name = 'NatsServerStartError';
  constructor(
    message: string,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(`${message}${output ? `\n--- nats-server output ---\n${output}` : ''}`, options);
  }
}

/** `waitFor`, `nextMessage` or `collect` ran out of time. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`, options);
  }
}

/** llama-server or its model is not installed (scripts/install-llm.sh installs both). */
export class LlamaServerNotFoundError extends Error {
  override readonly name = 'LlamaServerNotFoundError';
  constructor(readonly missing: string) {
    super(
      `${missing} not found: run \`bash scripts/install-llm.sh\` (builds llama-server and unpacks SmolLM2-135M into .tools/), or set LLAMA_SERVER_BIN / LLAMA_SERVER_MODEL`,
    );
  }
}

/** llama-server exited or was not healthy in time. `output` is its last log lines. */
export class LlamaServerStartError extends Error {
  override readonly name = 'LlamaServerStartError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output}`);
  }
}
