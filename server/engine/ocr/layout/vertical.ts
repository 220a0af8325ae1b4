// Vertical CJK: characters stacked in columns read top to bottom, columns right to left. The detector finds
// such text as single characters (or as rows across the columns where the column gap is narrow), so the
// fragments are cut into characters and the page counts as vertical when its characters sit closer to the
// ones above and below than to those beside them.
import type { Item } from './items';
import { heightOf, median, widthOf } from './items';

const CJK_CHAR = /^[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]$/u;
/** Share of the characters that must stack more tightly than they line up for the page to be vertical. */
const VERTICAL_SHARE = 0.6;

/** Every fragment of CJK text cut into its characters (equal widths); undefined when any fragment is not CJK. */
function characters(items: readonly Item[]): Item[] | undefined {
  const out: Item[] = [];
  for (const it of items) {
    const chars = [...it.text.replace(/\s+/gu, '')];
    if (!chars.length || !chars.every((c) => CJK_CHAR.test(c))) return undefined;
    const step = widthOf(it) / chars.length;
    chars.forEach((c, k) => out.push({ ...it, text: c, left: it.left + k * step, right: it.left + (k + 1) * step }));
  }
  return out;
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.min(a1, b1) - Math.max(a0, b0);

/**
 * Distance between centres to the nearest character above or below (overlapping across) and beside
 * (overlapping up and down); centres, not gaps, because the detector's boxes around single characters
 * are loose and a row it joined is cut into equal widths.
 */
function nearest(c: Item, all: readonly Item[]): { vertical: number; horizontal: number } {
  let vertical = Infinity;
  let horizontal = Infinity;
  const cx = (i: Item): number => (i.left + i.right) / 2;
  const cy = (i: Item): number => (i.top + i.bottom) / 2;
  for (const o of all) {
    if (o === c) continue;
    if (overlap(c.left, c.right, o.left, o.right) > 0.3 * widthOf(c)) vertical = Math.min(vertical, Math.abs(cy(o) - cy(c)));
    if (overlap(c.top, c.bottom, o.top, o.bottom) > 0.3 * heightOf(c)) horizontal = Math.min(horizontal, Math.abs(cx(o) - cx(c)));
  }
  return { vertical, horizontal };
}

/** The page's columns of characters, right to left, each top to bottom; undefined when the page is not vertical CJK. */
export function verticalColumns(items: readonly Item[]): Item[][] | undefined {
  const chars = characters(items);
  if (!chars || chars.length < 4) return undefined;
  let stacked = 0;
  for (const c of chars) {
    const n = nearest(c, chars);
    if (n.vertical < n.horizontal) stacked++;
  }
  if (stacked < VERTICAL_SHARE * chars.length) return undefined;
  const size = median(chars.map(widthOf));
  const columns: Item[][] = [];
  for (const c of [...chars].sort((a, b) => b.left + b.right - a.left - a.right)) {
    const centre = (c.left + c.right) / 2;
    const col = columns.find((k) => Math.abs((k[0].left + k[0].right) / 2 - centre) < 0.5 * size);
    if (col) col.push(c);
    else columns.push([c]);
  }
  return columns.map((col) => col.sort((a, b) => a.top - b.top));
}
