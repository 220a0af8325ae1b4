// Per key, per UTC day: requests, images, engine ms and errors. Counted in memory as responses finish and
// written in one transaction every few seconds (and before any read), so metering costs no write per request.
import type { Store } from '../store';
import type { UsageRow } from '../contract/security';
import type { KeyRepository } from '../admission/keys';
import { startFlushLoop } from '../store/flushLoop';

/** The usage row owner of keyless loopback requests. */
export const OWNER_KEY_ID = 'owner';

interface Tally {
  requests: number;
  images: number;
  engineMs: number;
  errors: number;
}

export interface Metering {
  record(entry: { keyId: string | null; status: number; images?: number; engineMs?: number }): void;
  query(q: { from?: string; to?: string; key?: string }): UsageRow[];
  flush(): void;
  close(): void;
}

export function utcDay(t = Date.now()): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function createMetering(db: Store['db'], keys: KeyRepository): Metering {
  const pending = new Map<string, Tally>();
  const used = new Set<string>();
  const upsert = db.prepare(`
    INSERT INTO usage_daily (day, key_id, requests, images, engine_ms, errors) VALUES (@day, @keyId, @requests, @images, @engineMs, @errors)
    ON CONFLICT (day, key_id) DO UPDATE SET requests = requests + excluded.requests, images = images + excluded.images,
      engine_ms = engine_ms + excluded.engine_ms, errors = errors + excluded.errors`);
  const select = db.prepare(`
    SELECT u.day, u.key_id AS keyId, k.name AS keyName, u.requests, u.images, u.engine_ms AS engineMs, u.errors
    FROM usage_daily u LEFT JOIN api_keys k ON k.id = u.key_id
    WHERE u.day >= @from AND u.day <= @to AND (@key IS NULL OR u.key_id = @key)
    ORDER BY u.day, u.key_id`);

  const writeAll = db.transaction((entries: [string, Tally][], touched: string[]) => {
    for (const [k, t] of entries) {
      const [day, keyId] = k.split('|');
      upsert.run({ day, keyId, ...t, engineMs: Math.round(t.engineMs) });
    }
    keys.touch(touched, new Date().toISOString());
  });

  const flush = (): void => {
    if (pending.size === 0 && used.size === 0) return;
    const entries = [...pending.entries()];
    const touched = [...used];
    pending.clear();
    used.clear();
    writeAll(entries, touched);
  };
  const loop = startFlushLoop(flush);

  return {
    record({ keyId, status, images = 0, engineMs = 0 }) {
      const k = `${utcDay()}|${keyId ?? OWNER_KEY_ID}`;
      const t = pending.get(k) ?? { requests: 0, images: 0, engineMs: 0, errors: 0 };
      t.requests += 1;
      t.images += Number.isFinite(images) ? images : 0;
      t.engineMs += Number.isFinite(engineMs) ? engineMs : 0;
      if (status >= 400) t.errors += 1;
      pending.set(k, t);
      if (keyId) used.add(keyId);
    },
    query({ from, to, key }) {
      flush();
      return select.all({ from: from ?? '0000-00-00', to: to ?? '9999-99-99', key: key ?? null }) as UsageRow[];
    },
    flush,
    close: loop.close,
  };
}
