// Billing tables: price cards, key groups, quotas and the charge ledger (versions 300–399).
import type { Migration } from './index';

export const billingMigrations: Migration[] = [
  {
    version: 300,
    name: 'billing: price cards, groups, quotas, charges',
    sql: `
      CREATE TABLE billing_price_cards (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        currency TEXT NOT NULL,
        -- Epoch ms from which the card's prices apply; charges record the card they were made at.
        effective_from INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        -- JSON: unit -> price in micros (millionths of the currency unit).
        prices TEXT NOT NULL
      );
      CREATE INDEX billing_price_cards_effective ON billing_price_cards (effective_from);
      CREATE TABLE billing_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE billing_group_keys (
        group_id TEXT NOT NULL REFERENCES billing_groups (id) ON DELETE CASCADE,
        key_id TEXT NOT NULL,
        PRIMARY KEY (group_id, key_id)
      );
      CREATE TABLE billing_quotas (
        id TEXT PRIMARY KEY,
        subject_kind TEXT NOT NULL CHECK (subject_kind IN ('key', 'group')),
        subject_id TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('day', 'month')),
        mode TEXT NOT NULL CHECK (mode IN ('soft', 'hard')),
        -- A unit cap names its unit; a money cap has none and counts micros.
        unit TEXT,
        limit_value INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE billing_charges (
        day TEXT NOT NULL,
        key_id TEXT NOT NULL,
        unit TEXT NOT NULL,
        card_id INTEGER NOT NULL,
        quantity INTEGER NOT NULL,
        amount_micros INTEGER NOT NULL,
        PRIMARY KEY (day, key_id, unit, card_id)
      );
      -- Warnings given, so a soft quota warns once per period.
      CREATE TABLE billing_quota_warnings (
        quota_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (quota_id, period_start)
      );
    `,
  },
  {
    version: 301,
    name: 'billing: what this node shares with its cluster',
    sql: `
      -- One row per key, group, quota or price card as the cluster shares it (billing/sharedDefinitions.ts): the
      -- revision of its last change (time, then node id), what its content was then, and whether NATS has it.
      CREATE TABLE shared_definitions (
        entry TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        node TEXT NOT NULL,
        digest TEXT NOT NULL,
        shared INTEGER NOT NULL
      );
    `,
  },
];
