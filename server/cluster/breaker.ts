// A circuit breaker per peer: after `failures` failures in a row the peer is left alone for `openMs`, then one
// probe call decides whether it is back.

export interface Breaker {
  /** Whether a call may go to this peer now (in the half-open state, only the one probe). */
  allow(now?: number): boolean;
  success(): void;
  failure(now?: number): void;
  readonly state: 'closed' | 'open' | 'half-open';
}

export function createBreaker(opts: { failures: number; openMs: number }): Breaker {
  let failures = 0;
  let openUntil = 0;
  let probing = false;
  const b: Breaker = {
    allow(now = Date.now()) {
      if (failures < opts.failures) return true;
      if (now < openUntil || probing) return false;
      probing = true;
      return true;
    },
    success() {
      failures = 0;
      probing = false;
    },
    failure(now = Date.now()) {
      failures++;
      probing = false;
      if (failures >= opts.failures) openUntil = now + opts.openMs;
    },
    get state() {
      if (failures < opts.failures) return 'closed';
      return Date.now() < openUntil || probing ? 'open' : 'half-open';
    },
  };
  return b;
}
