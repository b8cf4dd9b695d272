// Chooses the advisor backend named by the configuration. Must not do I/O itself.
import type { ServiceMetrics } from '@ala/telemetry';
import type { AdvisorBackend } from './backend';
import type { AdvisorConfig } from './config';
import { scriptedBackend } from './scripted-backend';

export function createBackend(config: AdvisorConfig, _metrics: ServiceMetrics): AdvisorBackend {
  switch (config.backend) {
    case 'scripted':
      return scriptedBackend(config.scripted);
    case 'openai-compatible':
      throw new Error('openai-compatible backend: not built yet');
  }
}
