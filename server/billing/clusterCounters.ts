// Quota counts shared by a cluster: one KV entry per quota and period, changed by compare-and-set on the entry's
// revision (a node that lost the race reads again and asks the rule again), so nodes together admit exactly what
// is left. Loaded only with --cluster. Without NATS a count cannot be known: the caller decides what that means.
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { AppError } from '../appError';
import type { Cluster, SharedBucket } from '../cluster';
import { BILLING_BUCKET } from '../cluster/names';
import type { QuotaCounters } from './quotaCounters';

/** A count untouched this long is of a period long gone (a month is at most 31 days). */
const COUNT_TTL_MS = 40 * 86_400_000;
/** Rounds of read-and-set one change may lose to other nodes before the node gives up (each round one node wins). */
const MAX_ROUNDS = 200;

const lostRace = (err: unknown): boolean =>
  err instanceof JetStreamApiError &&
  (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

export async function openClusterCounters(cluster: Pick<Cluster, 'openBucket'>): Promise<QuotaCounters> {
  return clusterCounters(await cluster.openBucket(BILLING_BUCKET, { ttlMs: COUNT_TTL_MS }));
}

function clusterCounters(bucket: SharedBucket): QuotaCounters {
  const { kv } = bucket;
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

  return {
    async update(ref, change) {
      const key = keyOf(ref.quota, ref.startDay);
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const entry = await reach(() => kv.get(key));
        if (entry === 'lost') continue;
        if (!entry || entry.operation !== 'PUT') {
          // The first node to count this period starts from what it has charged itself.
          const held = ref.seed();
          const next = change(held);
          if ((await reach(() => kv.create(key, String(next ?? held)))) === 'lost') continue;
          return { held, changed: next !== undefined };
        }
        const held = Number(entry.string());
        const next = change(held);
        if (next === undefined) return { held, changed: false };
        if ((await reach(() => kv.update(key, String(next), entry.revision))) === 'lost') continue;
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
      const entry = await reach(() => kv.get(keyOf(ref.quota, ref.startDay)));
      return entry && entry !== 'lost' && entry.operation === 'PUT' ? Number(entry.string()) : ref.seed();
    },
    recount() {
      // The cluster's count is every node's; one node's ledger cannot recount it.
    },
  };
}
