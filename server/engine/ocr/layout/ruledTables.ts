// Ruled tables: rules found on the page image (../rules.ts) that cross one another make a grid; the text inside
// it is read cell by cell, row by row. A fragment the detector ran across a rule is cut at it; cells whose
// dividing rule is missing are one merged cell (its text in its top-left cell, the rest left empty); rows with
// no text at all are left out. The table stands in the page's reading order as one placeholder item.
import type { Rules } from '../rules';
import type { PageFrame } from './frame';
import { heightOf, joinText, median, rectQuad, type Item } from './items';
import { groupRows, type Row } from './rows';

export interface RuledTable {
  /** Stands for the table among the page's items: its grid's rectangle, no text. */
  placeholder: Item;
  /** One per table row with text: the words of its cells, cell by cell (a cell's lines top to bottom). */
  rows: Row[];
  cells: string[][];
}

/** A rule in the upright page frame: `at` across it, from `start` to `end` along it. */
interface FrameRule {
  at: number;
  start: number;
  end: number;
}

/** Rules this many text heights apart (or apart by this many pixels) are the same grid line. */
const SNAP_HEIGHTS = 0.3;
const SNAP_PIXELS = 3;
/** A dividing rule must run along at least this share of a cell's side to part it from its neighbour. */
const COVER = 0.5;

const find = (parent: number[], i: number): number => {
  while (parent[i] !== i) i = parent[i] = parent[parent[i]];
  return i;
};

/** Positions within `tol` of each other as one, in order. */
function snap(values: number[], tol: number): number[] {
  const out: number[][] = [];
  for (const v of [...values].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && v - last[last.length - 1] <= tol) last.push(v);
    else out.push([v]);
  }
  return out.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
}

/** How much of [a0, a1] the rules at `at` (within `tol`) cover, as a share. */
function covered(rules: readonly FrameRule[], at: number, a0: number, a1: number, tol: number): number {
  let best = 0;
  for (const r of rules) {
    if (Math.abs(r.at - at) > tol) continue;
    best = Math.max(best, Math.min(r.end, a1 + tol) - Math.max(r.start, a0 - tol));
  }
  return best / Math.max(1, a1 - a0);
}

/**
 * The item's text cut into pieces at its spaces and wherever its characters (taken as equally wide) fall into
 * another cell; `cellOf` names the cell of a position.
 */
function pieces(it: Item, cellOf: (x: number, y: number) => number, frame: PageFrame): { cell: number; piece: Item }[] {
  const chars = [...it.text];
  const step = (it.right - it.left) / Math.max(1, chars.length);
  const y = (it.top + it.bottom) / 2;
  const out: { cell: number; piece: Item }[] = [];
  let from = -1;
  let cell = -1;
  const close = (to: number): void => {
    if (from < 0) return;
    const rect = { left: it.left + from * step, right: it.left + to * step, top: it.top, bottom: it.bottom };
    out.push({ cell, piece: { ...it, ...rect, text: chars.slice(from, to).join(''), box: rectQuad(rect, frame) } });
    from = -1;
  };
  chars.forEach((ch, k) => {
    if (/\s/u.test(ch)) return close(k);
    const c = cellOf(it.left + (k + 0.5) * step, y);
    if (from >= 0 && c !== cell) close(k);
    if (from < 0) [from, cell] = [k, c];
  });
  close(chars.length);
  return out;
}

/** The rectangle around some items. */
function around(items: readonly Item[]): { left: number; top: number; right: number; bottom: number } {
  return {
    left: Math.min(...items.map((i) => i.left)),
    top: Math.min(...items.map((i) => i.top)),
    right: Math.max(...items.map((i) => i.right)),
    bottom: Math.max(...items.map((i) => i.bottom)),
  };
}

