import { describe, expect, it } from 'vitest';
import { fromMicros, minorDigits, roundedAmount, toMicros } from './money';

describe('money in micros', () => {
  it('reads and writes decimal prices exactly', () => {
    expect(toMicros('0.0015')).toBe(1500);
    expect(toMicros('12')).toBe(12_000_000);
    expect(toMicros('0.000001')).toBe(1);
    expect(fromMicros(1500)).toBe('0.0015');
    expect(fromMicros(12_000_000)).toBe('12.00');
    expect(fromMicros(10_000)).toBe('0.01');
  });

  it('rounds totals half up to the currency’s minor unit', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(roundedAmount(5_000, 'EUR')).toBe('0.01');
    expect(roundedAmount(4_999, 'EUR')).toBe('0.00');
    expect(roundedAmount(1_234_567, 'USD')).toBe('1.23');
    expect(roundedAmount(1_500_000, 'JPY')).toBe('2');
    // 0.0015 × 3 = 0.0045: exact in micros, whatever the number of lines.
    expect(roundedAmount(3 * toMicros('0.0015'), 'EUR')).toBe('0.00');
  });
});
