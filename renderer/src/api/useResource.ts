// Loads one thing from the node for a view: data, error and loading flags, reload, optional polling.
// Aborts on unmount or when inputs change, so a slow answer never overwrites a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HearthClient } from '../../../server/contract/client';
import { useConnection } from './connection';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** A polled answer later than this is given up and shown as an error, and the poll goes on. */
const POLL_DEADLINE_MS = 10_000;

export function useResource<T>(
  load: (client: HearthClient, signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  opts: { intervalMs?: number; enabled?: boolean } = {},
): Resource<T> {
  const { client, generation, report } = useConnection();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(opts.enabled !== false);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (opts.enabled === false) {
      setLoading(false);
      return;
    }
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (first: boolean): Promise<void> => {
      if (first) setLoading(true);
      try {
        // A view that polls must not stop updating on one request that never ends.
        const signal = opts.intervalMs ? AbortSignal.any([ctrl.signal, AbortSignal.timeout(POLL_DEADLINE_MS)]) : ctrl.signal;
        const value = await loadRef.current(client, signal);
        if (ctrl.signal.aborted) return;
        setData(value);
        setError(undefined);
      } catch (err) {
        if (ctrl.signal.aborted) return;
        report(err);
        setError(err instanceof Error ? err : new Error(String(err)));
      } finally {
        if (!ctrl.signal.aborted) {
          setLoading(false);
          if (opts.intervalMs) timer = setTimeout(() => void run(false), opts.intervalMs);
        }
      }
    };
    void run(true);
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
    // `load` is read through a ref: callers pass inline functions, and their inputs are listed in `deps`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, generation, tick, opts.enabled, opts.intervalMs, report, ...deps]);

  return { data, error, loading, reload };
}
