import { describe, expect, it } from 'vitest';
import { cer, cerChars, cerReport, levenshtein, spacedCer, spacedChars } from './cer';

describe('cer', () => {
  it('ignores whitespace and counts fullwidth forms as halfwidth', () => {
    expect(cerChars('Ａ１， b\n c')).toEqual(['A', '1', ',', 'b', 'c']);
    expect(cer('Total: 12.50', 'Ｔｏｔａｌ：１２．５０').edits).toBe(0);
  });

  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein([...'kitten'], [...'sitting'])).toBe(3);
    expect(cer('中文识别', '中文识').edits).toBe(1);
    expect(cer('abc', '').cer).toBe(1);
  });

  it('sums edits over truth characters for the overall rate, missing files count fully', () => {
    const r = cerReport({ a: 'abcd', b: 'xy', c: 'zz' }, { a: 'abce', b: 'xy' });
    expect(r.files.a.edits).toBe(1);
    expect(r.files.c.edits).toBe(2);
    expect(r.overall).toEqual({ edits: 3, chars: 8, cer: 3 / 8 });
  });

  it('with spaces counted: one space per run, none beside CJK characters', () => {
    expect(spacedChars('当前 preset 覆盖\n PP-OCRv5，文档').join('')).toBe('当前preset覆盖PP-OCRv5,文档');
    expect(spacedCer('within such NOTICE file, excluding', 'within such NOTICE file,excluding').edits).toBe(1);
    expect(spacedCer('run  npm\nbuild', 'run npm build').edits).toBe(0);
    expect(spacedCer('运行 npm 命令', '运行npm命令').edits).toBe(0);
  });
});
