import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import { describe, expect, it } from 'vitest';
import { buildWordTable, inWordTable, isWord } from './lexicon';

const table = (lines: string[]): ReturnType<typeof buildWordTable> => buildWordTable(new TextEncoder().encode(lines.join('\n')));

describe('the word table', () => {
  it('finds exactly the lines of the shipped list, as a Set of its lines would', () => {
    const text = readFileSync(wordListPath, 'utf8');
    const words = text.split('\n');
    const set = new Set(words);
    const t = buildWordTable(readFileSync(wordListPath));
    expect(words.filter((w) => !inWordTable(t, w))).toEqual([]);
    // Neighbours of real words: prefixes, extensions, other cases; every 7th word keeps the test quick.
    const disagree: string[] = [];
    for (let i = 0; i < words.length; i += 7) {
      const w = words[i];
      for (const v of [w + 's', w + 'z', w.slice(1), w.slice(0, -1), w.toUpperCase(), `${w} ${w}`]) {
        if (set.has(v) !== inWordTable(t, v)) disagree.push(v);
      }
    }
    expect(disagree).toEqual([]);
  });

  it('finds lines that break the alphabetical order, and the lines around them', () => {
    const t = table(['apple', 'manlike', 'manlily', 'manlihood', 'manliness', 'zebra', 'aardvark', 'zoo']);
    for (const w of ['apple', 'manlike', 'manlily', 'manlihood', 'manliness', 'zebra', 'aardvark', 'zoo'])
      expect(inWordTable(t, w)).toBe(true);
    for (const w of ['', 'appl', 'apples', 'manli', 'zo', 'zooo', 'b']) expect(inWordTable(t, w)).toBe(false);
  });

  it('compares whole lines in UTF-8, so other scripts neither match nor break a lookup', () => {
    const t = table(['café', 'cafe', 'naïve', 'zz']);
    expect(inWordTable(t, 'café')).toBe(true);
    expect(inWordTable(t, 'naïve')).toBe(true);
    expect(inWordTable(t, 'caf')).toBe(false);
    expect(inWordTable(t, '文字')).toBe(false);
  });
});

describe('isWord', () => {
  it('accepts a listed word lower case, Capitalised or in capitals, and nothing else', () => {
    expect(isWord('window')).toBe(true);
    expect(isWord('Window')).toBe(true);
    expect(isWord('WINDOW')).toBe(true);
    expect(isWord('wINDOW')).toBe(false);
    expect(isWord('windowz')).toBe(false);
  });
});
