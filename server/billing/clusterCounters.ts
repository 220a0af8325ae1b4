// Quota counts shared by a cluster: one KV entry per quota and period, changed by compare-and-set on the entry's
// revision (a node that lost the race reads again and asks the rule again), so nodes together admit exactly what
// is left. The entry also keeps each node's share of reservations in flight: a node that dies mid-request leaves
// its share behind, and the others let it go once the node is gone, instead of carrying it until the period ends.
// Loaded only with --cluster. Without NATS a count cannot be known: the caller decides what that means.
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { AppError } from '../appError';
import type { Cluster, SharedBucket } from '../cluster';
import { BILLING_BUCKET } from '../cluster/names';
import { createLogger } from '../logger';
import type { QuotaCounters } from './quotaCounters';

const log = createLogger('billing');

/** A count untouched this long is of a period long gone (a month is at most 31 days). */
const COUNT_TTL_MS = 40 * 86_400_000;
/** Rounds of read-and-set one change may lose to other nodes before the node gives up (each round one node wins). */
const MAX_ROUNDS = 200;

const lostRace = (err: unknown): boolean =>
  err instanceof JetStreamApiError &&
  (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

/** One count as the entry holds it: the total, reservations included, and each node's reservations in it. */
interface Count {
  n: number;
  holds: Record<string, number>;
}

export async function openClusterCounters(cluster: Pick<Cluster, 'openBucket' | 'nodeId' | 'nodeGone'>): Promise<QuotaCounters> {
  return clusterCounters(await cluster.openBucket(BILLING_BUCKET, { ttlMs: COUNT_TTL_MS }), cluster);
}

function clusterCounters(bucket: SharedBucket, cluster: Pick<Cluster, 'nodeId' | 'nodeGone'>): QuotaCounters {
  const { kv } = bucket;
  const self = cluster.nodeId;
  /** Counts this run has written: a share of ours found in any other was left by this node's previous run. */
  const written = new Set<string>();
  const parse = (text: string): Count => {
    const stored = JSON.parse(text) as Count | number;
    return typeof stored === 'number' ? { n: stored, holds: {} } : { n: stored.n, holds: { ...stored.holds } };
  };
  /** The count without the reservations of nodes that are gone (died with requests in flight), nor stale ones of ours. */
  const live = (key: string, text: string): Count => {
    const count = parse(text);
    for (const [id, amount] of Object.entries(count.holds)) {
      if (id === self ? written.has(key) : !cluster.nodeGone(id)) continue;
      count.n -= amount;
      delete count.holds[id];
    }
    return count;
  };
  const unreachable = (cause?: unknown): AppError =>
    new AppError(
      'cluster_unavailable',
      503,
      `the cluster's quota counts cannot be reached (NATS at ${bucket.server} does not answer); work under a hard quota is refused until it is back`,
      { cause, headers: { 'Retry-After': '5' } },
    );
  /** Runs one NATS call; a failure other than a lost race means NATS cannot be reached. */
  const reach = async <T>(op: () => Promise<T>): Promise<T | 'lost'> => {
    if (!bucket.connected()) throw unreachable();
    try {
      return await op();
    } catch (err) {
      if (lostRace(err)) return 'lost';
      throw unreachable(err);
    }
  };
  const keyOf = (quota: string, startDay: string): string => `${quota}.${startDay}`;

  /** Takes the share this node's previous run left out of every count, so that the other nodes stop counting it. */
  const dropLastRunShares = async (): Promise<void> => {
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    for (const key of keys) {
      // A count this run has written holds its real share already.
      for (let round = 0; round < MAX_ROUNDS && !written.has(key); round++) {
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') break;
        const count = parse(entry.string());
        const stale = count.holds[self];
        if (!stale) break;
        delete count.holds[self];
        count.n -= stale;
        try {
          await kv.update(key, JSON.stringify(count), entry.revision);
          break;
        } catch (err) {
          if (!lostRace(err)) throw err;
        }
      }
    }
  };
  void dropLastRunShares().catch((err: unknown) =>
    log.warn('quota shares left by the last run could not be let go', { error: String(err) }),
  );

  return {
    async update(ref, change, hold) {
      const key = keyOf(ref.quota, ref.startDay);
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const entry = await reach(() => kv.get(key));
        if (entry === 'lost') continue;
        if (!entry || entry.operation !== 'PUT') {
          // The first node to count this period starts from what it has charged itself and holds now (a
          // reservation let go is already out of what it holds).
          const held = ref.seed() - Math.min(hold, 0);
          const next = change(held);
          const mine = ref.holding() + (next !== undefined ? Math.max(hold, 0) : 0);
          const count: Count = { n: next ?? held, holds: mine > 0 ? { [self]: mine } : {} };
          if ((await reach(() => kv.create(key, JSON.stringify(count)))) === 'lost') continue;
          written.add(key);
          return { held, changed: next !== undefined };
        }
        const count = live(key, entry.string());
        const held = count.n;
        const next = change(held);
        if (next === undefined) return { held, changed: false };
        const had = count.holds[self] ?? 0;
        // Of a reservation let go, the part the others already let go (they took this node for gone) stays off.
        count.n = next + Math.max(0, -hold - had);
        const mine = Math.max(0, had + hold);
        if (mine > 0) count.holds[self] = mine;
        else delete count.holds[self];
        if ((await reach(() => kv.update(key, JSON.stringify(count), entry.revision))) === 'lost') continue;
        written.add(key);
        return { held, changed: true };
      }
      throw new AppError(
        'cluster_unavailable',
        503,
        `the quota count ${key} changed under this node ${MAX_ROUNDS} times in a row; try again`,
        {
          headers: { 'Retry-After': '1' },
        },
      );
    },
    async read(ref) {
      const key = keyOf(ref.quota, ref.startDay);
      const entry = await reach(() => kv.get(key));
      return entry && entry !== 'lost' && entry.operation === 'PUT' ? live(key, entry.string()).n : ref.seed();
    },
    recount() {
      // The cluster's count is every node's; one node's ledger cannot recount it.
    },
  };
}
