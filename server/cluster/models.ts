// Online model deployment: a version imported or activated on one node is published (bundle sealed into an
// object store bucket, active version into KV); every node watches KV, fetches bundles it lacks, imports them
// and serves the active version. Activating an older version anywhere is a rollback for the whole cluster.
import type { KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import type { ModelService } from '../engine/models/service';
import { createLogger } from '../logger';
import type { Sealer } from './sealed';

const log = createLogger('cluster');

interface Announcement {
  id: string;
  active: number;
}

/** KV keys allow few characters; model ids may hold others. */
const keyOf = (id: string): string => Buffer.from(id).toString('base64url');
const bundleName = (id: string, version: number): string => `${id}/v${version}`;

export interface ModelSync {
  /** The service the node serves with: imports and activations also go to the cluster. */
  service: ModelService;
  stop(): void;
}

export async function syncModels(local: ModelService, opts: { kv: KV; bundles: ObjectStore; sealer: Sealer }): Promise<ModelSync> {
  const { kv, bundles, sealer } = opts;
  const activeHere = (id: string): number | undefined => local.summaries().find((m) => m.id === id)?.version;

  const announce = async (id: string): Promise<void> => {
    const active = activeHere(id);
    if (active === undefined) return;
    await kv.put(keyOf(id), JSON.stringify({ id, active } satisfies Announcement));
  };

  const publish = async (id: string, version: number): Promise<void> => {
    const bundle = local.exportBundle(id, version);
    await bundles.putBlob({ name: bundleName(id, version) }, sealer.seal(bundle.bytes, 'model'));
    await announce(id);
    log.info('model version published to the cluster', { id, version });
  };

  /** Brings this node to the announced active version: import the bundle when missing, then activate. */
  const follow = async (a: Announcement): Promise<void> => {
    if (activeHere(a.id) === a.active) return;
    // A version this node already holds is only switched to; one it lacks comes from the cluster's bundles first.
    const held = local.list().some((m) => m.id === a.id && m.versions.some((v) => v.version === a.active));
    if (!held) {
      const sealed = await bundles.getBlob(bundleName(a.id, a.active));
      if (!sealed) throw new Error(`the cluster has no bundle for ${a.id} v${a.active}`);
      await local.importBundle(sealer.open(sealed, 'model'));
    }
    local.activate(a.id, a.active);
    log.info("serving the cluster's model version", { id: a.id, version: a.active });
  };

  const watch = await kv.watch();
  void (async () => {
    for await (const e of watch) {
      if (e.operation !== 'PUT') continue;
      try {
        await follow(JSON.parse(e.string()) as Announcement);
      } catch (err) {
        log.error("cannot follow the cluster's model version", { key: e.key, error: String(err) });
      }
    }
  })();

  const published = (id: string, version: number): void => {
    publish(id, version).catch((err: unknown) =>
      log.error('cannot publish a model version to the cluster', { id, version, error: String(err) }),
    );
  };

  const service: ModelService = {
    ...local,
    async import(input) {
      const r = await local.import(input);
      published(r.model.id, r.version);
      return r;
    },
    async importBundle(bytes) {
      const r = await local.importBundle(bytes);
      published(r.model.id, r.version);
      return r;
    },
    activate(id, version) {
      const s = local.activate(id, version);
      announce(id).catch((err: unknown) =>
        log.error('cannot announce a model version to the cluster', { id, version, error: String(err) }),
      );
      return s;
    },
  };
  return { service, stop: () => watch.stop() };
}
