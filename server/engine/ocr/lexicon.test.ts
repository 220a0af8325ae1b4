import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wordListPath from 'word-list';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { frame } from '../cacheEntries';
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

describe('the kept word index', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-words-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh copy of the module (no table yet), as a new worker thread has. */
  let copies = 0;
  const fresh = (): Promise<typeof import('./lexicon')> => import(`./lexicon?copy=${copies++}`) as Promise<typeof import('./lexicon')>;
  const entry = (): string => join(dir, readdirSync(dir).find((f) => /^word-list\.[0-9a-f]{64}\.index$/.test(f)) ?? 'missing');

  it('is built and kept on a first start, and read back (not rebuilt) by the next', async () => {
    const first = await fresh();
    await first.prepareWordTable(dir);
    expect(first.isWord('window')).toBe(true);
    expect(existsSync(entry())).toBe(true);

    // An index that lists only the first line, with a valid digest: a start that reads it knows no other word.
    const only = Buffer.alloc(4 + 4 + 2);
    only.writeUInt32LE(1, 0);
    only.writeUInt32LE(0, 4);
    only.write('[]', 8);
    writeFileSync(entry(), Buffer.concat(frame(only)));
    const second = await fresh();
    await second.prepareWordTable(dir);
    expect(second.isWord('window')).toBe(false);
  });

  it('is rebuilt when the kept one is damaged', async () => {
    await (await fresh()).prepareWordTable(dir);
    const bytes = readFileSync(entry());
    bytes[100] ^= 0xff;
    writeFileSync(entry(), bytes);
    const next = await fresh();
    await next.prepareWordTable(dir);
    expect(next.isWord('window')).toBe(true);
    expect(next.isWord('windowz')).toBe(false);
    expect(readFileSync(entry()).equals(bytes)).toBe(false);
  });
});
