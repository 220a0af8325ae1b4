// The audit log of admin actions (keys, settings, LAN on/off, model changes). Any area records with `audit(...)`.
import type { Principal } from './principal';
import type { AuditEntry } from '../contract/security';
import type { Store } from '../store';

/** Who did it, as the audit log names them: "owner" (loopback, no key), "key:<id>", or e.g. "cli". */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) return 'unknown';
  return principal.keyId ? `key:${principal.keyId}` : 'owner';
}

/** Appends one entry. `detail` must not carry secrets (keys, store key) or recognised text. */
export function audit(store: Pick<Store, 'db'>, actor: string, action: string, detail: Record<string, unknown> = {}): void {
  store.db
    .prepare('INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)')
    .run(new Date().toISOString(), actor, action, JSON.stringify(detail));
}

export function readAudit(store: Pick<Store, 'db'>, opts: { limit?: number; before?: number } = {}): AuditEntry[] {
  const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);
  const rows = store.db
    .prepare('SELECT id, at, actor, action, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
    .all(opts.before ?? Number.MAX_SAFE_INTEGER, limit) as { id: number; at: string; actor: string; action: string; detail: string }[];
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
