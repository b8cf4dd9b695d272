// Public surface of @ala/vote-aggregator: start the service, its config, the pure window and
// vote modules, and the metric catalogue.
export { start } from './service';
export type { AggregatorDeps, RunningService } from './service';
export { loadConfig, validateAggregatorConfig, AGGREGATOR_DEFAULTS, CONFIG_ENV } from './config';
export type { AggregatorConfig } from './config';
export { AdviceWindows } from './advice-window';
export type { WindowOptions, Entry, Refusal, AddResult, ClosedWindow } from './advice-window';
export { buildVote } from './vote-builder';
export type { VoteMethod, BuiltVote } from './vote-builder';
export { AGGREGATOR_METRICS, AGGREGATOR_METRIC_DEFS } from './metrics';
export { main } from './main';
