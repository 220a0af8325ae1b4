// Page layout after recognition: fragments → lines (one per baseline) → blocks (paragraphs, headings,
// running headers and footers) in columns → reading order, with every box back in image pixels.
import type { LayoutMode, OcrBlock, OcrLine, Rotation } from '../../../contract/ocr';
import { blockText, classifyBlocks, regionBlocks, type Aside, type RowBlock } from './blocks';
import { splitRegions } from './columns';
import { pageFrame, type PageFrame } from './frame';
import { toItems, rectQuad, type Fragment, type Item } from './items';
import { groupRows, rowLine, type Row } from './rows';
import { ruledTables } from './ruledTables';
import { verticalBlocks } from './vertical';
import type { Rules } from '../rules';

export type { Fragment } from './items';

export interface PageLayout {
  lines: OcrLine[];
  /** Absent in `lines` mode. */
  blocks?: OcrBlock[];
  /** Vertical CJK: lines are columns, read right to left. */
  vertical?: boolean;
}

export interface LayoutOptions {
  mode: LayoutMode;
  /** Clockwise turn that makes the page upright. */
  rotation: Rotation;
  /** Image size the boxes are in. */
  width: number;
  height: number;
  /** Ruling lines found on the page image (image pixels); where they make a grid, its text is read as a table. */
  rules?: Rules;
}

const rectOf = (its: readonly Item[]): { left: number; top: number; right: number; bottom: number } => ({
  left: Math.min(...its.map((i) => i.left)),
  top: Math.min(...its.map((i) => i.top)),
  right: Math.max(...its.map((i) => i.right)),
  bottom: Math.max(...its.map((i) => i.bottom)),
});

/** A column of vertical CJK as a line: its box standing upright, clockwise from the column's top, the text's own start. */
function columnLine(col: readonly Item[], frame: PageFrame): OcrLine {
  const q = rectQuad(rectOf(col), frame);
  return {
    text: col.map((c) => c.text).join(''),
    confidence: Math.round((col.reduce((s, c) => s + c.confidence, 0) / col.length) * 1e4) / 1e4,
    box: [q[1], q[2], q[3], q[0]],
    words: col.map((c) => {
      const w = rectQuad(c, frame);
      return { text: c.text, confidence: c.confidence, box: [w[1], w[2], w[3], w[0]] };
    }),
    ...(col.every((c) => c.textLayer) ? { textLayer: true } : {}),
  };
}

/** A page of vertical CJK: each column one line, all of them one block read right to left. */
function verticalLayout(columns: readonly Item[][], frame: PageFrame): PageLayout {
  const lines = columns.map((col) => columnLine(col, frame));
  const block: OcrBlock = {
    kind: 'paragraph',
    text: lines.map((l) => l.text).join(''),
    box: rectQuad(rectOf(columns.flat()), frame),
    column: 0,
    lines: lines.map((_, i) => i),
  };
  return { lines, blocks: [block], vertical: true };
}

/**
 * Lays out one page. `auto` finds columns and joins fragments sharing a baseline; `single` reads the page as
 * one column (a row's fragments joined across the whole width); `lines` keeps each fragment as its own line,
 * only putting them in reading order (rows top to bottom, left to right).
 */
export function layoutPage(fragments: readonly Fragment[], opts: LayoutOptions): PageLayout {
  const frame = pageFrame(
    fragments.map((f) => f.box),
    opts.rotation,
    opts.width,
    opts.height,
  );
  const items = toItems(fragments, frame);
  const detectorBox = opts.rotation === 0;
  if (opts.mode === 'lines') {
    const lines = groupRows(items).flatMap((row) =>
      row.items.map((it): OcrLine => ({
        text: it.text,
        confidence: it.confidence,
        box: detectorBox ? it.box : rectQuad(it, frame),
        ...(it.textLayer ? { textLayer: true } : {}),
      })),
    );
    return { lines };
  }
  // Ruled tables and blocks of vertical text take their text out of the page's rows and stand in its reading
  // order as one item each.
  const ruled = opts.rules ? ruledTables(items, opts.rules, frame) : { tables: [], rest: items };
  const asides: Aside[] = ruled.tables.map((t) => ({ kind: 'table', rows: t.rows, cells: t.cells }));
  const standIns = ruled.tables.map((t) => t.placeholder);
  let rest = ruled.rest;
  if (opts.mode === 'auto') {
    const vertical = verticalBlocks(rest);
    // Vertical text and nothing else: its columns right to left, whichever block they are in.
    if (vertical.blocks.length && !vertical.rest.length && !asides.length) return verticalLayout(vertical.blocks.flat(), frame);
    for (const columns of vertical.blocks) {
      const rows = columns.map((col): Row => ({ items: col, ...rectOf(col) }));
      asides.push({ kind: 'paragraph', rows, lines: columns.map((col) => columnLine(col, frame)) });
      const rect = rectOf(columns.flat());
      standIns.push({ index: -1, text: '', confidence: 0, box: rectQuad(rect, frame), ...rect });
    }
    rest = vertical.rest;
  }
  const laid = [...rest, ...standIns.map((it, k): Item => ({ ...it, aside: k }))];
  const regions = opts.mode === 'auto' ? splitRegions(laid) : [{ items: laid, column: 0 }];
  const found: RowBlock[] = regions.flatMap((r) => regionBlocks(groupRows(r.items), r.column, asides));
  const pageHeight = opts.rotation === 90 || opts.rotation === 270 ? opts.width : opts.height;
  classifyBlocks(found, 0, pageHeight);
  // Running headers come first and footers last, wherever their column put them.
  const rank = (b: RowBlock): number => (b.kind === 'header' ? 0 : b.kind === 'footer' ? 2 : 1);
  const ordered = found
    .map((b, i) => ({ b, i }))
    .sort((x, y) => rank(x.b) - rank(y.b) || x.i - y.i)
    .map((x) => x.b);
  const lines: OcrLine[] = [];
  const blocks: OcrBlock[] = ordered.map((b) => {
    const first = lines.length;
    if (b.lines) lines.push(...b.lines);
    else for (const row of b.rows) lines.push(rowLine(row, frame, detectorBox));
    const rect = {
      left: Math.min(...b.rows.map((r) => r.left)),
      top: Math.min(...b.rows.map((r) => r.top)),
      right: Math.max(...b.rows.map((r) => r.right)),
      bottom: Math.max(...b.rows.map((r) => r.bottom)),
    };
    return {
      kind: b.kind,
      // A table's text keeps its cells row by row: cells apart by tabs, rows by line breaks.
      text: b.cells ? b.cells.map((r) => r.join('\t')).join('\n') : blockText(lines.slice(first).map((l) => l.text)),
      box: rectQuad(rect, frame),
      column: b.column,
      lines: (b.lines ?? b.rows).map((_, k) => first + k),
      ...(b.cells ? { cells: b.cells } : {}),
    };
  });
  return { lines, blocks };
}
