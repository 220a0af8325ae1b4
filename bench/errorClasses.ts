// Sorts each character edit between truth and reading into a class, so the bench can show where errors come
// from: "repeats" (a member of a run of equal characters lost or added: "..." → "..", "--all" → "-all"),
// "look-alikes" (one glyph read as a similar one: l/I/|/1, 0/O/o, c/C, {/(, }/]) and "other".
import { LOOK_ALIKE_GROUPS } from '../server/engine/ocr/lookAlikes';
import { cerChars, spacedCer } from '../server/testkit/cer';

export const ERROR_CLASSES = ['repeats', 'look-alikes', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];
export type ClassEdits = Record<ErrorClass, number>;

/** The engine's look-alike groups plus punctuation pairs (after NFKC, so fullwidth forms are already folded). */
const LOOK_ALIKES = [...LOOK_ALIKE_GROUPS, "'`‘’", '"“”', ':;', ',.', '-_~—–'];

function lookAlike(a: string, b: string): boolean {
  return LOOK_ALIKES.some((g) => g.includes(a) && g.includes(b));
}

/** The edits turning the reading into the truth (whitespace ignored, NFKC, as CER counts them), by class. */
export function classifyEdits(truth: string, predicted: string): ClassEdits {
  const t = cerChars(truth);
  const p = cerChars(predicted);
  const rows = t.length + 1;
  const cols = p.length + 1;
  const d = new Uint32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const sub = d[(i - 1) * cols + j - 1] + (t[i - 1] === p[j - 1] ? 0 : 1);
      d[i * cols + j] = Math.min(sub, d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1);
    }
  }
  const out: ClassEdits = { repeats: 0, 'look-alikes': 0, other: 0 };
  let i = t.length;
  let j = p.length;
  while (i > 0 || j > 0) {
    const here = d[i * cols + j];
    if (i > 0 && j > 0 && here === d[(i - 1) * cols + j - 1] + (t[i - 1] === p[j - 1] ? 0 : 1)) {
      if (t[i - 1] !== p[j - 1]) out[lookAlike(t[i - 1], p[j - 1]) ? 'look-alikes' : 'other']++;
      i--;
      j--;
    } else if (i > 0 && here === d[(i - 1) * cols + j] + 1) {
      // A truth character the reading lacks: a repeat when it is one of a run.
      out[t[i - 2] === t[i - 1] || t[i] === t[i - 1] ? 'repeats' : 'other']++;
      i--;
    } else {
      // A character the reading added: a repeat when it doubles a neighbour.
      out[p[j - 2] === p[j - 1] || p[j] === p[j - 1] ? 'repeats' : 'other']++;
      j--;
    }
  }
  return out;
}

/** Edits per class summed over a set; a file the contender did not answer counts as read empty. */
export function setClassEdits(truth: Record<string, string>, texts: Record<string, string | undefined>): ClassEdits {
  const sum: ClassEdits = { repeats: 0, 'look-alikes': 0, other: 0 };
  for (const [file, text] of Object.entries(truth)) {
    const e = classifyEdits(text, texts[file] ?? '');
    for (const c of ERROR_CLASSES) sum[c] += e[c];
  }
  return sum;
}

/**
 * One line per contender that returned texts: CER overall, the share of it each class makes up, CER per
 * category of the set (language), all in % of the truth characters, and CER with word spaces counted.
 */
export function classLines(
  rows: ReadonlyArray<{ name: string; texts?: Record<string, string | undefined> }>,
  truth: Record<string, string>,
  categories: Record<string, string>,
): string[] {
  const chars = (files: string[]): number => files.reduce((s, f) => s + cerChars(truth[f]).length, 0);
  const files = Object.keys(truth);
  const groups = [...new Set(files.map((f) => categories[f]).filter((c): c is string => c !== undefined))].sort();
  const pct = (e: number, c: number): string => `${((100 * e) / Math.max(1, c)).toFixed(2)}`;
  const header = ['contender', 'CER %', ...ERROR_CLASSES.map((c) => `${c} %`), ...groups.map((g) => `${g} %`), 'with spaces %'];
  const body = rows.flatMap((r) => {
    if (!r.texts) return [];
    const texts = r.texts;
    const e = setClassEdits(truth, texts);
    const total = ERROR_CLASSES.reduce((s, c) => s + e[c], 0);
    const perGroup = groups.map((g) => {
      const inGroup = files.filter((f) => categories[f] === g);
      const ge = setClassEdits(Object.fromEntries(inGroup.map((f) => [f, truth[f]])), texts);
      return pct(
        ERROR_CLASSES.reduce((s, c) => s + ge[c], 0),
        chars(inGroup),
      );
    });
    const spaced = files.reduce(
      (sum, f) => {
        const score = spacedCer(truth[f], texts[f] ?? '');
        return { edits: sum.edits + score.edits, chars: sum.chars + score.chars };
      },
      { edits: 0, chars: 0 },
    );
    return [
      [
        r.name,
        pct(total, chars(files)),
        ...ERROR_CLASSES.map((c) => pct(e[c], chars(files))),
        ...perGroup,
        pct(spaced.edits, spaced.chars),
      ],
    ];
  });
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((row) => [...row[i]].length)));
  return all.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
}
