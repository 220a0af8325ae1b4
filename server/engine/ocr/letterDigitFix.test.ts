import { describe, expect, it } from 'vitest';
import { fixLetterDigits } from './letterDigitFix';

describe('fixLetterDigits', () => {
  it('reads 0 inside letter-only tokens as o/O', () => {
    expect(fixLetterDigits('Reader 0rder 343783 mem0 node')).toBe('Reader order 343783 memo node');
    expect(fixLetterDigits('0ffice item, 226060r00m')).toBe('Office item, 226060r00m');
    expect(fixLetterDigits('the r00m is BL0CKED')).toBe('the room is BLOCKED');
  });

  it('reads l and I inside numbers as 1', () => {
    expect(fixLetterDigits('south 921l.00 and l5 and 2I0')).toBe('south 9211.00 and l5 and 210');
  });

  it('leaves numbers and mixed codes alone', () => {
    expect(fixLetterDigits('2010-07-26 total 100.00 A4 Win10 0x1F 0xff 20kg 2nd ll Il')).toBe('2010-07-26 total 100.00 A4 Win10 0x1F 0xff 20kg 2nd ll Il');
    expect(fixLetterDigits('中文0英文')).toBe('中文0英文');
  });
});
