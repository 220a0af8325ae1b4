// Money as integers: prices and amounts in micros (millionths of the currency unit), so sums are exact; decimal
// strings at the edges; rounding to the currency's minor unit (cents, or none for JPY) half up, only for totals.

export const MICROS = 1_000_000;

/** "0.0015" → 1500. The input is already validated (at most 6 decimals). */
export function toMicros(decimal: string): number {
  const [whole, fraction = ''] = decimal.split('.');
  return Number(whole) * MICROS + Number(fraction.padEnd(6, '0'));
}

/** 1500 → "0.0015": every significant digit, at least `minDecimals` places. */
export function fromMicros(micros: number, minDecimals = 2): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS);
  let fraction = String(abs % MICROS)
    .padStart(6, '0')
    .replace(/0+$/, '');
  if (fraction.length < minDecimals) fraction = fraction.padEnd(minDecimals, '0');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Decimal places of the currency's minor unit (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An exact amount rounded half up to the currency's minor unit, as a decimal string ("12.35"). */
export function roundedAmount(micros: number, currency: string): string {
  const digits = minorDigits(currency);
  const minor = Math.round(micros / (MICROS / 10 ** digits));
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
