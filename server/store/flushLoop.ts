// Counts kept in memory and written in one transaction every few seconds (and before any read), so counting
// costs no write per request. The timer never keeps the process alive; close() writes the last counts.

/** How often summed counts reach the store: a crash loses at most this much of them. */
const FLUSH_MS = 2_000;

export interface FlushLoop {
  /** Stops the timer and writes the last counts. */
  close(): void;
}

/** Calls `flush` (which writes what is pending) every FLUSH_MS; readers call the same `flush` before they read. */
export function startFlushLoop(flush: () => void): FlushLoop {
  const timer = setInterval(() => {
    try {
      flush();
    } catch {
      // The store may be closing under us at shutdown; close() flushes for the last time.
    }
  }, FLUSH_MS);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
