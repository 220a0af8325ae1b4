import { describe, expect, it } from 'vitest';
import { ResultCache, contentKey } from './resultCache';

describe('ResultCache', () => {
  it('keys by content and evicts the least recently used entry', () => {
    expect(contentKey(Buffer.from('abc'))).toBe(contentKey(new Uint8Array([97, 98, 99])));
    const c = new ResultCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.size]).toEqual([1, 3, 2]);
    expect([c.hits, c.misses]).toEqual([3, 1]);
  });

  it('stores nothing with capacity 0', () => {
    const c = new ResultCache<number>(0);
    c.set('a', 1);
    expect(c.get('a')).toBeUndefined();
  });
});
