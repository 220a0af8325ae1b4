// Vertical CJK: characters stacked in columns read top to bottom, columns right to left. The detector finds
// such text as single characters (or as rows across the columns where the column gap is narrow), so the
// fragments are cut into characters and the page counts as vertical when its characters sit closer to the
// ones above and below than to those beside them. On a page that also holds horizontal text, the fragments
// whose characters stack form vertical blocks of neighbouring columns, and the rest stays horizontal.
import type { Item } from './items';
import { heightOf, median, widthOf } from './items';

const CJK_CHAR = /^[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]$/u;

/** A block of vertical text needs this many characters, and a lone column this many. */
const MIN_BLOCK_CHARS = 4;
const MIN_COLUMN_CHARS = 3;
/** Neighbouring columns of one block stand at most this many character widths apart (centre to centre). */
const MAX_COLUMN_PITCH = 3;
/** A character belongs to a column whose centre is within this many character widths of its own. */
const SNAP = 0.75;

/** A fragment of CJK text cut into its characters (equal widths); undefined when it is not all CJK. */
function charactersOf(it: Item): Item[] | undefined {
  const chars = [...it.text.replace(/\s+/gu, '')];
  if (!chars.length || !chars.every((c) => CJK_CHAR.test(c))) return undefined;
  const step = widthOf(it) / chars.length;
  return chars.map((c, k) => ({ ...it, text: c, left: it.left + k * step, right: it.left + (k + 1) * step }));
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

/**
 * Characters as columns, right to left, each top to bottom. A character within SNAP widths of a column's centre
 * is in it (a row the detector ran across the columns is cut into equal widths, which the gaps between the
 * columns shift); where two characters of a column overlap, the detector saw one twice, and the reading it is
 * surer of stays.
 */
function columnsOf(chars: readonly Item[]): Item[][] {
  const size = median(chars.map(widthOf));
  const centre = (c: Item): number => (c.left + c.right) / 2;
  const columns: { at: number; chars: Item[] }[] = [];
  for (const c of [...chars].sort((a, b) => centre(b) - centre(a))) {
    const col = columns.find((k) => Math.abs(k.at - centre(c)) < SNAP * size);
    if (!col) {
      columns.push({ at: centre(c), chars: [c] });
      continue;
    }
    col.chars.push(c);
    col.at = col.chars.reduce((s, k) => s + centre(k), 0) / col.chars.length;
  }
  return columns.map(({ chars: col }) => {
    const kept: Item[] = [];
    for (const c of col.sort((a, b) => a.top - b.top)) {
      const prev = kept[kept.length - 1];
      if (prev && Math.min(prev.bottom, c.bottom) - Math.max(prev.top, c.top) > 0.5 * Math.min(heightOf(prev), heightOf(c))) {
        if (c.confidence > prev.confidence) kept[kept.length - 1] = c;
      } else kept.push(c);
    }
    return kept;
  });
}

const stacks = (c: Item, all: readonly Item[]): boolean => {
  const n = nearest(c, all);
  return n.vertical < n.horizontal;
};

/**
 * Vertical blocks on a page mixing vertical and horizontal text: fragments most of whose characters stack
 * (and CJK fragments lying within such a block, like a row the detector ran across its columns), as blocks
 * of neighbouring columns, each right to left; and the fragments left horizontal.
 */
export function verticalBlocks(items: readonly Item[]): { blocks: Item[][][]; rest: Item[] } {
  const cut = items.map(charactersOf);
  const chars = cut.flatMap((c) => c ?? []);
  const stacked = cut.flatMap((own) => (own && own.filter((c) => stacks(c, chars)).length * 2 > own.length ? own : []));
  if (!stacked.length) return { blocks: [], rest: [...items] };
  const size = median(stacked.map(widthOf));
  // Neighbouring columns that overlap up and down make one block.
  const groups: Item[][][] = [];
  for (const col of columnsOf(stacked)) {
    const last = groups[groups.length - 1]?.at(-1);
    const centre = (c: readonly Item[]): number => (c[0].left + c[0].right) / 2;
    const span = (c: readonly Item[]): [number, number] => [c[0].top, c[c.length - 1].bottom];
    const near =
      last &&
      centre(last) - centre(col) <= MAX_COLUMN_PITCH * size &&
      Math.min(span(last)[1], span(col)[1]) > Math.max(span(last)[0], span(col)[0]);
    if (near) groups[groups.length - 1].push(col);
    else groups.push([col]);
  }
  const blocks = groups.filter((b) => b.flat().length >= MIN_BLOCK_CHARS && (b.length > 1 || b[0].length >= MIN_COLUMN_CHARS));
  const taken = new Set(blocks.flat(2).map((c) => c.index));
  // CJK fragments inside a block's rectangle belong to it (the detector's stray boxes among the columns).
  const rest: Item[] = [];
  items.forEach((it, i) => {
    if (taken.has(it.index)) return;
    const own = cut[i];
    const [cx, cy] = [(it.left + it.right) / 2, (it.top + it.bottom) / 2];
    const home =
      own &&
      blocks.find((b) => {
        const all = b.flat();
        return (
          cx > Math.min(...all.map((c) => c.left)) &&
          cx < Math.max(...all.map((c) => c.right)) &&
          cy > Math.min(...all.map((c) => c.top)) &&
          cy < Math.max(...all.map((c) => c.bottom))
        );
      });
    if (home && own) home.splice(0, home.length, ...columnsOf([...home.flat(), ...own]));
    else rest.push(it);
  });
  return { blocks, rest };
}
