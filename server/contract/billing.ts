// Billing for a team node: price cards, key groups, quotas, spend and statements (admin scope). Money is kept in
// millionths of a currency unit ("micros") so that every sum is exact; answers also give decimal strings.
import { z } from 'zod';

/** What is charged for, one price each. */
export const BILLING_UNITS = ['ocr_image', 'pdf_page', 'classification', 'inference', 'training_minute'] as const;
export type BillingUnit = (typeof BILLING_UNITS)[number];

export const QUOTA_PERIODS = ['day', 'month'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

export const QUOTA_MODES = ['soft', 'hard'] as const;
export type QuotaMode = (typeof QUOTA_MODES)[number];

/** Share of a quota at which it warns (a response header, the console, one audit entry per period). */
export const QUOTA_WARN_SHARE = 0.8;

/** Currencies the runtime knows (ISO 4217), so a typo is refused rather than billed. */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

/** A price as people write it: a non-negative decimal with at most 6 places, e.g. "0.0015" (a number is taken too). */
export const priceSchema = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? v.toFixed(6).replace(/\.?0+$/, '') : v.trim()))
  .refine((v) => !v.startsWith('-'), 'a price cannot be negative')
  .refine((v) => /^\d{1,9}(\.\d{1,6})?$/.test(v), 'a price is a decimal number with at most 6 places, e.g. "0.0015"');

export const priceCardInputSchema = z.object({
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCurrency, 'not a currency this node knows; use an ISO 4217 code such as EUR, USD or CNY'),
  /** When the prices take effect (ISO date/time); now when left out. Earlier charges keep the prices they had. */
  effectiveFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  prices: z.partialRecord(z.enum(BILLING_UNITS), priceSchema).refine((p) => Object.keys(p).length > 0, 'give at least one price'),
});
export type PriceCardInput = z.input<typeof priceCardInputSchema>;

export const priceCardSchema = z.object({
  id: z.number().int(),
  currency: z.string(),
  effectiveFrom: z.string(),
  createdAt: z.string(),
  /** Decimal price per unit; units not listed cost nothing. */
  prices: z.partialRecord(z.enum(BILLING_UNITS), z.string()),
});
export type PriceCard = z.infer<typeof priceCardSchema>;

export const priceCardsSchema = z.object({
  /** The card in effect now (null before any price was set). */
  current: priceCardSchema.nullable(),
  /** Every card, newest effective date first. */
  cards: z.array(priceCardSchema),
});
export type PriceCards = z.infer<typeof priceCardsSchema>;

export const groupInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  keys: z.array(z.string().min(1)).default([]),
});
export type GroupInput = z.input<typeof groupInputSchema>;

export const groupSchema = z.object({ id: z.string(), name: z.string(), keys: z.array(z.string()), createdAt: z.string() });
export type BillingGroup = z.infer<typeof groupSchema>;
export const groupListSchema = z.object({ groups: z.array(groupSchema) });

export const quotaInputSchema = z
  .object({
    subject: z.union([z.object({ key: z.string().min(1) }), z.object({ group: z.string().min(1) })]),
    period: z.enum(QUOTA_PERIODS),
    mode: z.enum(QUOTA_MODES),
    /** A cap in units of one kind… */
    unit: z.enum(BILLING_UNITS).optional(),
    units: z.number().int().positive().optional(),
    /** …or in money, in the price card's currency. */
    amount: priceSchema.optional(),
  })
  .refine((q) => (q.units !== undefined) !== (q.amount !== undefined), 'give either "units" (with "unit") or "amount"')
  .refine((q) => q.units === undefined || q.unit !== undefined, 'a cap in units names its "unit"');
export type QuotaInput = z.input<typeof quotaInputSchema>;

export const quotaSchema = z.object({
  id: z.string(),
  subject: z.object({ kind: z.enum(['key', 'group']), id: z.string(), name: z.string().nullable() }),
  period: z.enum(QUOTA_PERIODS),
  mode: z.enum(QUOTA_MODES),
  unit: z.enum(BILLING_UNITS).nullable(),
  /** The cap: units, or a decimal amount of money. */
  limit: z.string(),
  /** Used in the current period, same measure as the limit. */
  used: z.string(),
  share: z.number(),
  resetsAt: z.string(),
  createdAt: z.string(),
});
export type Quota = z.infer<typeof quotaSchema>;
export const quotaListSchema = z.object({ quotas: z.array(quotaSchema) });

export const spendQuerySchema = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

export const spendSchema = z.object({
  currency: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  /** Per UTC day and key: the amount charged (decimal). */
  days: z.array(z.object({ day: z.string(), keyId: z.string(), keyName: z.string().nullable(), amount: z.string() })),
  /** Keys by total spend, highest first. */
  top: z.array(z.object({ keyId: z.string(), keyName: z.string().nullable(), amount: z.string(), quantity: z.number().int() })),
  total: z.string(),
});
export type Spend = z.infer<typeof spendSchema>;

export const statementQuerySchema = z
  .object({
    key: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    format: z.enum(['json', 'csv', 'html']).optional(),
  })
  .refine((q) => !(q.key && q.group), 'ask for one key or one group, not both');

export const statementLineSchema = z.object({
  day: z.string(),
  keyId: z.string(),
  keyName: z.string().nullable(),
  unit: z.enum(BILLING_UNITS),
  quantity: z.number().int(),
  /** Decimal price per unit charged at the time of use. */
  unitPrice: z.string(),
  amount: z.string(),
  currency: z.string(),
});
export type StatementLine = z.infer<typeof statementLineSchema>;

export const statementSchema = z.object({
  subject: z.object({ kind: z.enum(['all', 'key', 'group']), id: z.string().nullable(), name: z.string().nullable() }),
  from: z.string(),
  to: z.string(),
  lines: z.array(statementLineSchema),
  /** One total per currency, rounded to the currency's minor unit (cents), half up. */
  totals: z.array(z.object({ currency: z.string(), amount: z.string(), exact: z.string() })),
  issuedAt: z.string(),
});
export type Statement = z.infer<typeof statementSchema>;
