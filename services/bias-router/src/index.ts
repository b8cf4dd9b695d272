// Public surface of @ala/bias-router: start the service, its config, the pure bounding and rate
// limiting modules, and the metric catalogue.
export { start } from './service';
export type { RouterDeps, RunningService } from './service';
export { loadConfig, validateRouterConfig, ROUTER_DEFAULTS, CONFIG_ENV } from './config';
export type { RouterConfig } from './config';
export { boundVote, chargedAdvisors } from './bound-vote';
export type { BoundOptions, Bounded } from './bound-vote';
export { TokenBuckets } from './token-bucket';
export type { TokenBucketOptions } from './token-bucket';
export { ROUTER_METRICS, ROUTER_METRIC_DEFS } from './metrics';
export { main } from './main';
