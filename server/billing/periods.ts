// Quota periods in UTC: a day or a calendar month, where each starts and when it resets.
import type { QuotaPeriod } from '../contract/billing';
import { utcDay } from '../observability/metering';

export interface PeriodSpan {
  /** First UTC day of the period, YYYY-MM-DD (the ledger's day key). */
  startDay: string;
  start: number;
  /** When the next period starts (epoch ms). */
  resetsAt: number;
}

export function periodAt(period: QuotaPeriod, t = Date.now()): PeriodSpan {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const start = period === 'day' ? Date.UTC(y, m, d.getUTCDate()) : Date.UTC(y, m, 1);
  const resetsAt = period === 'day' ? start + 86_400_000 : Date.UTC(y, m + 1, 1);
  return { startDay: utcDay(start), start, resetsAt };
}
