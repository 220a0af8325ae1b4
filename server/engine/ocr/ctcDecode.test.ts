import { describe, expect, it } from 'vitest';
import { ctcDecode } from './ctcDecode';

describe('ctcDecode', () => {
  it('merges repeats, drops blanks, keeps a repeat split by a blank, averages kept probabilities', () => {
    const dict = ['', 'a', 'b', ' '];
    // steps: a a _ a b b _ ' ' b
    const best = [1, 1, 0, 1, 2, 2, 0, 3, 2];
    const steps = { best: BigInt64Array.from(best.map(BigInt)), prob: best.map(() => 0.8), space: best.map((c) => (c === 3 ? 0.8 : 0.05)) };
    const d = ctcDecode(steps, 0, best.length, dict);
    expect(d.text).toBe('aab b');
    expect(d.confidence).toBeCloseTo(0.8, 5);
    expect(d.positions).toEqual([0, 3, 4, 7, 8]);
    // The space class's probability since the previous character, per character.
    expect(d.spaceBefore).toEqual([0.05, 0.05, 0.05, 0.8, 0.05].map((p) => expect.closeTo(p, 6)));
  });
});
