// The English word list the look-alike corrections consult (the `word-list` package, ~275,000 lower-case
// words): a correction that turns a token into a word needs the word to exist, not a pattern that looks likely.
// Words are looked up in the file's own bytes by binary search over its line offsets, collected in one
// sequential pass on first use: a Set of 275,000 strings cost the first image of every worker several times
// more (the split, the Set and their garbage). The list is sorted but for a few lines; those are kept apart.
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

export interface WordTable {
  /** The list as read: one word per line, UTF-8. */
  bytes: Uint8Array;
  /** Start offsets of the lines that are in ascending byte order, in that order (count entries used). */
  starts: Uint32Array;
  count: number;
  /** Lines that break the order (fewer than a handful in the shipped list). */
  apart: Set<string>;
}

const NEWLINE = 0x0a;
let table: WordTable | undefined;
/** Room for the UTF-8 of one token; grown when a longer one comes. */
let scratch = new Uint8Array(64);
const encoder = new TextEncoder();

/** End of the line starting at `start` (its newline, or the end of the bytes). */
function lineEnd(bytes: Uint8Array, start: number): number {
  let end = start;
  while (end < bytes.length && bytes[end] !== NEWLINE) end++;
  return end;
}

/** Byte order of a[aStart, aEnd) against b[bStart, bEnd): negative, 0 or positive. */
function compare(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i] - b[bStart + i];
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Every line of `bytes` (as split on \n): those in ascending order by offset, the others apart. */
export function buildWordTable(bytes: Uint8Array): WordTable {
  // Plain loops over the bytes: far cheaper here than a native indexOf call per line.
  let lines = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === NEWLINE) lines++;
  const starts = new Uint32Array(lines);
  const apart = new Set<string>();
  const decoder = new TextDecoder();
  let count = 0;
  let lastStart = 0;
  let lastEnd = -1;
  for (let start = 0; start <= bytes.length;) {
    const end = lineEnd(bytes, start);
    if (lastEnd < 0 || compare(bytes, start, end, bytes, lastStart, lastEnd) > 0) {
      starts[count++] = start;
      lastStart = start;
      lastEnd = end;
    } else apart.add(decoder.decode(bytes.subarray(start, end)));
    start = end + 1;
  }
  return { bytes, starts, count, apart };
}

/** Is `word` (exactly, as a whole line) in the table. */
export function inWordTable(t: WordTable, word: string): boolean {
  if (scratch.length < word.length * 3) scratch = new Uint8Array(word.length * 3);
  const n = encoder.encodeInto(word, scratch).written;
  let lo = 0;
  let hi = t.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const start = t.starts[mid];
    const d = compare(t.bytes, start, lineEnd(t.bytes, start), scratch, 0, n);
    if (d === 0) return true;
    if (d < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return t.apart.has(word);
}

/** Is `token` an English word as written: lower case, Capitalised or ALL CAPS forms of a listed word. */
export function isWord(token: string): boolean {
  table ??= buildWordTable(readFileSync(wordListPath));
  const lower = token.toLowerCase();
  if (!inWordTable(table, lower)) return false;
  return token === lower || token === lower[0].toUpperCase() + lower.slice(1) || token === token.toUpperCase();
}
