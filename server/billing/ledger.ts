// The charge ledger: what each key was charged per UTC day, unit and price card. Charges are summed in memory
// and written in one transaction every few seconds (and before any read), so billing adds no write per request.
import type { BillingUnit } from '../contract/billing';
import type { Store } from '../store';
import { startFlushLoop } from '../store/flushLoop';

export interface Charge {
  day: string;
  keyId: string;
  unit: BillingUnit;
  cardId: number;
  quantity: number;
  amountMicros: number;
}

export interface LedgerRow extends Charge {
  keyName: string | null;
  currency: string;
  /** The card's price per unit, micros. */
  priceMicros: number;
}

export interface Ledger {
  add(charge: Charge): void;
  /** Rows from `fromDay` to `toDay` inclusive for the given keys (all keys when null), flushed first. */
  rows(fromDay: string, toDay: string, keys: readonly string[] | null): LedgerRow[];
  /** Quantity (of `unit`, or all units' money when unit is null) charged to `keys` from `fromDay` on. */
  sum(fromDay: string, keys: readonly string[], unit: BillingUnit | null): number;
  flush(): void;
  close(): void;
}

export function createLedger(db: Store['db']): Ledger {
  const pending = new Map<string, Charge>();
  const upsert = db.prepare(`
    INSERT INTO billing_charges (day, key_id, unit, card_id, quantity, amount_micros) VALUES (@day, @keyId, @unit, @cardId, @quantity, @amountMicros)
    ON CONFLICT (day, key_id, unit, card_id) DO UPDATE SET quantity = quantity + excluded.quantity, amount_micros = amount_micros + excluded.amount_micros`);
  const writeAll = db.transaction((charges: Charge[]) => {
    for (const c of charges) upsert.run(c);
  });
  const selectRows = db.prepare(`
    SELECT c.day, c.key_id AS keyId, k.name AS keyName, c.unit, c.card_id AS cardId, c.quantity, c.amount_micros AS amountMicros,
           p.currency, p.prices
    FROM billing_charges c JOIN billing_price_cards p ON p.id = c.card_id LEFT JOIN api_keys k ON k.id = c.key_id
    WHERE c.day >= ? AND c.day <= ? ORDER BY c.day, c.key_id, c.unit, c.card_id`);

  const flush = (): void => {
    if (pending.size === 0) return;
    const charges = [...pending.values()];
    pending.clear();
    writeAll(charges);
  };
  const loop = startFlushLoop(flush);

  return {
    add(c) {
      const k = `${c.day}|${c.keyId}|${c.unit}|${c.cardId}`;
      const p = pending.get(k);
      if (p) {
        p.quantity += c.quantity;
        p.amountMicros += c.amountMicros;
      } else pending.set(k, { ...c });
    },
    rows(fromDay, toDay, keys) {
      flush();
      const wanted = keys ? new Set(keys) : null;
      return (selectRows.all(fromDay, toDay) as (Charge & { keyName: string | null; currency: string; prices: string })[])
        .filter((r) => !wanted || wanted.has(r.keyId))
        .map(({ prices, ...r }) => ({ ...r, priceMicros: (JSON.parse(prices) as Record<string, number>)[r.unit] ?? 0 }));
    },
    sum(fromDay, keys, unit) {
      flush();
      if (keys.length === 0) return 0;
      const marks = keys.map(() => '?').join(',');
      const column = unit ? 'quantity' : 'amount_micros';
      const row = db
        .prepare(
          `SELECT COALESCE(SUM(${column}), 0) AS total FROM billing_charges WHERE day >= ? AND key_id IN (${marks})${unit ? ' AND unit = ?' : ''}`,
        )
        .get(fromDay, ...keys, ...(unit ? [unit] : [])) as { total: number };
      return row.total;
    },
    flush,
    close: loop.close,
  };
}
