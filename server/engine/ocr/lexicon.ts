// The English word list the look-alike corrections consult (the `word-list` package, ~275,000 lower-case
// words): a correction that turns a token into a word needs the word to exist, not a pattern that looks likely.
// Words are looked up in the file's own bytes by binary search over its line offsets, collected in one
// sequential pass: a Set of 275,000 strings cost the first image of every worker several times more (the
// split, the Set and their garbage). The list is sorted but for a few lines; those are kept apart. That pass
// still costs a cold worker 50-60 ms, so its result (the word index) is kept in the engine's cache folder and
// read back by later starts (prepareWordTable).
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import wordListPath from 'word-list';
import { entryKey, frame, readAhead, readEntry, writeEntry } from '../cacheEntries';

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

/** The name the kept word index starts with, and its layout (a new one makes a new entry). */
const WORD_INDEX_STEM = 'word-list';
const INDEX_FORMAT = 'word-index@1';

/** A table as kept in the cache: count, the line starts (this machine's byte order), then the lines apart as JSON. */
function indexBytes(t: WordTable): Uint8Array {
  const apart = Buffer.from(JSON.stringify([...t.apart]));
  const out = new Uint8Array(4 + t.count * 4 + apart.length);
  new DataView(out.buffer).setUint32(0, t.count, true);
  out.set(new Uint8Array(t.starts.buffer, 0, t.count * 4), 4);
  out.set(apart, 4 + t.count * 4);
  return out;
}

/**
 * The table a kept index describes for `bytes` (copied whole: a loop over 275,000 entries would cost a cold worker
 * what the index saves), or undefined when it does not fit them. The entry's digest vouches for the rest.
 */
function tableFromIndex(bytes: Uint8Array, index: Uint8Array): WordTable | undefined {
  if (index.length < 4) return undefined;
  const count = new DataView(index.buffer, index.byteOffset, 4).getUint32(0, true);
  if (count === 0 || 4 + count * 4 > index.length) return undefined;
  const starts = new Uint32Array(count);
  new Uint8Array(starts.buffer).set(index.subarray(4, 4 + count * 4));
  if (starts[count - 1] > bytes.length) return undefined;
  try {
    const apart = JSON.parse(Buffer.from(index.subarray(4 + count * 4)).toString('utf8')) as unknown;
    if (!Array.isArray(apart) || !apart.every((w) => typeof w === 'string')) return undefined;
    return { bytes, starts, count, apart: new Set(apart) };
  } catch {
    return undefined;
  }
}

/** Starts reading the kept word index, for a thread that will soon prepare the table (cacheEntries.ts readAhead). */
export function readAheadWordIndex(cacheDir: string): Promise<void> {
  return readAhead(cacheDir, (stem, kind) => stem === WORD_INDEX_STEM && kind === 'index');
}

/**
 * Makes the table ready before the first image needs it: read back from `cacheDir` when an earlier start kept its
 * index there (named by the list file's path, size, time and inode), else built and kept there.
 */
export async function prepareWordTable(cacheDir?: string): Promise<void> {
  if (table) return;
  const bytes = await readFile(wordListPath);
  if (!cacheDir) {
    table ??= buildWordTable(bytes);
    return;
  }
  const st = await stat(wordListPath);
  const name = `${WORD_INDEX_STEM}.${entryKey(wordListPath, String(st.size), String(st.mtimeMs), String(st.ino), INDEX_FORMAT, endianness())}.index`;
  const kept = await readEntry(join(cacheDir, name));
  const fromIndex = kept && tableFromIndex(bytes, kept);
  if (table) return;
  table = fromIndex ?? buildWordTable(bytes);
  if (!fromIndex) await writeEntry(cacheDir, name, frame(indexBytes(table)));
}

/** Is `token` an English word as written: lower case, Capitalised or ALL CAPS forms of a listed word. */
export function isWord(token: string): boolean {
  table ??= buildWordTable(readFileSync(wordListPath));
  const lower = token.toLowerCase();
  if (!inWordTable(table, lower)) return false;
  return token === lower || token === lower[0].toUpperCase() + lower.slice(1) || token === token.toUpperCase();
}
