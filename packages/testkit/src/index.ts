// Public surface of @ala/testkit: a throwaway nats-server (and llama-server) for tests and benches, and await helpers.
export { startNatsServer, freePort } from './nats-server';
export type { NatsServerHandle, StartNatsServerOptions } from './nats-server';
export { locateNatsServer, serverVersion, compareVersions, findRepoRoot, MIN_SERVER_VERSION } from './server-binary';
export type { ServerBinary, LocateOptions } from './server-binary';
export { dockerAnswers, NATS_IMAGE } from './nats-container';
export { waitFor, collect, nextMessage } from './wait';
export type { MessageSource, PushSource } from './wait';
export {
  NatsServerNotFoundError,
  NatsServerVersionError,
  NatsServerStartError,
  WaitTimeoutError,
  INSTALL_HINT,
  LlamaServerNotFoundError,
  LlamaServerStartError,
} from './errors';
export { startLlamaServer, llamaServerPaths } from './llama-server';
export type { LlamaServerHandle, StartLlamaServerOptions } from './llama-server';
