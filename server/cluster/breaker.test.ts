// The per-peer circuit breaker: opens after failures in a row, lets one probe through later, closes on success.
import { describe, expect, it } from 'vitest';
import { createBreaker } from './breaker';

describe('peer circuit breaker', () => {
  it('opens after three failures, probes once after the pause, closes on success', () => {
    const b = createBreaker({ failures: 3, openMs: 1_000 });
    b.failure(0);
    b.failure(0);
    expect(b.allow(0)).toBe(true);
    b.failure(0);
    expect(b.allow(500)).toBe(false);
    expect(b.allow(1_000)).toBe(true);
    // Only one probe while it is out.
    expect(b.allow(1_001)).toBe(false);
    b.success();
    expect(b.allow(1_002)).toBe(true);
    expect(b.state).toBe('closed');
  });
  it('a failed probe keeps it open for another pause', () => {
    const b = createBreaker({ failures: 1, openMs: 1_000 });
    b.failure(0);
    expect(b.allow(1_000)).toBe(true);
    b.failure(1_000);
    expect(b.allow(1_500)).toBe(false);
    expect(b.allow(2_000)).toBe(true);
  });
});
