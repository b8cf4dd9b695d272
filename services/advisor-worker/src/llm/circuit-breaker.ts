// Circuit breaker for the LLM endpoint: closed (requests flow) -> open after `failures`
// consecutive failures (requests refused at once, no load on a sick server) -> half-open after
// `cooldownMs` (exactly one trial request) -> closed on its success, open again on its failure.
// Pure: time is passed in (ms, monotonic). Reference: https://martinfowler.com/bliki/CircuitBreaker.html

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit (>= 1). */
  failures: number;
  /** Time the circuit stays open before one trial, ms (>= 0). */
  cooldownMs: number;
}

export class CircuitBreaker {
  private state_: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private trialInFlight = false;
  /** Times the circuit opened. */
  opened = 0;

  constructor(private readonly opts: BreakerOptions) {
    if (!(opts.failures >= 1)) throw new RangeError(`failures must be >= 1, got ${opts.failures}`);
    if (!(opts.cooldownMs >= 0)) throw new RangeError(`cooldownMs must be >= 0, got ${opts.cooldownMs}`);
  }

  state(now: number): BreakerState {
    if (this.state_ === 'open' && now - this.openedAt >= this.opts.cooldownMs) {
      this.state_ = 'half-open';
      this.trialInFlight = false;
    }
    return this.state_;
  }

  /** May a request start now? In half-open state only one trial at a time is admitted. */
  tryAcquire(now: number): boolean {
    const st = this.state(now);
    if (st === 'closed') return true;
    if (st === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.state_ = 'closed';
    this.consecutive = 0;
    this.trialInFlight = false;
  }

  failure(now: number): void {
    this.trialInFlight = false;
    if (this.state_ === 'half-open') return this.open(now);
    this.consecutive++;
    if (this.state_ === 'closed' && this.consecutive >= this.opts.failures) this.open(now);
  }

  /** The request ended without telling anything about the server (e.g. aborted by the caller). */
  release(): void {
    this.trialInFlight = false;
  }

  private open(now: number): void {
    this.state_ = 'open';
    this.openedAt = now;
    this.consecutive = 0;
    this.opened++;
  }
}