/** The page's ruled tables, and the items outside them. */
export function ruledTables(items: readonly Item[], rules: Rules, frame: PageFrame): { tables: RuledTable[]; rest: Item[] } {
  if (!items.length) return { tables: [], rest: [...items] };
  const tol = Math.max(SNAP_PIXELS, SNAP_HEIGHTS * median(items.map(heightOf)));
  // Rules in the upright frame: a turned page's vertical rules run across it.
  const h: FrameRule[] = [];
  const v: FrameRule[] = [];
  for (const r of [...rules.horizontal, ...rules.vertical]) {
    const [u0, v0] = frame.toFrame(r.from);
    const [u1, v1] = frame.toFrame(r.to);
    if (Math.abs(u1 - u0) >= Math.abs(v1 - v0)) h.push({ at: (v0 + v1) / 2, start: Math.min(u0, u1), end: Math.max(u0, u1) });
    else v.push({ at: (u0 + u1) / 2, start: Math.min(v0, v1), end: Math.max(v0, v1) });
  }
  // Grids: rules joined by crossings (union-find over horizontal then vertical rules).
  const parent = [...h, ...v].map((_, i) => i);
  h.forEach((a, i) =>
    v.forEach((b, j) => {
      if (b.at >= a.start - tol && b.at <= a.end + tol && a.at >= b.start - tol && a.at <= b.end + tol) {
        parent[find(parent, i)] = find(parent, h.length + j);
      }
    }),
  );
  const groups = new Map<number, { h: FrameRule[]; v: FrameRule[] }>();
  [...h, ...v].forEach((r, i) => {
    const g = groups.get(find(parent, i)) ?? { h: [], v: [] };
    (i < h.length ? g.h : g.v).push(r);
    groups.set(find(parent, i), g);
  });
  const tables: RuledTable[] = [];
  let rest = [...items];
  for (const g of groups.values()) {
    if (g.h.length < 2 || g.v.length < 2) continue;
    // Grid lines: the rules, and the grid's outer edges where a side is left open.
    const ys = snap([...g.h.map((r) => r.at), Math.min(...g.v.map((r) => r.start)), Math.max(...g.v.map((r) => r.end))], tol);
    const xs = snap([...g.v.map((r) => r.at), Math.min(...g.h.map((r) => r.start)), Math.max(...g.h.map((r) => r.end))], tol);
    const nRows = ys.length - 1;
    const nCols = xs.length - 1;
    if (nRows < 2 || nCols < 2) continue;
    const [left, top, right, bottom] = [xs[0], ys[0], xs[nCols], ys[nRows]];
    const inside = rest.filter((it) => {
      const [cx, cy] = [(it.left + it.right) / 2, (it.top + it.bottom) / 2];
      return cx > left && cx < right && cy > top && cy < bottom;
    });
    if (!inside.length) continue;
    rest = rest.filter((it) => !inside.includes(it));
    // Cells whose dividing rule is missing are merged; each merged cell is owned by its top-left cell.
    const cellParent = Array.from({ length: nRows * nCols }, (_, i) => i);
    const join = (a: number, b: number): void => {
      const [ra, rb] = [find(cellParent, a), find(cellParent, b)];
      cellParent[Math.max(ra, rb)] = Math.min(ra, rb);
    };
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < nCols; c++) {
        if (c + 1 < nCols && covered(g.v, xs[c + 1], ys[r], ys[r + 1], tol) < COVER) join(r * nCols + c, r * nCols + c + 1);
        if (r + 1 < nRows && covered(g.h, ys[r + 1], xs[c], xs[c + 1], tol) < COVER) join(r * nCols + c, (r + 1) * nCols + c);
      }
    }
    // The grid interval holding a position; positions outside the grid fall into its first or last one.
    const index = (vals: number[], x: number): number => {
      const next = vals.findIndex((p) => p > x);
      return next < 0 ? vals.length - 2 : Math.max(0, next - 1);
    };
    const cellOf = (x: number, y: number): number => find(cellParent, index(ys, y) * nCols + index(xs, x));
    const byCell = new Map<number, Item[]>();
    for (const it of inside) {
      for (const { cell, piece } of pieces(it, cellOf, frame)) byCell.set(cell, [...(byCell.get(cell) ?? []), piece]);
    }
    const cells: string[][] = [];
    const rows: Row[] = [];
    for (let r = 0; r < nRows; r++) {
      const line: string[] = [];
      const words: Item[] = [];
      for (let c = 0; c < nCols; c++) {
        // A cell's lines top to bottom, each left to right.
        const own = groupRows(byCell.get(r * nCols + c) ?? []).map((row) => row.items);
        line.push(
          own.reduce(
            (text, ws) =>
              joinText(
                text,
                ws.reduce((t, w) => joinText(t, w.text), ''),
              ),
            '',
          ),
        );
        words.push(...own.flat());
      }
      if (!words.length) continue;
      cells.push(line);
      rows.push({ items: words, ...around(words) });
    }
    const rect = { left, top, right, bottom };
    const placeholder: Item = { index: -1, text: '', confidence: 0, box: rectQuad(rect, frame), ...rect };
    tables.push({ placeholder, rows, cells });
  }
  return { tables, rest };
}
