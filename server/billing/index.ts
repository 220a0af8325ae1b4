// Billing for a team node: price cards with effective dates (a charge keeps the price of its time), key groups,
// quotas per key or group (soft: warn at 80 %; hard: 429 before the work runs), and spend and statements from the
// ledger. Quotas are exact under concurrency: each billable request reserves its estimated cost on the quota's count
// before it runs, and the reservation becomes the charge when it ends. The rule is decided here; the count lives in
// this node's memory or, in a cluster, in a count every node shares (quotaCounters.ts, clusterCounters.ts).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { RequestHandler, Response } from 'express';
import { AppError } from '../appError';
import type { Principal } from '../admission/principal';
import {
  QUOTA_WARN_SHARE,
  type BillingGroup,
  type BillingUnit,
  type GroupInput,
  type PriceCard,
  type PriceCardInput,
  type PriceCards,
  type Quota,
  type QuotaInput,
  type QuotaMode,
  type QuotaPeriod,
  type Spend,
  type Statement,
} from '../contract/billing';
import type { RouteKey, RouteTask } from '../contract/routes';
import { matchRoute, routeTask } from '../contract/routes';
import { createLogger } from '../logger';
import { sha256Hex } from '../sha256';
import type { KeyRepository } from '../admission/keys';
import { OWNER_KEY_ID, utcDay } from '../observability/metering';
import type { Store } from '../store';
import { createLedger, type Ledger } from './ledger';
import { fromMicros, roundedAmount, toMicros } from './money';
import { periodAt, type PeriodSpan } from './periods';
import { memoryCounters, type CounterRef, type QuotaCounters } from './quotaCounters';

/** What a route's model work is charged as (its task is in the route table); the quantity comes from what it did. */
const UNIT_BY_TASK: Record<RouteTask, BillingUnit> = {
  ocr: 'ocr_image',
  classify: 'classification',
  infer: 'inference',
};

/** Routes that start work charged later (a job's files, as they are read): refused once a hard quota is used up. */
const LATER_UNIT_BY_ROUTE: Partial<Record<RouteKey, BillingUnit>> = {
  createJob: 'ocr_image',
  umiDocUpload: 'ocr_image',
};

interface CardRow {
  id: number;
  currency: string;
  effective_from: number;
  created_at: number;
  prices: string;
}

interface QuotaRow {
  id: string;
  subject_kind: 'key' | 'group';
  subject_id: string;
  period: QuotaPeriod;
  mode: QuotaMode;
  unit: BillingUnit | null;
  limit_value: number;
  created_at: number;
  /** The group's name, for a group's quota. */
  group_name: string | null;
}

/**
 * Billing's definitions as the nodes of a cluster share them (value null: deleted). A price card is named by its
 * content, since each node numbers its cards itself.
 */
export type SharedBilling =
  | { kind: 'group'; id: string; value: { name: string; createdAt: number; keys: string[] } | null }
  | {
      kind: 'quota';
      id: string;
      value: {
        subjectKind: 'key' | 'group';
        subjectId: string;
        period: QuotaPeriod;
        mode: QuotaMode;
        unit: BillingUnit | null;
        limit: number;
        createdAt: number;
      } | null;
    }
  | { kind: 'price'; id: string; value: { currency: string; effectiveFrom: number; createdAt: number; prices: string } };

/** What one request reserved on one quota's count before it ran. */
interface Hold {
  ref: CounterRef;
  amount: number;
}

export interface Billing {
  /**
   * Admission: refuses a request a hard quota cannot take (429, or 503 in a cluster whose count cannot be reached),
   * reserves its cost, charges it when it ends.
   */
  readonly admit: RequestHandler;
  prices(): PriceCards;
  setPrices(input: PriceCardInput & { currency: string; prices: Partial<Record<BillingUnit, string>> }, actor: string): PriceCard;
  groups(): BillingGroup[];
  saveGroup(input: GroupInput & { keys: string[] }, actor: string, id?: string): BillingGroup;
  deleteGroup(id: string, actor: string): void;
  quotas(): Promise<Quota[]>;
  /** Adds a quota, or replaces quota `id` (its count goes on when subject, period, mode and measure stay). */
  saveQuota(input: QuotaInput, actor: string, id?: string): Promise<Quota>;
  deleteQuota(id: string, actor: string): void;
  spend(from?: string, to?: string): Spend;
  statement(q: { key?: string; group?: string; from?: string; to?: string }): Statement;
  /** Charges work done outside a request (job items) to a key at the current price. */
  charge(keyId: string | null, unit: BillingUnit, quantity: number): void;
  /** Every group, quota and price card as a cluster shares them. */
  shared(): SharedBilling[];
  /** Takes a definition as another node has it, audited as `actor`; checks nothing the peer already checked. */
  applyShared(definition: SharedBilling, actor: string): void;
  /** Called after any group, quota or price card changed (here or from a peer); returns the unsubscribe. */
  onChanged(listener: () => void): () => void;
  close(): void;
}

