// Chooses the advisor backend named by the configuration. Must not do I/O itself.
import type { BusLogger } from '@ala/bus';
import type { ServiceMetrics } from '@ala/telemetry';
import type { AdvisorBackend } from './backend';
import type { AdvisorConfig } from './config';
import { openAiBackend } from './llm/openai-backend';
import { scriptedBackend } from './scripted-backend';

/** `log` should be rate-limited (service.ts passes its rateLimitedLogger): backends log per failure. */
export function createBackend(config: AdvisorConfig, metrics: ServiceMetrics, log?: BusLogger): AdvisorBackend {
  switch (config.backend) {
    case 'scripted':
      return scriptedBackend(config.scripted);
    case 'openai-compatible':
      return openAiBackend({ config: config.llm, advisorId: config.advisorId, metrics, ...(log ? { log } : {}) });
  }
}
