import { describe, expect, it } from 'vitest';
import { ctcDecode } from './ctcDecode';

describe('ctcDecode', () => {
  it('merges repeats, drops blanks, keeps a repeat split by a blank, averages kept probabilities', () => {
    const dict = ['', 'a', 'b', ' '];
    // steps: a a _ a b b _ ' ' b
    const best = [1, 1, 0, 1, 2, 2, 0, 3, 2];
    const probs = new Float32Array(best.length * dict.length);
    best.forEach((c, t) => {
      for (let k = 0; k < dict.length; k++) probs[t * dict.length + k] = k === c ? 0.8 : 0.2 / 3;
    });
    const d = ctcDecode(probs, 0, best.length, dict.length, dict);
    expect(d.text).toBe('aab b');
    expect(d.confidence).toBeCloseTo(0.8, 5);
    expect(d.positions).toEqual([0, 3, 4, 7, 8]);
  });
});
