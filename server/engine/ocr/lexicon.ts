// The English word list the look-alike corrections consult (the `word-list` package, ~275,000 lower-case
// words): a correction that turns a token into a word needs the word to exist, not a pattern that looks likely.
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

let words: Set<string> | undefined;

/** Is `token` an English word as written: lower case, Capitalised or ALL CAPS forms of a listed word. */
export function isWord(token: string): boolean {
  words ??= new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  const lower = token.toLowerCase();
  if (!words.has(lower)) return false;
  return token === lower || token === lower[0].toUpperCase() + lower.slice(1) || token === token.toUpperCase();
}
