// Splits a page into regions read one after another (a recursive XY-cut on the fragments): a vertical
// gutter with running text on both sides makes columns, read left to right; the few fragments crossing a
// gutter (a title, a full-width paragraph, a centred page number) cut the page into bands read top to
// bottom. Aligned short fragments (receipts, forms, price lists) never make columns, so a label and its
// value stay one line.
import { heightOf, median, widthOf, type Item } from './items';

export interface Region {
  items: Item[];
  /** 0-based column, left to right; bands spanning the columns are in column 0. */
  column: number;
}

/** A gutter at least this many text heights wide can separate columns. */
const MIN_GUTTER = 1;
/** A column holds running text: its fragments' median width is at least this many text heights. */
const MIN_COLUMN_WORDS = 5;
/** At most this share of a region's fragments may cross a gutter (and then span the columns). */
const MAX_CROSSING = 0.3;

interface Gutter {
  start: number;
  end: number;
}

function isColumn(side: readonly Item[], textHeight: number): boolean {
  // A block laid out apart (a ruled table, vertical text) holds a column's worth of text by itself.
  if (side.length === 1 && side[0].aside !== undefined) return true;
  return side.length >= 2 && median(side.map(widthOf)) >= MIN_COLUMN_WORDS * textHeight;
}

function overlapV(a: readonly Item[], b: readonly Item[]): boolean {
  const top = (s: readonly Item[]): number => Math.min(...s.map((i) => i.top));
  const bottom = (s: readonly Item[]): number => Math.max(...s.map((i) => i.bottom));
  return Math.min(bottom(a), bottom(b)) > Math.max(top(a), top(b));
}

/**
 * Candidate gutters, those crossed by fewer fragments first, then the widest. Between two neighbouring
 * fragment edges the number of fragments covering x is constant; where it is small, the gutter is the free
 * stretch the other fragments leave around that place, and the covering fragments must bridge all of it
 * (a title, a centred page number): a line merely reaching into it is part of a column, not across it.
 */
function candidates(items: readonly Item[], minWidth: number): Gutter[] {
  const allowed = Math.max(1, Math.floor(MAX_CROSSING * items.length));
  const edges = [...new Set(items.flatMap((i) => [i.left, i.right]))].sort((a, b) => a - b);
  const seen = new Set<string>();
  const out: (Gutter & { cover: number })[] = [];
  for (let k = 1; k + 2 < edges.length; k++) {
    const mid = (edges[k] + edges[k + 1]) / 2;
    const crossing: Item[] = [];
    let start = -Infinity;
    let end = Infinity;
    for (const i of items) {
      if (i.left < mid && i.right > mid) crossing.push(i);
      else if (i.right <= mid) start = Math.max(start, i.right);
      else end = Math.min(end, i.left);
    }
    const key = `${start}:${end}`;
    if (crossing.length > allowed || end - start < minWidth || seen.has(key)) continue;
    if (!crossing.every((i) => i.left <= start && i.right >= end)) continue;
    seen.add(key);
    out.push({ start, end, cover: crossing.length });
  }
  return out.sort((a, b) => a.cover - b.cover || b.end - b.start - (a.end - a.start));
}

/** The widest gutter with a column of running text on each side, when there is one. */
function findGutter(items: readonly Item[], textHeight: number): Gutter | undefined {
  for (const g of candidates(items, MIN_GUTTER * textHeight)) {
    const left = items.filter((i) => i.right <= g.start);
    const right = items.filter((i) => i.left >= g.end);
    if (isColumn(left, textHeight) && isColumn(right, textHeight) && overlapV(left, right)) return g;
  }
  return undefined;
}

function split(items: readonly Item[], column: number, textHeight: number): Region[] {
  if (items.length < 4) return [{ items: [...items], column }];
  const gutter = findGutter(items, textHeight);
  if (!gutter) return [{ items: [...items], column }];
  const crosses = (i: Item): boolean => i.left < gutter.end && i.right > gutter.start;
  if (!items.some(crosses)) {
    const left = split(
      items.filter((i) => i.right <= gutter.start),
      column,
      textHeight,
    );
    const next = Math.max(...left.map((r) => r.column)) + 1;
    return [
      ...left,
      ...split(
        items.filter((i) => i.left >= gutter.end),
        next,
        textHeight,
      ),
    ];
  }
  // Fragments crossing the gutter cut the region into bands: runs of crossing and of column fragments.
  const bands: Item[][] = [];
  let crossing: boolean | undefined;
  for (const it of [...items].sort((a, b) => a.top + a.bottom - b.top - b.bottom)) {
    const c = crosses(it);
    if (c !== crossing) bands.push([]);
    bands[bands.length - 1].push(it);
    crossing = c;
  }
  return bands.flatMap((band) => split(band, column, textHeight));
}

/** The page's regions in reading order. */
export function splitRegions(items: readonly Item[]): Region[] {
  if (!items.length) return [];
  return split(items, 0, median(items.map(heightOf)));
}
