import { describe, expect, it } from 'vitest';
import { fixLetterDigits } from './letterDigitFix';

describe('fixLetterDigits', () => {
  it('reads 0 as o/O where that makes an English word of a non-word', () => {
    expect(fixLetterDigits('Reader 0rder 343783 mem0 node')).toBe('Reader order 343783 memo node');
    expect(fixLetterDigits('0ffice item, 226060r00m')).toBe('Office item, 226060r00m');
    expect(fixLetterDigits('the r00m is BL0CKED')).toBe('the room is BLOCKED');
    expect(fixLetterDigits('0pen the d0cument')).toBe('Open the document');
  });

  it('reads l and I inside numbers as 1', () => {
    expect(fixLetterDigits('south 921l.00 and l5 and 2I0')).toBe('south 9211.00 and l5 and 210');
  });

  it('leaves options, paths, versions and codes as read', () => {
    const real = [
      'du --files0-from=F',
      'wc --files0-from=list.txt',
      'find . -print0 | xargs -0 rm',
      '/dev/sda0 /usr/lib/x86_64-linux-gnu/libc.so.6',
      'A4 Win10 0x1F 0xff 20kg 2nd ll Il',
      'node v20.0.0, python3.10, v2.0, ES2020, utf8, sha256, k8s, i18n, l10n',
      'HTTP/2.0 200 OK; error E0001; RFC 7230',
      'value is null; ls -all; echo $0; rm -rf tmp0 tmp00',
      'CREATE TABLE t0 (c0 INT); SELECT col0 FROM tbl0',
      '2010-07-26 total 100.00',
      '中文0英文',
    ];
    for (const line of real) expect(fixLetterDigits(line)).toBe(line);
  });
});
