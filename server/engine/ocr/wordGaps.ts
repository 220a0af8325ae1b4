// Puts back word spaces the Chinese-trained recogniser often drops between Latin words: where two
// neighbouring non-CJK characters are separated in the crop by a clear ink-free gap (wider than a fraction
// of the glyphs' height), or the recogniser gave a space some probability between them, a space goes there.
import type { RgbImage } from '../image';
import type { DecodedText } from './ctcDecode';
import { inkMask } from './ink';

/**
 * Gap (in units of the inked height: cap/ascender to baseline or descender, ~0.7–1 em) that separates
 * words: a word space plus side bearings is ~0.45 em, letters sit ~0.1–0.2 em apart.
 */
export const GAP_RATIO = 0.45;

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/u;
/** English puts no space before closing punctuation or after an opening bracket, whatever the gap. */
const NO_SPACE_BEFORE = /[,.:;!?%)\]}]/u;
const NO_SPACE_AFTER = /[([{$]/u;
/** Digits and numeric punctuation carry wide side bearings ("1", "-", "."), so pairs of them need a wider gap. */
const NUMERIC = /[0-9.,:\-/]/u;
const DIGIT_GAP_RATIO = 0.65;
/**
 * A space probability this high anywhere between two characters is the recogniser seeing a word break it
 * did not dare to emit (on two rendered sets: English CER with spaces counted 1.3 % → 0.2 %, no extra spaces).
 */
export const SPACE_VOTE = 0.08;

/** Per column of the crop: does it hold ink (at least two ink pixels)? And how tall is the ink? */
function inkProfile(crop: RgbImage): { columns: Uint8Array; inkHeight: number } {
  const { ink, width, height } = inkMask(crop);
  // Ignore the top and bottom margins, where a neighbouring line can reach into the crop.
  const y0 = Math.floor(height * 0.12);
  const y1 = Math.ceil(height * 0.88);
  const columns = new Uint8Array(width);
  const rows = new Uint32Array(height);
  for (let x = 0; x < width; x++) {
    let count = 0;
    for (let y = y0; y < y1; y++) {
      if (ink[y * width + x]) {
        count++;
        rows[y]++;
      }
    }
    columns[x] = count >= 2 ? 1 : 0;
  }
  let top = -1;
  let bottom = -1;
  for (let y = y0; y < y1; y++) {
    if (rows[y] >= 2) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  return { columns, inkHeight: top < 0 ? height : bottom - top + 1 };
}

export function restoreWordSpaces(crop: RgbImage, decoded: DecodedText): string {
  const { text, positions, columnsPerStep } = decoded;
  if (text.length < 2 || !columnsPerStep || positions.length !== text.length) return text;
  let ink: { columns: Uint8Array; inkHeight: number } | undefined;
  // Ink gaps are measured only where the recogniser wrote no space at all in the line: when it does write
  // spaces it finds word breaks well, and crops of tightly set lines carry a neighbour's ascenders and
  // descenders that fake gaps ("Smal l").
  const useGaps = !text.includes(' ');
  let out = text[0];
  for (let i = 1; i < text.length; i++) {
    const a = text[i - 1];
    const b = text[i];
    if (a !== ' ' && b !== ' ' && !CJK.test(a) && !CJK.test(b) && !NO_SPACE_BEFORE.test(b) && !NO_SPACE_AFTER.test(a)) {
      if ((decoded.spaceBefore[i] ?? 0) >= SPACE_VOTE) {
        out += ' ' + b;
        continue;
      }
      if (!useGaps) {
        out += b;
        continue;
      }
      ink ??= inkProfile(crop);
      const from = Math.max(0, Math.floor(positions[i - 1] * columnsPerStep));
      const to = Math.min(crop.width, Math.ceil((positions[i] + 1) * columnsPerStep));
      let run = 0;
      let longest = 0;
      for (let x = from; x < to; x++) {
        run = ink.columns[x] ? 0 : run + 1;
        if (run > longest) longest = run;
      }
      const ratio = NUMERIC.test(a) && NUMERIC.test(b) ? DIGIT_GAP_RATIO : GAP_RATIO;
      if (longest >= ratio * ink.inkHeight) out += ' ';
    }
    out += b;
  }
  return out;
}
