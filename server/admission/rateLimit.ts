// Per-key token buckets: `burst` tokens, refilled at ratePerMinute; an empty bucket answers 429 with Retry-After.
// Limits are read on every take, so a settings change applies to the next request.

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(id: string, now?: number): number;
}

/** Idle buckets are dropped after this long (they would be full again anyway). */
const IDLE_MS = 10 * 60_000;

export function createRateLimiter(limits: () => { ratePerMinute: number; burst: number }): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let lastSweep = Date.now();
  return {
    take(id, now = Date.now()) {
      const { ratePerMinute, burst } = limits();
      const perMs = ratePerMinute / 60_000;
      if (now - lastSweep > IDLE_MS) {
        for (const [k, b] of buckets) if (now - b.at > IDLE_MS) buckets.delete(k);
        lastSweep = now;
      }
      const b = buckets.get(id) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.set(id, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    },
  };
}
