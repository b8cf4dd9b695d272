// Public surface of @ala/bus: the Bus seam (NatsBus, InProcessBus), the TTL contract helpers,
// connection set-up, JetStream resources and stored publishing, injected clock/metrics/logger.
export type { Bus, BusDeps, BusSubscription, Handler, MessageMeta, PublishOptions, RequestOptions, SubscribeOptions } from './types';
export { NatsBus } from './nats-bus';
export { InProcessBus } from './in-process-bus';
export { forward } from './forward';
export { connect, drainOnSignal } from './connect';
export type { AlaConnection, ConnectOptions, ConnectionStats, DrainOnSignalOptions } from './connect';
export { CredentialsError, inboxPrefixFor, resolveSecurity } from './security';
export type { ConnectionSecurity, ResolvedSecurity } from './security';
export { openJetStream, ensureStreams, detectTtlSupport, ensurePolicyStores, openPolicyStores, resourceNames } from './jetstream';
export type { JetStreamContext, StreamsOptions, EnsuredStreams, TtlSupport, PolicyStores } from './jetstream';
export { publishBiasStored, readLastBias, publishDurable, natsTtl } from './stored';
export type { StoredBias, DurableOptions } from './stored';
export { startService, addTypedEndpoint, ServiceErrorCodeHeader, ServiceErrorHeader } from './service';
export type { ServiceOptions, EndpointOptions, Service, ServiceGroup } from './service';
export { systemClock, ManualClock } from './clock';
export type { Clock } from './clock';
export { noopBusMetrics, CountingBusMetrics, BUS_METRIC_NAMES } from './metrics';
export type { BusMetrics, BusCounter } from './metrics';
export { consoleLogger, silentLogger } from './logger';
export { rateLimitedLogger } from './rate-limited-log';
export type { RateLimitOptions } from './rate-limited-log';
export type { BusLogger } from './logger';
export { subjectMatches } from './subject-match';
export { BusInputError, BusClosedError, BusRequestError, JetStreamSetupError, DurablePublishError } from './errors';
export type { RequestFailure } from './errors';
export { IDENTITIES, edgesOf, permissionsFor, authConf } from './permissions';
export type { Identity, Permissions } from './permissions';
