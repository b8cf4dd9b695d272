// The biased-sampling defaults of PpoConfig: the decoupled IS cap must not truncate the advice
// itself (docs/is-correction.md: c̄ < e^{2βB} biases the gradient towards the advised policy).
import { DEFAULT_PPO_CONFIG, presetFor } from '../src';

/** The bias-router's default bound B (services/bias-router config ALA_ROUTER_BOUND). */
const DEFAULT_ROUTER_BOUND = 1;

describe('PpoConfig IS defaults', () => {
  it.each([
    ['default', DEFAULT_PPO_CONFIG],
    ['CartPole-v1', presetFor('CartPole-v1')],
    ['CraftWorld-v0', presetFor('CraftWorld-v0')],
  ])('%s: c̄ >= e^{2βB}, so advice alone is never truncated', (_name, c) => {
    expect(c.isMode).toBe('decoupled');
    expect(c.cBar).toBeGreaterThanOrEqual(Math.exp(2 * c.beta * DEFAULT_ROUTER_BOUND));
  });

  it("keeps V-trace truncation at IMPALA's ρ̄ = c̄ = 1, separate from the IS cap", () => {
    expect(DEFAULT_PPO_CONFIG.vtraceRhoBar).toBe(1);
    expect(DEFAULT_PPO_CONFIG.vtraceCBar).toBe(1);
  });
});
