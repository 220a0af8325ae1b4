// Runs of equal glyphs ("...", "--", "==", "ll", "00", "……") lose members when a crop gives CTC too few time
// steps to put a blank between two equal characters: small text upscaled to the recogniser's 48-px height puts
// dots ~1.7 steps apart, and two equal classes in a row merge into one. A line whose reading holds such a run
// (or a sign of one: a leading dash, a gap where "……" may have vanished) is read again at twice the width, and each run takes the longer count
// of the two readings; the rest of the line keeps the first reading, which the widened glyphs would not improve.
import type { OcrSession } from './pipeline';
import type { RgbImage } from '../image';
import type { DecodedText } from './ctcDecode';
import { recogniseCrops, type RecogniseOptions } from './recogniser';

/** Horizontal stretch of the second reading: ~3.5 steps per dot of an 11-px "...". */
export const RUN_STRETCH = 2;
/** Characters whose runs the second reading may lengthen. */
const RUN_CHARS = new Set([...'.-=_~*·…。l0']);
/** Punctuation that signals a possibly shortened run, and that may be put back where the first reading had none. */
const RUN_PUNCT = new Set([...'.-=_~*·…。']);
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
/** A gap between two CJK characters this many times their usual spacing may hide a dropped "……". */
const CJK_GAP = 1.7;

/**
 * Is a second, wider reading worth it: a run of two or more marks (it may have been longer), a dash or equals
 * sign opening a token ("-all" may be "--all"), or a gap between CJK characters where "……" may have vanished.
 * A lone full stop ends most sentences and is not worth a second reading of the line.
 */
export function runSuspect(d: DecodedText): boolean {
  if (!d.columnsPerStep) return false;
  const { text } = d;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (!RUN_PUNCT.has(ch)) continue;
    if (text[i + 1] === ch) return true;
    if ((ch === '-' || ch === '=') && (i === 0 || text[i - 1] === ' ')) return true;
    if (ch === '…' || ch === '·') return true;
  }
  const gaps: number[] = [];
  for (let i = 1; i < text.length; i++) {
    if (CJK.test(text[i - 1]) && CJK.test(text[i])) gaps.push(d.positions[i] - d.positions[i - 1]);
  }
  if (gaps.length < 2) return false;
  const usual = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
  return gaps.some((g) => g > CJK_GAP * usual);
}

/** Where character i of a reading sits in the crop, in columns. */
function column(d: DecodedText, i: number): number {
  return (d.positions[i] + 0.5) * d.columnsPerStep;
}

/** The longest run of `ch` among the wide reading's characters strictly between columns from and to. */
function wideRun(wide: DecodedText, ch: string | undefined, from: number, to: number): { ch: string; count: number; at: number[] } {
  let best = { ch: '', count: 0, at: [] as number[] };
  let run: { ch: string; at: number[] } | undefined;
  for (let w = 0; w < wide.text.length; w++) {
    const x = column(wide, w);
    const c = wide.text[w];
    const fits = x > from && x < to && (ch === undefined ? RUN_PUNCT.has(c) : c === ch);
    if (!fits) {
      run = undefined;
      continue;
    }
    if (!run || run.ch !== c) run = { ch: c, at: [] };
    run.at.push(x);
    if (run.at.length > best.count) best = { ch: c, count: run.at.length, at: [...run.at] };
  }
  return best;
}

/**
 * The first reading with each run of equal glyphs lengthened to the count the wide reading found between the
 * same neighbours, and runs of two or more punctuation marks the first reading lost entirely put back.
 */
export function mergeRuns(first: DecodedText, wide: DecodedText): DecodedText {
  if (!first.columnsPerStep || !wide.columnsPerStep) return first;
  const out: DecodedText = { ...first, text: '', positions: [], spaceBefore: [], prob: [], alternatives: [], held: [] };
  // Where each character of the first reading lands in the merged text, for the marks seen in gaps.
  const moved: number[] = [];
  const push = (ch: string, position: number, from: number | undefined): void => {
    out.text += ch;
    out.positions.push(position);
    out.spaceBefore.push(from === undefined ? 0 : first.spaceBefore[from]);
    out.prob.push(from === undefined ? 0 : first.prob[from]);
    out.alternatives.push(from === undefined ? [] : first.alternatives[from]);
    out.held.push(from === undefined ? 0 : first.held[from]);
  };
  const stepOf = (x: number): number => Math.max(0, Math.round(x / first.columnsPerStep - 0.5));
  const n = first.text.length;
  let i = 0;
  while (i < n) {
    const ch = first.text[i];
    if (i > 0 && first.text[i - 1] !== ' ' && ch !== first.text[i - 1]) {
      // A run the first reading lost entirely, between two neighbours it did read.
      const lost = wideRun(wide, undefined, column(first, i - 1), column(first, i));
      if (lost.count >= 2 && lost.ch !== first.text[i - 1] && lost.ch !== ch) for (const x of lost.at) push(lost.ch, stepOf(x), undefined);
    }
    let j = i;
    while (j + 1 < n && first.text[j + 1] === ch) j++;
    for (let k = i; k <= j; k++) {
      moved[k] = out.text.length;
      push(ch, first.positions[k], k);
    }
    if (RUN_CHARS.has(ch)) {
      const from = i > 0 ? column(first, i - 1) : -Infinity;
      const to = j + 1 < n ? column(first, j + 1) : Infinity;
      const found = wideRun(wide, ch, from, to);
      for (let k = j - i + 1; k < found.count; k++) push(ch, stepOf(found.at[k]), j);
    }
    i = j + 1;
  }
  out.unread = first.unread.map((u) => ({ ...u, before: moved[u.before] ?? out.text.length }));
  return out;
}

/** Reads the suspect lines again at RUN_STRETCH× width and merges the run counts into their first readings. */
export async function recoverRuns(
  session: OcrSession,
  crops: readonly RgbImage[],
  texts: DecodedText[],
  dict: readonly string[],
  opts: RecogniseOptions,
): Promise<DecodedText[]> {
  const suspects = texts.flatMap((t, i) => (runSuspect(t) ? [i] : []));
  if (suspects.length === 0) return texts;
  const wide = await recogniseCrops(
    session,
    suspects.map((i) => crops[i]),
    dict,
    { ...opts, stretch: RUN_STRETCH },
  );
  const merged = [...texts];
  suspects.forEach((i, k) => (merged[i] = mergeRuns(texts[i], wide[k])));
  return merged;
}
