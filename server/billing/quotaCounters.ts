// Where quota counts live: in this node's memory (a node on its own) or in a KV bucket the cluster's nodes share
// (clusterCounters.ts). Either store applies a change that the quota rule (billing/index.ts) decides, atomically;
// only the place differs.

/** One quota's count in one period. */
export interface CounterRef {
  /** The same on every node for the same quota: subject, period, mode and measure (see billing/index.ts). */
  quota: string;
  /** First UTC day of the period (YYYY-MM-DD): a new period starts a new count. */
  startDay: string;
  /** What a count starts from where there is none yet: this node's charges in the period and its reservations in flight. */
  seed(): number;
  /** This node's reservations in flight on the count (part of the seed). */
  holding(): number;
}

/** The count after the change, or undefined to leave the count as it is (the rule refused). */
export type CountChange = (held: number) => number | undefined;

export interface QuotaCounters {
  /**
   * Applies `change` to the current count at once; answers the count it saw and whether it changed it. `hold` is
   * how much of the change is this node's reservations (taken: positive, let go: negative): a shared count keeps
   * each node's share, so that the reservations of a node that died can be let go.
   */
  update(ref: CounterRef, change: CountChange, hold: number): Promise<{ held: number; changed: boolean }>;
  read(ref: CounterRef): Promise<number>;
  /** Counts start again from the ledger (a group's keys changed); a count the cluster shares stays as it is. */
  recount(): void;
}

/** Counts for a node on its own: one event loop makes read-change-write atomic. */
export function memoryCounters(): QuotaCounters {
  const counts = new Map<string, { startDay: string; held: number }>();
  const cell = (ref: CounterRef): { startDay: string; held: number } => {
    let c = counts.get(ref.quota);
    if (!c || c.startDay !== ref.startDay) {
      c = { startDay: ref.startDay, held: ref.seed() };
      counts.set(ref.quota, c);
    }
    return c;
  };
  return {
    update(ref, change) {
      const c = cell(ref);
      const held = c.held;
      const next = change(held);
      if (next !== undefined) c.held = next;
      return Promise.resolve({ held, changed: next !== undefined });
    },
    read: (ref) => Promise.resolve(cell(ref).held),
    recount: () => counts.clear(),
  };
}
