// Shared fixtures for bus tests: a valid Bias with 20 actions.
import { Bias } from '@ala/protocol';

export function makeBias(agentId = 'a1', n = 20, adviceId = 'adv-1'): Bias {
  return {
    v: 1,
    agentId,
    adviceId,
    stateSeq: 7,
    bias: Array.from({ length: n }, (_, i) => ((i % 5) - 2) * 0.25),
    bound: 1,
    ttlMs: 2_000,
    createdAt: 1_700_000_000_000,
  };
}
