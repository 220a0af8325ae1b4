// Items-per-second over a sliding window, and the ETA it implies, for progress events.

const WINDOW_MS = 10_000;

export interface RateTracker {
  /** Call with the running count of finished items. */
  sample(finished: number, now?: number): void;
  rate(now?: number): number;
  eta(remaining: number, now?: number): number | null;
}

export function createRateTracker(): RateTracker {
  const samples: { t: number; n: number }[] = [];
  const rate = (now = Date.now()): number => {
    while (samples.length > 2 && now - samples[0].t > WINDOW_MS) samples.shift();
    if (samples.length < 2) return 0;
    const first = samples[0];
    const last = samples[samples.length - 1];
    const dt = (Math.max(now, last.t) - first.t) / 1000;
    return dt > 0 ? (last.n - first.n) / dt : 0;
  };
  return {
    sample(finished, now = Date.now()) {
      samples.push({ t: now, n: finished });
      if (samples.length > 1000) samples.splice(0, samples.length - 1000);
    },
    rate,
    eta(remaining, now = Date.now()) {
      const r = rate(now);
      return remaining === 0 ? 0 : r > 0 ? Math.round(remaining / r) : null;
    },
  };
}
