// Fragments that sit on one baseline become one line (a receipt's "Time:" and "18:42", a form's label and
// value, words the detector split at a wide gap), left to right; each line keeps its words with boxes.
import type { OcrLine, OcrWord } from '../../../contract/ocr';
import type { PageFrame } from './frame';
import { heightOf, joinText, rectQuad, type Item } from './items';

export interface Row {
  items: Item[];
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Same baseline: centres within 0.5 of the smaller height and heights within 2× of each other (a heading and
 * the body text beside it are not one line).
 */
function sameRow(row: Row, it: Item): boolean {
  // A block laid out apart (a ruled table, vertical text) is a row of its own.
  if (it.aside !== undefined || row.items[0].aside !== undefined) return false;
  const h = Math.min(heightOf(row), heightOf(it));
  const big = Math.max(heightOf(row), heightOf(it));
  const dv = Math.abs((row.top + row.bottom) / 2 - (it.top + it.bottom) / 2);
  return dv < 0.5 * h && big < 2 * h;
}

/** Groups items into rows, top to bottom; the items of a row left to right. */
export function groupRows(items: readonly Item[]): Row[] {
  const rows: Row[] = [];
  for (const it of [...items].sort((a, b) => a.top + a.bottom - b.top - b.bottom)) {
    // The nearest row by centre that accepts the item (the last rows are the likeliest).
    let best: Row | undefined;
    let bestDv = Infinity;
    for (const row of rows) {
      if (!sameRow(row, it)) continue;
      const dv = Math.abs(row.top + row.bottom - it.top - it.bottom);
      if (dv < bestDv) [best, bestDv] = [row, dv];
    }
    if (best) {
      best.items.push(it);
      best.left = Math.min(best.left, it.left);
      best.right = Math.max(best.right, it.right);
      best.top = Math.min(best.top, it.top);
      best.bottom = Math.max(best.bottom, it.bottom);
    } else {
      rows.push({ items: [it], left: it.left, top: it.top, right: it.right, bottom: it.bottom });
    }
  }
  for (const row of rows) row.items.sort((a, b) => a.left - b.left);
  return rows.sort((a, b) => a.top + a.bottom - b.top - b.bottom);
}

/**
 * The words of one fragment: split at spaces, each given the stretch of the fragment its characters take
 * (characters counted as equally wide; the recogniser's own alignment is not kept past decoding).
 */
function wordsOf(it: Item, frame: PageFrame): OcrWord[] {
  const words: OcrWord[] = [];
  const n = it.text.length;
  if (!n) return words;
  const step = (it.right - it.left) / n;
  for (const m of it.text.matchAll(/\S+/gu)) {
    const from = m.index ?? 0;
    words.push({
      text: m[0],
      confidence: it.confidence,
      box: rectQuad({ left: it.left + from * step, right: it.left + (from + m[0].length) * step, top: it.top, bottom: it.bottom }, frame),
    });
  }
  return words;
}

/**
 * One output line from a row: text joined left to right, confidence weighted by text length. A lone fragment
 * keeps the detector's quad when `detectorBox` (an unturned page, where that quad's corner order already
 * starts at the text's top-left).
 */
export function rowLine(row: Row, frame: PageFrame, detectorBox: boolean): OcrLine {
  let text = '';
  let weighted = 0;
  let chars = 0;
  for (const it of row.items) {
    text = joinText(text, it.text);
    weighted += it.confidence * it.text.length;
    chars += it.text.length;
  }
  return {
    text,
    confidence: Math.round((chars ? weighted / chars : 0) * 1e4) / 1e4,
    box: detectorBox && row.items.length === 1 ? row.items[0].box : rectQuad(row, frame),
    words: row.items.flatMap((it) => wordsOf(it, frame)),
    ...(row.items.every((it) => it.textLayer) ? { textLayer: true } : {}),
  };
}
