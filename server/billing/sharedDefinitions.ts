// With --cluster, an API key, key group, quota or price card made on any node holds on every node: each is one entry,
// sealed with the cluster key, in a KV bucket. A node puts its own changes, takes its peers' through the keys and
// billing modules (the only writers of their tables), and on joining puts what changed while it was away. The newer
// revision wins (time, then node id); an API key travels as the store holds it: its hash, never the key.
import { KvWatchInclude, type KvEntry } from '@nats-io/kv';
import { audit } from '../admission/audit';
import type { KeyRepository, SharedKey } from '../admission/keys';
import type { Cluster } from '../cluster';
import { DEFINITIONS_BUCKET } from '../cluster/names';
import { createLogger } from '../logger';
import { sha256Hex } from '../sha256';
import type { Store } from '../store';
import type { Billing, SharedBilling } from './index';

/** Changes made outside a running node's own calls (`hearth keys` on the command line) and puts that failed are retried this often. */
const SWEEP_MS = 5_000;
/** A node leaving while NATS is away waits this long for a put in progress; what it did not put goes out at its next start. */
const STOP_WAIT_MS = 1_000;
/** What a deleted definition's content is recorded as. */
const DELETED = 'deleted';
/** Keys are revoked, never deleted; price cards are never deleted: only these kinds leave a deletion behind. */
const DELETABLE = new Set(['group', 'quota']);

type Definition = { kind: 'key'; id: string; value: SharedKey } | SharedBilling;

/** A change's place in the cluster's order: the later time wins, the greater node id on a tie. */
interface Revision {
  at: number;
  node: string;
}

/** What this node last shared or applied for one entry. */
interface Known extends Revision {
  digest: string;
  /** Whether NATS holds this revision. */
  shared: boolean;
}

/** An entry's content on NATS (sealed). A deletion carries `value: null`. */
interface Entry extends Revision {
  definition: { kind: string; id: string; value: unknown };
}

export interface SharedDefinitions {
  stop(): Promise<void>;
}

const log = createLogger('billing');

const entryOf = (d: { kind: string; id: string }): string => `${d.kind}.${d.id}`;
const order = (a: Revision, b: Revision): number => a.at - b.at || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
const digestOf = (value: unknown): string => (value === null ? DELETED : sha256Hex(JSON.stringify(value)));
const contextOf = (entry: string): string => `hearth-definition:${entry}`;