const log = createLogger('billing');

function monthStart(t = Date.now()): string {
  return periodAt('month', t).startDay;
}

export function createBilling(opts: {
  store: Store;
  keys: KeyRepository;
  audit: (actor: string, action: string, detail: Record<string, unknown>) => void;
  /** Where quota counts live; this node's memory unless the node is in a cluster. */
  counters?: QuotaCounters;
}): Billing {
  const { store, keys } = opts;
  const db = store.db;
  const ledger: Ledger = createLedger(db);
  const counters = opts.counters ?? memoryCounters();
  /** Reservations of requests in flight on this node, per count (`quota.startDay`): part of a count started afresh. */
  const inFlight = new Map<string, number>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const changed = (): boolean => events.emit('changed');

  // ---- price cards ----
  const cardRows = (): CardRow[] =>
    db.prepare('SELECT * FROM billing_price_cards ORDER BY effective_from DESC, id DESC').all() as CardRow[];
  const toCard = (r: CardRow): PriceCard => ({
    id: r.id,
    currency: r.currency,
    effectiveFrom: new Date(r.effective_from).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
    prices: Object.fromEntries(Object.entries(JSON.parse(r.prices) as Record<string, number>).map(([u, m]) => [u, fromMicros(m)])),
  });
  let cards = cardRows();
  /** The card in effect at `t`: the latest effective date not after it. */
  const cardAt = (t: number): CardRow | undefined => cards.find((c) => c.effective_from <= t);
  const priceMicros = (card: CardRow | undefined, unit: BillingUnit): number =>
    card ? ((JSON.parse(card.prices) as Record<string, number>)[unit] ?? 0) : 0;

  // ---- groups ----
  const groupKeys = (groupId: string): string[] =>
    (db.prepare('SELECT key_id FROM billing_group_keys WHERE group_id = ? ORDER BY key_id').all(groupId) as { key_id: string }[]).map(
      (r) => r.key_id,
    );
  const groupsOfKey = (keyId: string): string[] =>
    (db.prepare('SELECT group_id FROM billing_group_keys WHERE key_id = ?').all(keyId) as { group_id: string }[]).map((r) => r.group_id);
  const groupRow = (id: string): { id: string; name: string; created_at: number } | undefined =>
    db.prepare('SELECT id, name, created_at FROM billing_groups WHERE id = ?').get(id) as
      { id: string; name: string; created_at: number } | undefined;
  const toGroup = (r: { id: string; name: string; created_at: number }): BillingGroup => ({
    id: r.id,
    name: r.name,
    keys: groupKeys(r.id),
    createdAt: new Date(r.created_at).toISOString(),
  });

  // ---- quotas ----
  const quotaRows = (): QuotaRow[] =>
    db
      .prepare(
        `SELECT q.*, g.name AS group_name FROM billing_quotas q
         LEFT JOIN billing_groups g ON q.subject_kind = 'group' AND g.id = q.subject_id ORDER BY q.created_at`,
      )
      .all() as QuotaRow[];
  let allQuotas = quotaRows();
  const reloadQuotas = (): void => {
    allQuotas = quotaRows();
    counters.recount();
  };
  const subjectKeys = (q: QuotaRow): string[] => (q.subject_kind === 'key' ? [q.subject_id] : groupKeys(q.subject_id));
  const quotasOf = (keyId: string): QuotaRow[] => {
    const groups = new Set(groupsOfKey(keyId));
    return allQuotas.filter((q) => (q.subject_kind === 'key' ? q.subject_id === keyId : groups.has(q.subject_id)));
  };
  /**
   * The quota's count in the period. Its name is the same on every node of a cluster: a key by its id, a group by its
   * name (a department's group of the same name on each node shares one count), then period, mode and measure. The
   * subject goes in hashed, so the NATS disk names no department.
   */
  const refOf = (q: QuotaRow, span: PeriodSpan): CounterRef => {
    const subject = sha256Hex(`${q.subject_kind}:${q.subject_kind === 'key' ? q.subject_id : (q.group_name ?? q.subject_id)}`).slice(0, 32);
    const quota = `quota.${subject}.${q.period}.${q.mode}.${q.unit ?? 'money'}`;
    const holding = (): number => inFlight.get(`${quota}.${span.startDay}`) ?? 0;
    return { quota, startDay: span.startDay, seed: () => ledger.sum(span.startDay, subjectKeys(q), q.unit) + holding(), holding };
  };
  const countOf = (ref: CounterRef): string => `${ref.quota}.${ref.startDay}`;
  const addInFlight = (ref: CounterRef, amount: number): void => {
    const left = (inFlight.get(countOf(ref)) ?? 0) + amount;
    if (left === 0) inFlight.delete(countOf(ref));
    else inFlight.set(countOf(ref), left);
  };
  /** What a charge of `quantity` units at `micros` each counts against quota `q`. */
  const measure = (q: QuotaRow, unit: BillingUnit, quantity: number, micros: number): number =>
    q.unit ? (q.unit === unit ? quantity : 0) : quantity * micros;
  /** The quota rule: a hard quota takes work only while it fits under the limit; a soft one takes all (and warns). */
  const fits = (q: QuotaRow, held: number, amount: number): boolean => q.mode !== 'hard' || held + amount <= q.limit_value;
  /** Changes counts, logging what could not be changed: the count then stays higher than it should (never lower). */
  const changeCounts = async (changes: Map<string, { ref: CounterRef; delta: number; released: number }>): Promise<void> => {
    for (const { ref, delta, released } of changes.values()) {
      if (delta === 0 && released === 0) continue;
      await counters
        .update(ref, (held) => held + delta, -released)
        .catch((err: unknown) => {
          log.warn('a quota count could not be changed', { count: countOf(ref), delta, error: String(err) });
        });
    }
  };

  const describe = (q: QuotaRow): string => {
    const who = q.subject_kind === 'key' ? `key ${keys.get(q.subject_id)?.name ?? q.subject_id}` : `group ${q.group_name ?? q.subject_id}`;
    return `the ${q.period === 'day' ? 'daily' : 'monthly'} ${q.mode} quota of ${who}`;
  };
  const limitText = (q: QuotaRow, value: number): string =>
    q.unit ? `${value} ${q.unit}` : `${fromMicros(value)} ${cardAt(Date.now())?.currency ?? ''}`.trim();

  const warnOnce = (q: QuotaRow, span: PeriodSpan, share: number): void => {
    const fresh = db
      .prepare('INSERT OR IGNORE INTO billing_quota_warnings (quota_id, period_start, at) VALUES (?, ?, ?)')
      .run(q.id, span.startDay, Date.now());
    if (fresh.changes > 0) {
      opts.audit('billing', 'billing.quota.warning', {
        quota: q.id,
        subject: `${q.subject_kind}:${q.subject_id}`,
        share: Math.round(share * 100) / 100,
      });
      log.info('quota warning', { quota: q.id, share });
    }
  };

  const refusal = (q: QuotaRow, span: PeriodSpan, used: number, now: number): AppError => {
    const seconds = Math.max(1, Math.ceil((span.resetsAt - now) / 1000));
    return new AppError(
      'quota_exceeded',
      429,
      `${describe(q)} is used up: ${limitText(q, used)} of ${limitText(q, q.limit_value)}; it resets at ${new Date(span.resetsAt).toISOString()}`,
      {
        headers: { 'Retry-After': String(seconds) },
        detail: {
          quota: {
            id: q.id,
            period: q.period,
            unit: q.unit,
            limit: q.unit ? String(q.limit_value) : fromMicros(q.limit_value),
            used: q.unit ? String(used) : fromMicros(used),
            resetsAt: new Date(span.resetsAt).toISOString(),
          },
        },
      },
    );
  };

  /** Charges `quantity` units to the key, and turns the request's reservations into what was charged. */
  const chargeNow = async (keyId: string, unit: BillingUnit, quantity: number, holds: readonly Hold[] = []): Promise<void> => {
    const at = Date.now();
    const card = cardAt(at);
    const micros = priceMicros(card, unit);
    if (card && quantity > 0) ledger.add({ day: utcDay(at), keyId, unit, cardId: card.id, quantity, amountMicros: quantity * micros });
    const changes = new Map<string, { ref: CounterRef; delta: number; released: number }>();
    for (const h of holds) {
      addInFlight(h.ref, -h.amount);
      changes.set(countOf(h.ref), { ref: h.ref, delta: -h.amount, released: h.amount });
    }
    if (keyId !== OWNER_KEY_ID && quantity > 0) {
      for (const q of quotasOf(keyId)) {
        const ref = refOf(q, periodAt(q.period, at));
        const c = changes.get(countOf(ref)) ?? { ref, delta: 0, released: 0 };
        c.delta += measure(q, unit, quantity, micros);
        changes.set(countOf(ref), c);
      }
    }
    await changeCounts(changes);
  };

  const admit: RequestHandler = async (req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    const key = matchRoute(req.method, req.path);
    const later = key ? LATER_UNIT_BY_ROUTE[key] : undefined;
    const task = key && routeTask(key);
    const unit = task ? UNIT_BY_TASK[task] : later;
    if (!principal || !unit) return next();
    const keyId = principal.keyId ?? OWNER_KEY_ID;
    let closed = false;
    res.once('close', () => (closed = true));
    const holds: Hold[] = [];
    if (principal.keyId) {
      const now = Date.now();
      const micros = priceMicros(cardAt(now), unit);
      const applicable = quotasOf(principal.keyId)
        .map((q) => {
          const span = periodAt(q.period, now);
          return { q, span, ref: refOf(q, span), amount: measure(q, unit, 1, micros) };
        })
        .filter((a) => a.amount > 0)
        // Hard quotas first: a refusal then undoes fewer reservations.
        .sort((a, b) => Number(b.q.mode === 'hard') - Number(a.q.mode === 'hard'));
      const warnings: { a: (typeof applicable)[number]; share: number }[] = [];
      try {
        for (const a of applicable) {
          if (later) {
            // Work charged later holds nothing now (its files are charged as they are read), but needs room to start.
            if (a.q.mode !== 'hard') continue;
            const held = await counters.read(a.ref);
            if (!fits(a.q, held, a.amount)) throw refusal(a.q, a.span, held, now);
            continue;
          }
          let taken: { held: number; changed: boolean };
          try {
            taken = await counters.update(a.ref, (held) => (fits(a.q, held, a.amount) ? held + a.amount : undefined), a.amount);
          } catch (err) {
            // Without its count a hard quota cannot admit anything (it fails closed); a soft one only warns.
            if (a.q.mode === 'hard') throw err;
            log.warn('a soft quota could not be counted', { quota: a.q.id, error: String(err) });
            continue;
          }
          if (!taken.changed) throw refusal(a.q, a.span, taken.held, now);
          holds.push({ ref: a.ref, amount: a.amount });
          addInFlight(a.ref, a.amount);
          const share = (taken.held + a.amount) / a.q.limit_value;
          if (share >= QUOTA_WARN_SHARE) warnings.push({ a, share });
        }
      } catch (err) {
        await chargeNow(keyId, unit, 0, holds);
        throw err;
      }
      for (const { a, share } of warnings) {
        res.setHeader(
          'X-Hearth-Quota-Warning',
          `${describe(a.q)}: ${Math.min(100, Math.round(share * 100))} % used, resets ${new Date(a.span.resetsAt).toISOString()}`,
        );
        warnOnce(a.q, a.span, share);
      }
    }
    if (later) return next();
    // The client left while the counts were read: nothing runs, nothing is charged.
    if (closed) return chargeNow(keyId, unit, 0, holds);
    res.once('close', () => void settle(res, keyId, unit, holds));
    next();
  };

  const settle = (res: Response, keyId: string, unit: BillingUnit, holds: readonly Hold[]): Promise<void> => {
    const status = res.writableFinished ? res.statusCode : 499;
    const usage = (res.locals.usage ?? {}) as { images?: number };
    const quantity = status >= 400 ? 0 : unit === 'ocr_image' ? (usage.images ?? 1) : 1;
    return chargeNow(keyId, unit, quantity, holds);
  };

  const requireKey = (id: string): void => {
    const k = keys.get(id);
    if (!k) throw new AppError('not_found', 404, `no key with id ${id}`);
    if (k.revokedAt) throw new AppError('conflict', 409, `key ${k.name} (${id}) is revoked; a quota or group for it would never apply`);
  };

  const toQuota = async (q: QuotaRow): Promise<Quota> => {
    const span = periodAt(q.period);
    const ref = refOf(q, span);
    // Away from the cluster's count, the view shows what this node knows.
    const used = await counters.read(ref).catch(() => ref.seed());
    const name = q.subject_kind === 'key' ? (keys.get(q.subject_id)?.name ?? null) : q.group_name;
    return {
      id: q.id,
      subject: { kind: q.subject_kind, id: q.subject_id, name },
      period: q.period,
      mode: q.mode,
      unit: q.unit,
      limit: q.unit ? String(q.limit_value) : fromMicros(q.limit_value),
      used: q.unit ? String(used) : fromMicros(used),
      share: q.limit_value > 0 ? Math.round((used / q.limit_value) * 1000) / 1000 : 0,
      resetsAt: new Date(span.resetsAt).toISOString(),
      createdAt: new Date(q.created_at).toISOString(),
    };
  };

  /** A price card's name on every node: its content. */
  const cardId = (value: { currency: string; effectiveFrom: number; createdAt: number; prices: string }): string =>
    sha256Hex(JSON.stringify([value.currency, value.effectiveFrom, value.createdAt, value.prices])).slice(0, 32);

  const shared = (): SharedBilling[] => {
    const groups = db.prepare('SELECT id, name, created_at FROM billing_groups ORDER BY id').all() as {
      id: string;
      name: string;
      created_at: number;
    }[];
    return [
      ...groups.map((g): SharedBilling => ({
        kind: 'group',
        id: g.id,
        value: { name: g.name, createdAt: g.created_at, keys: groupKeys(g.id) },
      })),
      ...allQuotas.map((q): SharedBilling => ({
        kind: 'quota',
        id: q.id,
        value: {
          subjectKind: q.subject_kind,
          subjectId: q.subject_id,
          period: q.period,
          mode: q.mode,
          unit: q.unit,
          limit: q.limit_value,
          createdAt: q.created_at,
        },
      })),
      ...cards.map((c): SharedBilling => {
        const value = { currency: c.currency, effectiveFrom: c.effective_from, createdAt: c.created_at, prices: c.prices };
        return { kind: 'price', id: cardId(value), value };
      }),
    ];
  };

  /** Writes a peer's group here; answers the audit action, or null when nothing changed. */
  const applyGroup = (id: string, value: Extract<SharedBilling, { kind: 'group' }>['value']): string | null => {
    const current = groupRow(id);
    if (!value) {
      if (!current) return null;
      db.transaction(() => {
        db.prepare("DELETE FROM billing_quotas WHERE subject_kind = 'group' AND subject_id = ?").run(id);
        db.prepare('DELETE FROM billing_groups WHERE id = ?').run(id);
      })();
      return 'billing.group.delete';
    }
    const keysNow = current ? groupKeys(id) : [];
    if (current?.name === value.name && JSON.stringify(keysNow) === JSON.stringify([...value.keys].sort())) return null;
    let name = value.name;
    db.transaction(() => {
      const clash = db.prepare('SELECT id FROM billing_groups WHERE name = ? AND id != ?').get(value.name, id) as
        { id: string } | undefined;
      if (clash) {
        // Two nodes gave two groups one name while apart: on every node the smaller id keeps it, the other is told
        // apart by the start of its id (a rename each node then shares like any other).
        const suffixed = (gid: string): string => `${value.name} (${gid.slice(0, 8)})`;
        if (id < clash.id) db.prepare('UPDATE billing_groups SET name = ? WHERE id = ?').run(suffixed(clash.id), clash.id);
        else name = suffixed(id);
      }
      if (current) db.prepare('UPDATE billing_groups SET name = ? WHERE id = ?').run(name, id);
      else db.prepare('INSERT INTO billing_groups (id, name, created_at) VALUES (?, ?, ?)').run(id, name, value.createdAt);
      db.prepare('DELETE FROM billing_group_keys WHERE group_id = ?').run(id);
      for (const k of new Set(value.keys)) db.prepare('INSERT INTO billing_group_keys (group_id, key_id) VALUES (?, ?)').run(id, k);
    })();
    return current ? 'billing.group.update' : 'billing.group.create';
  };

  /** Writes a peer's quota here; answers the audit action, or null when nothing changed. */
  const applyQuota = (id: string, value: Extract<SharedBilling, { kind: 'quota' }>['value']): string | null => {
    const current = allQuotas.find((q) => q.id === id);
    if (!value) {
      if (!current) return null;
      db.prepare('DELETE FROM billing_quotas WHERE id = ?').run(id);
      return 'billing.quota.delete';
    }
    const values = [value.subjectKind, value.subjectId, value.period, value.mode, value.unit, value.limit];
    if (
      current &&
      JSON.stringify([current.subject_kind, current.subject_id, current.period, current.mode, current.unit, current.limit_value]) ===
        JSON.stringify(values)
    )
      return null;
    if (current)
      db.prepare(
        'UPDATE billing_quotas SET subject_kind = ?, subject_id = ?, period = ?, mode = ?, unit = ?, limit_value = ? WHERE id = ?',
      ).run(...values, id);
    else
      db.prepare(
        'INSERT INTO billing_quotas (subject_kind, subject_id, period, mode, unit, limit_value, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(...values, id, value.createdAt);
    return current ? 'billing.quota.update' : 'billing.quota.create';
  };

  /** Adds a peer's price card here unless this node has it; answers the audit action, or null. */
  const applyCard = (value: Extract<SharedBilling, { kind: 'price' }>['value']): string | null => {
    if (
      cards.some(
        (c) =>
          cardId({ currency: c.currency, effectiveFrom: c.effective_from, createdAt: c.created_at, prices: c.prices }) === cardId(value),
      )
    )
      return null;
    db.prepare('INSERT INTO billing_price_cards (currency, effective_from, created_at, prices) VALUES (?, ?, ?, ?)').run(
      value.currency,
      value.effectiveFrom,
      value.createdAt,
      value.prices,
    );
    cards = cardRows();
    return 'billing.prices';
  };

  const range = (from?: string, to?: string): { from: string; to: string } => {
    const f = from ?? monthStart();
    const t = to ?? utcDay(Date.now());
    if (f > t) throw new AppError('invalid_query', 400, `"from" (${f}) is after "to" (${t})`);
    return { from: f, to: t };
  };

  return {
    admit,

    prices() {
      const current = cardAt(Date.now());
      return { current: current ? toCard(current) : null, cards: cards.map(toCard) };
    },

    setPrices(input, actor) {
      const effective = input.effectiveFrom ? Date.parse(input.effectiveFrom) : Date.now();
      const micros = Object.fromEntries(Object.entries(input.prices).map(([u, p]) => [u, toMicros(String(p))]));
      const info = db
        .prepare('INSERT INTO billing_price_cards (currency, effective_from, created_at, prices) VALUES (?, ?, ?, ?)')
        .run(input.currency, effective, Date.now(), JSON.stringify(micros));
      cards = cardRows();
      changed();
      // Money quotas count what charges cost; reservations made at the old price settle as charged.
      const card = cards.find((c) => c.id === Number(info.lastInsertRowid));
      if (!card) throw new AppError('internal_error', 500, 'the price card was not saved', { operational: false });
      opts.audit(actor, 'billing.prices', {
        card: card.id,
        currency: card.currency,
        effectiveFrom: new Date(effective).toISOString(),
        prices: input.prices,
      });
      return toCard(card);
    },

    groups() {
      return (
        db.prepare('SELECT id, name, created_at FROM billing_groups ORDER BY name').all() as {
          id: string;
          name: string;
          created_at: number;
        }[]
      ).map(toGroup);
    },

    saveGroup(input, actor, id) {
      input.keys.forEach(requireKey);
      const groupId = id ?? randomUUID();
      if (id && !groupRow(id)) throw new AppError('not_found', 404, `no group with id ${id}`);
      const clash = db.prepare('SELECT id FROM billing_groups WHERE name = ? AND id != ?').get(input.name, groupId);
      if (clash) throw new AppError('conflict', 409, `a group named "${input.name}" exists already`);
      db.transaction(() => {
        if (id) db.prepare('UPDATE billing_groups SET name = ? WHERE id = ?').run(input.name, id);
        else db.prepare('INSERT INTO billing_groups (id, name, created_at) VALUES (?, ?, ?)').run(groupId, input.name, Date.now());
        db.prepare('DELETE FROM billing_group_keys WHERE group_id = ?').run(groupId);
        for (const k of new Set(input.keys)) db.prepare('INSERT INTO billing_group_keys (group_id, key_id) VALUES (?, ?)').run(groupId, k);
      })();
      reloadQuotas();
      changed();
      opts.audit(actor, id ? 'billing.group.update' : 'billing.group.create', { group: groupId, name: input.name, keys: input.keys });
      const saved = groupRow(groupId);
      if (!saved) throw new AppError('internal_error', 500, 'the group was not saved', { operational: false });
      return toGroup(saved);
    },

    deleteGroup(id, actor) {
      if (!groupRow(id)) throw new AppError('not_found', 404, `no group with id ${id}`);
      db.transaction(() => {
        db.prepare("DELETE FROM billing_quotas WHERE subject_kind = 'group' AND subject_id = ?").run(id);
        db.prepare('DELETE FROM billing_groups WHERE id = ?').run(id);
      })();
      reloadQuotas();
      changed();
      opts.audit(actor, 'billing.group.delete', { group: id });
    },

    quotas() {
      return Promise.all(allQuotas.map(toQuota));
    },

    async saveQuota(input, actor, id) {
      const subject =
        'key' in input.subject ? { kind: 'key' as const, id: input.subject.key } : { kind: 'group' as const, id: input.subject.group };
      if (id && !allQuotas.some((q) => q.id === id)) throw new AppError('not_found', 404, `no quota with id ${id}`);
      if (subject.kind === 'key') requireKey(subject.id);
      else if (!groupRow(subject.id)) throw new AppError('not_found', 404, `no group with id ${subject.id}`);
      const unit = input.units !== undefined ? (input.unit ?? null) : null;
      // Two such quotas would count the same use twice on one count.
      const twin = allQuotas.find(
        (q) =>
          q.id !== id &&
          q.subject_kind === subject.kind &&
          q.subject_id === subject.id &&
          q.period === input.period &&
          q.mode === input.mode &&
          q.unit === unit,
      );
      if (twin)
        throw new AppError('conflict', 409, `${describe(twin)} ${unit ? `in ${unit}` : 'in money'} exists already; change that one`);
      const limit = input.units ?? toMicros(String(input.amount));
      const quotaId = id ?? randomUUID();
      const values = [subject.kind, subject.id, input.period, input.mode, unit, limit];
      if (id)
        db.prepare(
          'UPDATE billing_quotas SET subject_kind = ?, subject_id = ?, period = ?, mode = ?, unit = ?, limit_value = ? WHERE id = ?',
        ).run(...values, id);
      else
        db.prepare(
          'INSERT INTO billing_quotas (subject_kind, subject_id, period, mode, unit, limit_value, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(...values, quotaId, Date.now());
      reloadQuotas();
      changed();
      opts.audit(actor, id ? 'billing.quota.update' : 'billing.quota.create', {
        quota: quotaId,
        subject: `${subject.kind}:${subject.id}`,
        period: input.period,
        mode: input.mode,
        unit,
        limit: input.units ?? input.amount,
      });
      const row = allQuotas.find((q) => q.id === quotaId);
      if (!row) throw new AppError('internal_error', 500, 'the quota was not saved', { operational: false });
      return toQuota(row);
    },

    deleteQuota(id, actor) {
      const gone = db.prepare('DELETE FROM billing_quotas WHERE id = ?').run(id);
      if (gone.changes === 0) throw new AppError('not_found', 404, `no quota with id ${id}`);
      reloadQuotas();
      changed();
      opts.audit(actor, 'billing.quota.delete', { quota: id });
    },

    spend(from, to) {
      const r = range(from, to);
      const rows = ledger.rows(r.from, r.to, null);
      const perDay = new Map<string, { day: string; keyId: string; keyName: string | null; micros: number }>();
      const perKey = new Map<string, { keyId: string; keyName: string | null; micros: number; quantity: number }>();
      for (const row of rows) {
        const d = perDay.get(`${row.day}|${row.keyId}`) ?? { day: row.day, keyId: row.keyId, keyName: row.keyName, micros: 0 };
        d.micros += row.amountMicros;
        perDay.set(`${row.day}|${row.keyId}`, d);
        const k = perKey.get(row.keyId) ?? { keyId: row.keyId, keyName: row.keyName, micros: 0, quantity: 0 };
        k.micros += row.amountMicros;
        k.quantity += row.quantity;
        perKey.set(row.keyId, k);
      }
      const currency = cardAt(Date.now())?.currency ?? rows.at(-1)?.currency ?? null;
      const total = rows.reduce((n, row) => n + row.amountMicros, 0);
      return {
        currency,
        from: r.from,
        to: r.to,
        days: [...perDay.values()].map((d) => ({ day: d.day, keyId: d.keyId, keyName: d.keyName, amount: fromMicros(d.micros) })),
        top: [...perKey.values()]
          .sort((a, b) => b.micros - a.micros)
          .map((k) => ({ keyId: k.keyId, keyName: k.keyName, amount: fromMicros(k.micros), quantity: k.quantity })),
        total: currency ? roundedAmount(total, currency) : fromMicros(total),
      };
    },

    statement(q) {
      const r = range(q.from, q.to);
      let subject: Statement['subject'] = { kind: 'all', id: null, name: null };
      let keyIds: string[] | null = null;
      if (q.key) {
        const k = keys.get(q.key);
        if (!k && q.key !== OWNER_KEY_ID) throw new AppError('not_found', 404, `no key with id ${q.key}`);
        subject = { kind: 'key', id: q.key, name: k?.name ?? 'owner' };
        keyIds = [q.key];
      } else if (q.group) {
        const g = groupRow(q.group);
        if (!g) throw new AppError('not_found', 404, `no group with id ${q.group}`);
        subject = { kind: 'group', id: g.id, name: g.name };
        keyIds = groupKeys(g.id);
      }
      const rows = ledger.rows(r.from, r.to, keyIds);
      const totals = new Map<string, number>();
      for (const row of rows) totals.set(row.currency, (totals.get(row.currency) ?? 0) + row.amountMicros);
      return {
        subject,
        from: r.from,
        to: r.to,
        lines: rows.map((row) => ({
          day: row.day,
          keyId: row.keyId,
          keyName: row.keyId === OWNER_KEY_ID ? 'owner' : row.keyName,
          unit: row.unit,
          quantity: row.quantity,
          unitPrice: fromMicros(row.priceMicros),
          amount: fromMicros(row.amountMicros),
          currency: row.currency,
        })),
        totals: [...totals].map(([currency, micros]) => ({ currency, amount: roundedAmount(micros, currency), exact: fromMicros(micros) })),
        issuedAt: new Date().toISOString(),
      };
    },

    charge(keyId, unit, quantity) {
      void chargeNow(keyId ?? OWNER_KEY_ID, unit, quantity);
    },

    shared,

    applyShared(definition, actor) {
      const action =
        definition.kind === 'group'
          ? applyGroup(definition.id, definition.value)
          : definition.kind === 'quota'
            ? applyQuota(definition.id, definition.value)
            : applyCard(definition.value);
      if (!action) return;
      if (definition.kind !== 'price') reloadQuotas();
      changed();
      opts.audit(actor, action, { [definition.kind === 'price' ? 'card' : definition.kind]: definition.id, ...definition.value });
    },

    onChanged(listener) {
      events.on('changed', listener);
      return () => events.off('changed', listener);
    },

    close() {
      try {
        ledger.close();
      } catch (err) {
        log.warn('could not write the last charges', { error: String(err) });
      }
    },
  };
}
