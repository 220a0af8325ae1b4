// Hearth's OCR result as Umi-OCR's list of text blocks: the order its layout modes ask for, the `end` each block
// finishes with ("", " " or "\n"), ignore areas applied, and the plain text those ends spell.
import type { OcrLine, Quad } from '../../contract/ocr';
import type { IgnoreArea, UmiParser } from './options';

export interface UmiTextBlock {
  text: string;
  score: number;
  /** Clockwise from top-left: [top-left, top-right, bottom-right, bottom-left], whole pixels. */
  box: Quad;
  end: '' | ' ' | '\n';
}

/** What the layout gives for a page: its lines and, unless lines were kept as detected, its paragraphs in reading order. */
export interface LaidOutPage {
  lines: readonly OcrLine[];
  /** Paragraphs (and headings, headers, footers) as indexes into `lines`, in reading order. */
  blocks?: readonly { lines: readonly number[] }[];
}

/** Line indexes in reading order, and the paragraph each line belongs to. */
function readingOrder(page: LaidOutPage): { order: number[]; paragraphOf: Map<number, number> } {
  const paragraphOf = new Map<number, number>();
  const order: number[] = [];
  page.blocks?.forEach((b, k) =>
    b.lines.forEach((i) => {
      if (paragraphOf.has(i)) return;
      paragraphOf.set(i, k);
      order.push(i);
    }),
  );
  // Lines no block holds (or no blocks at all): each its own paragraph, in the order given.
  page.lines.forEach((_, i) => {
    if (paragraphOf.has(i)) return;
    paragraphOf.set(i, -1 - i);
    order.push(i);
  });
  return { order, paragraphOf };
}

function insideAny(box: Quad, areas: readonly IgnoreArea[]): boolean {
  return areas.some(([[left, top], [right, bottom]]) => box.every(([x, y]) => x >= left && x <= right && y >= top && y <= bottom));
}

/** Characters written without spaces between them (CJK ideographs, kana, hangul, full-width forms and CJK punctuation). */
const CLOSE_SCRIPT = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]/u;

/** How two consecutive pieces of one paragraph join: nothing between CJK, a space between words. */
function joiner(before: string, after: string): '' | ' ' {
  const last = before.at(-1) ?? '';
  const first = after[0] ?? '';
  if (!last || !first || CLOSE_SCRIPT.test(last) || CLOSE_SCRIPT.test(first)) return '';
  // A hyphen that ends a line of a paragraph joins the broken word.
  if (last === '-') return '';
  return ' ';
}

function left(box: Quad): number {
  return Math.min(box[0][0], box[3][0]);
}

function top(box: Quad): number {
  return Math.min(box[0][1], box[1][1]);
}

/** Indentation in spaces, from each line's left edge against the leftmost one, in average character widths. */
function indented(lines: readonly OcrLine[]): string[] {
  const widths = lines.filter((l) => l.text.length > 0).map((l) => (Math.max(l.box[1][0], l.box[2][0]) - left(l.box)) / l.text.length);
  const sorted = widths.sort((a, b) => a - b);
  const charWidth = sorted.length ? sorted[sorted.length >> 1] : 1;
  const margin = Math.min(...lines.map((l) => left(l.box)));
  return lines.map((l) => ' '.repeat(Math.max(0, Math.round((left(l.box) - margin) / Math.max(charWidth, 1)))) + l.text);
}

/** Umi's text blocks for a page, ordered and ended as `parser` asks. */
export function umiTextBlocks(page: LaidOutPage, parser: UmiParser, ignoreAreas: readonly IgnoreArea[]): UmiTextBlock[] {
  const laidOut = readingOrder(page);
  let order = laidOut.order.filter((i) => !insideAny(page.lines[i].box, ignoreAreas));
  const single = parser.startsWith('single_');
  if (single) {
    // One column: the page read top to bottom, whatever columns the layout saw.
    order = [...order].sort((a, b) => top(page.lines[a].box) - top(page.lines[b].box) || left(page.lines[a].box) - left(page.lines[b].box));
  }
  const lines = order.map((i) => page.lines[i]);
  const texts = parser === 'single_code' ? indented(lines) : lines.map((l) => l.text);
  const paragraph = (k: number): number | undefined => laidOut.paragraphOf.get(order[k]);
  const ends = lines.map((_, k): UmiTextBlock['end'] => {
    if (k === lines.length - 1) return '\n';
    switch (parser) {
      case 'multi_line':
      case 'single_line':
      case 'single_code':
      case 'none':
        return '\n';
      case 'multi_none':
      case 'single_none':
        return joiner(texts[k], texts[k + 1]);
      case 'multi_para':
      case 'single_para':
        return paragraph(k) === paragraph(k + 1) ? joiner(texts[k], texts[k + 1]) : '\n';
    }
  });
  return lines.map((l, k) => ({
    text: texts[k],
    score: l.confidence,
    box: l.box.map(([x, y]) => [Math.round(x), Math.round(y)]) as Quad,
    end: ends[k],
  }));
}

/** The plain text the blocks spell (Umi's `data.format: "text"`). */
export function umiText(blocks: readonly UmiTextBlock[]): string {
  return blocks.map((b) => b.text + b.end).join('');
}
