// Lines of one region become blocks: a new block starts at a gap clearly wider than the line spacing or where
// the text size changes; larger-than-body text is a heading; a lone line at the very top or bottom of a page
// with more blocks is a running header or footer. Block text joins its lines into running text.
import type { OcrBlockKind, OcrLine } from '../../../contract/ocr';
import { heightOf, joinText, median } from './items';
import type { Row } from './rows';
import { findTables } from './tables';

export interface RowBlock {
  kind: OcrBlockKind;
  rows: Row[];
  column: number;
  cells?: string[][];
  /** Lines laid out already, one per row (a vertical block's columns); otherwise each row makes a line. */
  lines?: OcrLine[];
}

/** A block laid out apart from the page's rows, placed in reading order where the item standing for it falls. */
export type Aside = Omit<RowBlock, 'column'>;

/** A gap between lines wider than this many line heights always parts paragraphs. */
const PARAGRAPH_GAP = 0.9;
/** … and one this many times the region's usual line gap does too. */
const GAP_FACTOR = 2;
/** Lines whose heights differ by more than this share are different text sizes. */
const SIZE_STEP = 0.25;
/** Text this much taller than the page's body text is a heading. */
const HEADING_SIZE = 1.25;
/** Running headers and footers sit within this share of the page height from its edge. */
const MARGIN_SHARE = 0.08;

/**
 * A region's rows as blocks: the blocks laid out apart (rows standing for one of `asides`), and in the rows
 * between them the tables of aligned cells and paragraphs.
 */
export function regionBlocks(rows: readonly Row[], column: number, asides: readonly Aside[] = []): RowBlock[] {
  const blocks: RowBlock[] = [];
  let from = 0;
  rows.forEach((row, i) => {
    const k = row.items[0].aside;
    if (k === undefined) return;
    blocks.push(...unruledBlocks(rows.slice(from, i), column));
    blocks.push({ ...asides[k], column });
    from = i + 1;
  });
  blocks.push(...unruledBlocks(rows.slice(from), column));
  return blocks;
}

function unruledBlocks(rows: readonly Row[], column: number): RowBlock[] {
  const blocks: RowBlock[] = [];
  let at = 0;
  for (const t of findTables(rows)) {
    blocks.push(...paragraphs(rows.slice(at, t.from), column));
    blocks.push({ kind: 'table', rows: rows.slice(t.from, t.to), column, cells: t.cells });
    at = t.to;
  }
  blocks.push(...paragraphs(rows.slice(at), column));
  return blocks;
}

function paragraphs(rows: readonly Row[], column: number): RowBlock[] {
  const gapsBetween = rows.slice(1).map((r, i) => r.top - rows[i].bottom);
  const usual = rows.length >= 3 ? median(gapsBetween) : Infinity;
  const blocks: RowBlock[] = [];
  rows.forEach((row, i) => {
    const prev = rows[i - 1];
    let fresh = !prev;
    if (prev) {
      const h = Math.min(heightOf(prev), heightOf(row));
      const gap = row.top - prev.bottom;
      const sizeChange = Math.abs(heightOf(prev) - heightOf(row)) > SIZE_STEP * Math.max(heightOf(prev), heightOf(row));
      fresh = gap > PARAGRAPH_GAP * h || gap > GAP_FACTOR * Math.max(usual, 0.1 * h) || sizeChange;
    }
    if (fresh) blocks.push({ kind: 'paragraph', rows: [], column });
    blocks[blocks.length - 1].rows.push(row);
  });
  return blocks;
}

/** Names headings, headers and footers among the page's blocks (already in reading order). */
export function classifyBlocks(blocks: RowBlock[], pageTop: number, pageBottom: number): void {
  // Vertical text (its rows are columns) is neither heading, header nor footer, nor a measure of the body size.
  const rowed = (b: RowBlock): boolean => b.kind !== 'table' && !b.lines;
  const body = median(blocks.filter((b) => !b.lines).flatMap((b) => b.rows.map(heightOf)));
  for (const b of blocks) {
    if (rowed(b) && b.rows.length <= 3 && median(b.rows.map(heightOf)) >= HEADING_SIZE * body) b.kind = 'heading';
  }
  if (blocks.length < 3) return;
  const span = pageBottom - pageTop;
  const lone = (b: RowBlock): boolean => rowed(b) && b.rows.length === 1 && heightOf(b.rows[0]) <= HEADING_SIZE * body;
  const first = blocks.reduce((a, b) => (b.rows[0].top < a.rows[0].top ? b : a));
  const last = blocks.reduce((a, b) => (b.rows[b.rows.length - 1].bottom > a.rows[a.rows.length - 1].bottom ? b : a));
  if (lone(first) && first.rows[0].bottom - pageTop <= MARGIN_SHARE * span) first.kind = 'header';
  if (last !== first && lone(last) && pageBottom - last.rows[0].top <= MARGIN_SHARE * span) last.kind = 'footer';
}

/** The block's running text: lines joined by a space (none between CJK), a word hyphenated at a line end rejoined. */
export function blockText(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (/[a-z]-$/u.test(text) && /^[a-z]/u.test(line)) text = text.slice(0, -1) + line;
    else text = joinText(text, line);
  }
  return text;
}