export async function shareDefinitions(opts: {
  cluster: Pick<Cluster, 'openBucket' | 'nodeId'>;
  store: Store;
  keys: KeyRepository;
  billing: Billing;
}): Promise<SharedDefinitions> {
  const { store, keys, billing } = opts;
  const self = opts.cluster.nodeId;
  const bucket = await opts.cluster.openBucket(DEFINITIONS_BUCKET, { ttlMs: 0 });
  const { kv, sealer } = bucket;

  const known = new Map<string, Known>(
    (
      store.db.prepare('SELECT entry, at, node, digest, shared FROM shared_definitions').all() as (Revision & {
        entry: string;
        digest: string;
        shared: number;
      })[]
    ).map((r) => [r.entry, { at: r.at, node: r.node, digest: r.digest, shared: r.shared === 1 }]),
  );
  const save = store.db.prepare(
    `INSERT INTO shared_definitions (entry, at, node, digest, shared) VALUES (@entry, @at, @node, @digest, @shared)
     ON CONFLICT (entry) DO UPDATE SET at = excluded.at, node = excluded.node, digest = excluded.digest, shared = excluded.shared`,
  );
  const remember = (entry: string, k: Known): Known => {
    known.set(entry, k);
    save.run({ entry, at: k.at, node: k.node, digest: k.digest, shared: k.shared ? 1 : 0 });
    return k;
  };

  const local = (): Map<string, Definition> =>
    new Map(
      [...keys.shared().map((value): Definition => ({ kind: 'key', id: value.id, value })), ...billing.shared()].map((d) => [
        entryOf(d),
        d,
      ]),
    );

  /** Every definition whose content is not what this node last shared or applied is a change of this node's. */
  const scan = (now: Map<string, Definition>): void => {
    const note = (entry: string, digest: string): void => {
      const k = known.get(entry);
      if (k?.digest === digest) return;
      remember(entry, { at: Math.max(Date.now(), (k?.at ?? 0) + 1), node: self, digest, shared: false });
    };
    for (const [entry, d] of now) note(entry, digestOf(d.value));
    for (const [entry, k] of known) {
      if (!now.has(entry) && k.digest !== DELETED && DELETABLE.has(entry.slice(0, entry.indexOf('.')))) note(entry, DELETED);
    }
  };

  const open = (e: KvEntry): Entry => JSON.parse(sealer.open(e.value, contextOf(e.key)).toString('utf8')) as Entry;

  /** Applies a peer's entry that is newer than what this node has; an older one means NATS needs this node's again. */
  const receive = (entry: string, got: Entry): void => {
    const k = known.get(entry);
    if (k) {
      const o = order(k, got);
      if (o > 0 && k.shared) {
        remember(entry, { ...k, shared: false });
        void sync();
      }
      if (o >= 0) return;
    }
    // Recorded first: the change event the write below fires then finds nothing of this node's to share.
    remember(entry, { at: got.at, node: got.node, digest: digestOf(got.definition.value), shared: true });
    const actor = `cluster:${got.node}`;
    const d = got.definition as Definition;
    if (d.kind === 'key') {
      const change = keys.applyShared(d.value);
      if (change) audit(store, actor, change, { id: d.id, name: d.value.name, scopes: d.value.scopes });
    } else {
      billing.applyShared(d, actor);
    }
  };

  const publish = async (entry: string, now: Map<string, Definition>): Promise<void> => {
    const k = known.get(entry);
    if (!k || k.shared) return;
    const current = await kv.get(entry);
    if (current?.operation === 'PUT') {
      const theirs = open(current);
      if (order(theirs, k) > 0) return receive(entry, theirs);
    }
    const dot = entry.indexOf('.');
    const definition = now.get(entry) ?? { kind: entry.slice(0, dot), id: entry.slice(dot + 1), value: null };
    const sealed = sealer.seal(Buffer.from(JSON.stringify({ at: k.at, node: k.node, definition } satisfies Entry)), contextOf(entry));
    // Compare-and-set: a peer that put in between wins this round; the next sweep looks again.
    if (current) await kv.update(entry, sealed, current.revision);
    else await kv.create(entry, sealed);
    if (known.get(entry) === k) remember(entry, { ...k, shared: true });
  };

  let running: Promise<void> = Promise.resolve();
  let queued = false;
  let stopped = false;
  /** Records this node's changes and puts what NATS lacks; calls in a burst run once. */
  const sync = (): Promise<void> => {
    if (queued || stopped) return running;
    queued = true;
    running = running
      .then(async () => {
        queued = false;
        if (stopped) return;
        const now = local();
        scan(now);
        if (!bucket.connected()) return;
        for (const [entry, k] of known) {
          if (k.shared || stopped) continue;
          await publish(entry, now).catch((err: unknown) => log.debug('a definition waits to be shared', { entry, error: String(err) }));
        }
      })
      .catch((err: unknown) => log.warn('the shared definitions could not be compared with this node', { error: String(err) }));
    return running;
  };

  // Every entry's last value first (what changed while this node was away), then each change as it is put.
  const watcher = await kv.watch({ include: KvWatchInclude.LastValue });
  const watching = (async () => {
    for await (const e of watcher) {
      if (stopped) break;
      if (e.operation !== 'PUT') continue;
      try {
        receive(e.key, open(e));
      } catch (err) {
        log.warn('a shared definition could not be applied', { entry: e.key, error: String(err) });
      }
    }
  })();
  const unsubscribe = [keys.onChanged(() => void sync()), billing.onChanged(() => void sync())];
  const sweep = setInterval(() => void sync(), SWEEP_MS);
  sweep.unref();
  await sync();

  return {
    async stop() {
      stopped = true;
      clearInterval(sweep);
      for (const u of unsubscribe) u();
      watcher.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([running, watching]), new Promise((r) => (timer = setTimeout(r, STOP_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}
