// Public surface of @ala/advisor-worker: start the service, its config, the backend seam and the
// shipped backends, the score -> bias mapping, and the metric catalogue.
export { start } from './service';
export type { AdvisorDeps, RunningService } from './service';
export { loadConfig, validateAdvisorConfig, ADVISOR_DEFAULTS, CONFIG_ENV, BACKENDS, RESPONSE_FORMATS } from './config';
export type { AdvisorConfig, BackendKind, LlmConfig, ResponseFormatMode } from './config';
export { BackendError } from './backend';
export type { AdvisorBackend, BackendAnswer, BackendFailure } from './backend';
export { scriptedBackend, tameOutliers, thinkingTime } from './scripted-backend';
export type { ScriptedOptions } from './scripted-backend';
export { createBackend } from './create-backend';
export { answerToBias, NO_SIGNAL_TOLERANCE } from './score-to-bias';
export type { AdviceBias } from './score-to-bias';
export { ADVISOR_METRICS, ADVISOR_METRIC_DEFS } from './metrics';
export { openAiBackend } from './llm/openai-backend';
export type { OpenAiBackendOptions } from './llm/openai-backend';
export { CircuitBreaker } from './llm/circuit-breaker';
export type { BreakerOptions, BreakerState } from './llm/circuit-breaker';
export { buildMessages, parseAnswer, responseFormat, rationaleBudget, PROMPT_VERSION } from './llm/prompt';
export type { ChatMessage, HistoryEntry, PromptOptions } from './llm/prompt';
export { PromptHistory, summarizeSnapshot } from './llm/prompt-history';
export { classifyFailure, serverMessage } from './llm/failures';
export { LLM_METRICS, LLM_METRIC_DEFS } from './llm/metrics';
export { main } from './main';
