// Natural order of item paths: numbers by value, the rest as written.
import { describe, expect, it } from 'vitest';
import { naturalKey } from './naturalKey';

const sorted = (paths: string[]): string[] =>
  [...paths].sort((a, b) => (naturalKey(a) < naturalKey(b) ? -1 : naturalKey(a) > naturalKey(b) ? 1 : 0));

describe('naturalKey', () => {
  it('puts page-2 before page-10 and keeps text order around numbers', () => {
    expect(sorted(['page-10.png', 'page-2.png', 'page-1.png', 'page-100.png', 'a/page-9.png', 'page-.png'])).toEqual([
      'a/page-9.png',
      'page-.png',
      'page-1.png',
      'page-2.png',
      'page-10.png',
      'page-100.png',
    ]);
  });

  it('compares numbers by value whatever their leading zeros, and several numbers in turn', () => {
    expect(naturalKey('img-007.png')).toBe(naturalKey('img-7.png'));
    expect(naturalKey('img-0.png')).toBe(naturalKey('img-000.png'));
    expect(sorted(['v2/p10', 'v10/p1', 'v2/p9'])).toEqual(['v2/p9', 'v2/p10', 'v10/p1']);
  });
});
