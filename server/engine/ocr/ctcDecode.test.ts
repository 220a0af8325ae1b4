import { describe, expect, it } from 'vitest';
import { ctcDecode } from './ctcDecode';

describe('ctcDecode', () => {
  it('merges repeats, drops blanks, keeps a repeat split by a blank, averages kept probabilities', () => {
    const dict = ['', 'a', 'b', ' ', 'c'];
    // steps: a a _ a b b _ ' ' b; each step's runners-up: c and the blank
    const best = [1, 1, 0, 1, 2, 2, 0, 3, 2];
    const second = [4, 4, 1, 4, 4, 0, 2, 0, 4];
    const secondProb = [0.1, 0.15, 0.1, 0.05, 0.02, 0.1, 0.1, 0.1, 0.12];
    const steps = {
      k: 2,
      classes: BigInt64Array.from(best.flatMap((b, t) => [BigInt(b), BigInt(second[t])])),
      probs: best.flatMap((_, t) => [0.8, secondProb[t]]),
      space: best.map((c) => (c === 3 ? 0.8 : 0.05)),
    };
    const d = ctcDecode(steps, 0, best.length, dict);
    expect(d.text).toBe('aab b');
    expect(d.confidence).toBeCloseTo(0.8, 5);
    expect(d.positions).toEqual([0, 3, 4, 7, 8]);
    // The space class's probability since the previous character, per character.
    expect(d.spaceBefore).toEqual([0.05, 0.05, 0.05, 0.8, 0.05].map((p) => expect.closeTo(p, 6)));
    // Runners-up over each character's steps, the blank left out, at their highest probability there.
    expect(d.alternatives.map((a) => a.map((x) => `${x.text}${x.prob}`).join())).toEqual(['c0.15', 'c0.05', 'c0.02', '', 'c0.12']);
    expect(d.prob).toEqual([0.8, 0.8, 0.8, 0.8, 0.8]);
    expect(d.held).toEqual([2, 1, 2, 1, 1]);
    // At blank steps, a likely runner-up is kept as a mark the model did not emit (the 'a' at step 2, the 'b' at 6).
    expect(d.unread).toEqual([
      { text: 'a', prob: 0.1, before: 1, step: 2 },
      { text: 'b', prob: 0.1, before: 3, step: 6 },
    ]);
  });
});
