// Counted nouns: singular only for one, in both languages the console speaks.
import { describe, expect, it } from 'vitest';
import { countOf } from './plural';

describe('countOf', () => {
  it('says "1 file" and "N files" in English', () => {
    expect([0, 1, 2, 21].map((n) => countOf(n, 'file'))).toEqual(['0 files', '1 file', '2 files', '21 files']);
    expect(countOf(1, 'version')).toBe('1 version');
    expect(countOf(3, 'image')).toBe('3 images');
  });

  it('uses the measure word, never a plural, in Chinese', () => {
    expect(countOf(1, 'file', 'zh')).toBe('1 个文件');
    expect(countOf(5, 'file', 'zh')).toBe('5 个文件');
    expect(countOf(2, 'result', 'zh')).toBe('2 条结果');
  });
});
