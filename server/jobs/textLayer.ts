// The invisible text over one page of a searchable PDF: every recognised word on its own baseline, turned
// with its box and stretched (Tz) to the box's width, and the spaces between words drawn over the gaps, so a
// viewer's selection covers the words where the page shows them and copied text reads as recognised.
import {
  beginText,
  endText,
  setCharacterSqueeze,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  TextRenderingMode,
  type PDFName,
  type PDFOperator,
} from 'pdf-lib';
import type { OcrLine, Point, Quad } from '../contract/ocr';
import { ADVANCE_EM, BASELINE_SHARE, type GlyphlessFont } from './glyphlessFont';

/** Image pixel → PDF user space (points) of the page the text is laid over. */
export type ToPage = (p: Point) => Point;

/** Text drawn along one baseline, in image pixels: from `start` to `end`, `up` its height. */
interface Run {
  text: string;
  start: Point;
  end: Point;
  up: Point;
}

/** A space that has no gap to cover (words whose boxes touch) still gets this share of the text height. */
const MIN_SPACE = 0.1;

const add = (a: Point, b: Point, k = 1): Point => [a[0] + b[0] * k, a[1] + b[1] * k];
const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const len = (a: Point): number => Math.hypot(a[0], a[1]);

function runOf(text: string, q: Quad): Run {
  const [tl, tr, br, bl] = q;
  return { text, start: add(bl, sub(tl, bl), BASELINE_SHARE), end: add(br, sub(tr, br), BASELINE_SHARE), up: sub(tl, bl) };
}

/**
 * The line as runs: its words, with what separates them in the line's text (a space, or nothing between CJK
 * fragments) laid over the gap up to the next word. A line whose words do not spell its text (or that has
 * none) is one run over its box.
 */
function runsOf(line: OcrLine): Run[] {
  const whole = [runOf(line.text.trim(), line.box)];
  const words = line.words ?? [];
  if (!words.length) return whole;
  const between: string[] = [];
  let at = 0;
  for (const w of words) {
    const i = line.text.indexOf(w.text, at);
    if (i < 0 || line.text.slice(at, i).trim()) return whole;
    between.push(line.text.slice(at, i));
    at = i + w.text.length;
  }
  if (line.text.slice(at).trim()) return whole;
  const runs: Run[] = [];
  words.forEach((w, i) => {
    const run = runOf(w.text, w.box);
    runs.push(run);
    const next = words[i + 1];
    if (!next) return;
    const along = sub(run.end, run.start);
    const dir: Point = len(along) > 0 ? [along[0] / len(along), along[1] / len(along)] : [1, 0];
    const to = runOf(next.text, next.box).start;
    const gap = (to[0] - run.end[0]) * dir[0] + (to[1] - run.end[1]) * dir[1];
    const sep = between[i + 1];
    if (!sep) {
      // Fragments joined without a space: the word reaches to the next, so no reader sees a space there.
      if (gap > 0) run.end = add(run.end, dir, gap);
      return;
    }
    runs.push({ text: sep, start: run.end, end: add(run.end, dir, Math.max(gap, MIN_SPACE * len(run.up))), up: run.up });
  });
  return runs.filter((r) => r.text);
}

/** Operators drawing `lines` as invisible text in `font` (named `fontName` in the page's resources). */
export function textLayerOperators(lines: readonly OcrLine[], font: GlyphlessFont, fontName: PDFName, toPage: ToPage): PDFOperator[] {
  const ops: PDFOperator[] = [];
  for (const line of lines) {
    if (!line.text.trim()) continue;
    for (const run of runsOf(line)) {
      const o = toPage(run.start);
      const u = sub(toPage(run.end), o);
      const v = sub(toPage(add(run.start, run.up)), o);
      const width = len(u);
      const size = len(v);
      const chars = [...run.text].length;
      if (!(width > 0 && size > 0 && chars > 0)) continue;
      // Text space: x along the baseline, y up the box, one unit a point; the font size is the box height.
      ops.push(
        setTextMatrix(u[0] / width, u[1] / width, v[0] / size, v[1] / size, o[0], o[1]),
        setFontAndSize(fontName, size),
        setCharacterSqueeze((100 * width) / (chars * ADVANCE_EM * size)),
        showText(font.encode(run.text)),
      );
    }
  }
  return ops.length ? [beginText(), setTextRenderingMode(TextRenderingMode.Invisible), ...ops, endText()] : [];
}
