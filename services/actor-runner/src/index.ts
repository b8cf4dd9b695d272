// Public surface of @ala/actor-runner: start(deps), its config, ports (policy source, trajectory
// sink, stored bias) with JetStream implementations, stats and errors.
export { start, makeActorEnv } from './service';
export type { ActorVectorEnv } from './acting';
export type { ActorRunner, ActorRunnerDeps } from './service';
export { loadConfig, validateActorConfig, ACTOR_DEFAULTS, CONFIG_ENV } from './config';
export type { ActorRunnerConfig } from './config';
export { policyObjectName } from './ports';
export type { PolicySource, TrajectorySink, StoredBiasSource } from './ports';
export { jetStreamActorPorts, jetStreamPolicySource, jetStreamTrajectorySink, jetStreamStoredBias } from './nats-io';
export { BiasTable } from './bias-table';
export type { BiasEntry, BiasTableCounts } from './bias-table';
export { emptyActorStats } from './stats';
export type { ActorStats, BiasReject } from './stats';
export { PolicyLoadError, ChunkSizeError } from './errors';
export { ACTOR_METRICS, actorMetricsExporter } from './metrics';
export { main } from './main';
