// Tables: consecutive lines that each hold several fragments set apart by wide gaps, whose fragments fall
// into the same columns line after line (ruled or just aligned: the rules themselves carry no text), form a
// grid; its cells are kept row by row.
import { heightOf, widthOf } from './items';
import type { Row } from './rows';

/** Fragments of one row this many text heights apart are separate cells, not words the detector split. */
const CELL_GAP = 1;

/** The rows' cells when they hold at least two aligned cells each. */
function cellsOf(row: Row): Row['items'] | undefined {
  if (row.items.length < 2) return undefined;
  const h = heightOf(row);
  for (let i = 1; i < row.items.length; i++) if (row.items[i].left - row.items[i - 1].right < CELL_GAP * h) return undefined;
  return row.items;
}

/** Column spans of a run of rows: the union of their fragments' horizontal extents, left to right. */
function columnsOf(rows: readonly Row[]): [number, number][] {
  const spans = rows.flatMap((r) => r.items.map((i) => [i.left, i.right] as [number, number])).sort((a, b) => a[0] - b[0]);
  const cols: [number, number][] = [];
  for (const [l, r] of spans) {
    const last = cols[cols.length - 1];
    if (last && l <= last[1]) last[1] = Math.max(last[1], r);
    else cols.push([l, r]);
  }
  return cols;
}

export interface Table {
  /** Index of the first and one past the last row of the table within the rows given. */
  from: number;
  to: number;
  cells: string[][];
}

/** Tables among a region's rows (top to bottom): runs of at least two rows of cells that share their columns. */
export function findTables(rows: readonly Row[]): Table[] {
  const tables: Table[] = [];
  let start = 0;
  while (start < rows.length) {
    if (!cellsOf(rows[start])) {
      start++;
      continue;
    }
    let end = start + 1;
    while (end < rows.length && cellsOf(rows[end])) end++;
    // Shrink from the end until the rows' fragments fall one per column (no fragment spans two columns).
    for (let to = end; to - start >= 2; to--) {
      const run = rows.slice(start, to);
      const cols = columnsOf(run);
      const widest = Math.max(...run.map((r) => r.items.length));
      if (cols.length !== widest || cols.some(([l, r]) => r - l <= 0)) continue;
      const cells = run.map((r) => {
        const line = cols.map(() => '');
        for (const it of r.items) line[cols.findIndex(([l, rr]) => it.left >= l && it.right <= rr)] = it.text;
        return line;
      });
      // Every row must fill at least two columns for the grid to be a table and not a ragged list.
      if (cells.every((c) => c.filter(Boolean).length >= 2) && run.every((r) => r.items.every((i) => widthOf(i) > 0))) {
        tables.push({ from: start, to, cells });
        end = to;
        break;
      }
    }
    start = end;
  }
  return tables;
}
