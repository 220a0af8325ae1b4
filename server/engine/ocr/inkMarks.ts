// Marks found in the crop's ink that the recogniser lost. Backquotes: the recogniser, trained mostly on Chinese, often reads a backquote as
// nothing, or as a look-alike (^ ~ " “ 丶), and rarely lists it even among its runners-up. Its shape is plain in
// the image, though: one small stroke at the top of the line, alone in its columns, slanting down to the right.
// Straight quotes and apostrophes stand upright, curly quotes and commas slant the other way, a double quote is
// two strokes side by side, an i's dot or an accent has a stem or a letter below it, and the dots of CJK glyphs
// (the top of 文 or 间) sit inside a glyph the recogniser read there. Commas and full stops: a small mark at the
// foot of the line, alone in its columns, that no punctuation was read for, goes in where the recogniser gave
// one as a runner-up (a comma after a closing quote at the end of a line is often lost). Underscores: a flat
// stroke below the baseline with nothing above it, which no letter has. Letter case: where the model hesitated
// between "s" and "S" (letters drawn alike but for their size), the letter's height against the line's x-height
// and cap height decides.
import type { RgbImage } from '../image';
import type { DecodedText } from './ctcDecode';
import { inkMask } from './ink';

/** One backquote in the crop: its centre column and extent. */
export interface RaisedMark {
  x: number;
  x0: number;
  x1: number;
}

/** Least correlation of column and row over the stroke's pixels (1 = a line down to the right). */
export const MIN_SLANT = 0.45;
/** A backquote is about as wide as tall; an apostrophe's wedge, which antialiasing can slant, is narrower. */
const MIN_WIDTH = 0.6;
/** Largest stroke, as a fraction of the text band's height (ascender to descender). */
const MAX_SIZE = 0.45;
/** The stroke starts in this top fraction of the band and ends in its upper half. */
const TOP_START = 0.25;
const TOP_END = 0.5;
/** Underscores: at least this long and at most this thick (band heights), below the row holding this share of the busiest row's ink. */
const BAR_WIDTH = 0.3;
const BAR_THICKNESS = 0.15;
const BASELINE_SHARE = 0.4;
/** Another small raised stroke this close (centre to centre, in band heights) makes a pair: a double quote. */
const PAIR_DISTANCE = 0.35;

interface Component {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  syy: number;
  sxy: number;
}

/** Connected ink (8-neighbours), with each pixel's component in `label`. */
function components(ink: Uint8Array, width: number, height: number): { list: Component[]; label: Int32Array } {
  const label = new Int32Array(ink.length).fill(-1);
  const list: Component[] = [];
  const stack: number[] = [];
  for (let s = 0; s < ink.length; s++) {
    if (!ink[s] || label[s] >= 0) continue;
    const id = list.length;
    const c: Component = { x0: width, x1: -1, y0: height, y1: -1, n: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0 };
    label[s] = id;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      c.n++;
      c.sx += x;
      c.sy += y;
      c.sxx += x * x;
      c.syy += y * y;
      c.sxy += x * y;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const o = yy * width + xx;
          if (ink[o] && label[o] < 0) {
            label[o] = id;
            stack.push(o);
          }
        }
      }
    }
    list.push(c);
  }
  return { list, label };
}

/** Correlation of column and row over a component's pixels: > 0 where it runs down to the right. */
function slant(c: Component): number {
  const mx = c.sx / c.n;
  const my = c.sy / c.n;
  const vx = c.sxx / c.n - mx * mx;
  const vy = c.syy / c.n - my * my;
  return vx > 0 && vy > 0 ? (c.sxy / c.n - mx * my) / Math.sqrt(vx * vy) : 0;
}

export interface InkMarks {
  /** Backquote-shaped strokes, left to right. */
  marks: RaisedMark[];
  /** Centre columns of the other small strokes at the top of the line (quotes, apostrophes). */
  others: number[];
  /** Centre columns of small marks at the foot of the line, alone in their columns (commas, full stops). */
  low: number[];
  /** Centre columns of flat strokes below the baseline with nothing above them: underscores. */
  bars: number[];
  /** Per column, the first row of the text band holding ink (-1 where none). */
  tops: Int16Array;
  /** Height of the line's text band (ascender to descender), in pixels. */
  band: number;
}

/**
 * Underscores: runs of columns at least BAR_WIDTH band heights long whose ink is a thin stroke lying wholly below
 * the baseline (the lowest row holding BASELINE_SHARE of the busiest row's ink). Letters end on the baseline,
 * serifs and the foot of an L too; descenders have a letter above them.
 */
function underscores(ink: Uint8Array, width: number, rows: Uint32Array, top: number, bottom: number): number[] {
  const band = bottom - top + 1;
  const most = Math.max(...rows);
  let baseline = top;
  for (let y = top; y <= bottom; y++) if (rows[y] >= BASELINE_SHARE * most) baseline = y;
  const bars: number[] = [];
  let run = 0;
  for (let x = 0; x <= width; x++) {
    let count = 0;
    let above = false;
    for (let y = top; x < width && y <= bottom; y++) {
      if (!ink[y * width + x]) continue;
      count++;
      if (y <= baseline) above = true;
    }
    if (count > 0 && !above && count <= Math.max(2, BAR_THICKNESS * band)) run++;
    else {
      if (run >= BAR_WIDTH * band) bars.push(x - run / 2);
      run = 0;
    }
  }
  return bars;
}

/** The backquote-shaped strokes of a line crop, the other small raised strokes beside them and the marks at its foot. */
// The pixel loops are functions of their own: V8 optimises each once, rather than entering optimised code mid-loop
// and falling back at the first statement after it on every crop.

/** Ink pixels per row. */
function rowSums(ink: Uint8Array, width: number, height: number): Uint32Array {
  const rows = new Uint32Array(height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y] += ink[y * width + x];
  return rows;
}

/** Per column, the first row from `top` to `bottom` with ink (-1: none). */
function firstInkRows(ink: Uint8Array, width: number, top: number, bottom: number): Int16Array {
  const tops = new Int16Array(width).fill(-1);
  for (let x = 0; x < width; x++) {
    for (let y = top; y <= bottom; y++) {
      if (ink[y * width + x]) {
        tops[x] = y;
        break;
      }
    }
  }
  return tops;
}

export function findInkMarks(crop: RgbImage): InkMarks {
  const { ink, width, height } = inkMask(crop);
  // The text band: rows holding a real share of the line's ink (a neighbour's stray descender holds little).
  const rows = rowSums(ink, width, height);
  const most = Math.max(0, ...rows);
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    if (most > 0 && rows[y] >= 0.05 * most) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  if (top < 0) return { marks: [], others: [], low: [], bars: [], tops: new Int16Array(width).fill(-1), band: 0 };
  const band = bottom - top + 1;
  const { list, label } = components(ink, width, height);
  const tops = firstInkRows(ink, width, top, bottom);
  const small = (c: Component): boolean =>
    c.x1 - c.x0 + 1 <= MAX_SIZE * band && c.y1 - c.y0 + 1 <= MAX_SIZE * band && c.y1 <= top + TOP_END * band;
  // Alone in its columns (one column of margin each side) within the band: nothing under or over it.
  const alone = (id: number, c: Component): boolean => {
    for (let x = Math.max(0, c.x0 - 1); x <= Math.min(width - 1, c.x1 + 1); x++) {
      for (let y = top; y <= bottom; y++) {
        const l = label[y * width + x];
        if (l >= 0 && l !== id) return false;
      }
    }
    return true;
  };
  const raised = list.flatMap((c, id) => (small(c) ? [{ c, id, x: c.sx / c.n }] : []));
  const marks: RaisedMark[] = [];
  for (const { c, id, x } of raised) {
    const [w, h] = [c.x1 - c.x0 + 1, c.y1 - c.y0 + 1];
    if (c.n < 3 || w < 2 || h < 2 || w < MIN_WIDTH * h || c.y0 > top + TOP_START * band) continue;
    if (slant(c) < MIN_SLANT || !alone(id, c)) continue;
    if (raised.some((r) => r.id !== id && Math.abs(r.x - x) < PAIR_DISTANCE * band)) continue;
    marks.push({ x, x0: c.x0, x1: c.x1 });
  }
  const others = raised.filter((r) => !marks.some((m) => m.x === r.x)).map((r) => r.x);
  const low = list.flatMap((c, id) =>
    c.x1 - c.x0 + 1 <= MAX_SIZE * band && c.y1 - c.y0 + 1 <= MAX_SIZE * band && c.y0 >= top + band / 2 && alone(id, c) ? [c.sx / c.n] : [],
  );
  return {
    marks: marks.sort((a, b) => a.x - b.x),
    others,
    low: low.sort((a, b) => a - b),
    bars: underscores(ink, width, rows, top, bottom),
    tops,
    band,
  };
}

/** What the recogniser may have read a backquote as. */
const BACKQUOTE_READINGS = new Set([...'`^~′\'"“”‘’丶～＾*']);
const APOSTROPHES = new Set([..."'’‘"]);
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
/** A CJK glyph read this close to a stroke (in band heights) owns it: a dot of the glyph. */
const GLYPH_REACH = 0.45;
/** What the recogniser may have read a mark at the foot of the line as. */
const FOOT_READINGS = new Set([...',.;:_，。；：、．…']);
/** Marks put back at the foot of the line, where the recogniser gave one as a runner-up this likely. */
const FOOT_MARKS = new Set([...',.;，。；']);
export const FOOT_EVIDENCE = 0.2;
/** A bracket runner-up this likely under an "L" standing over an underscore. */
const MIN_RUNNER_UP = 0.01;
/** A backquote look-alike read this close to a stroke was the recogniser's reading of it. */
const READ_REACH = 0.5;

/** The backquotes of a line against its reading: characters that were read from one, and ones read as nothing. */
export interface PlacedMarks {
  /** Characters of the reading (by index in its text) that are another glyph in the image. */
  replace: Array<{ at: number; to: string }>;
  /** Marks the reading lacks: before character `before` of its text, at time step `step`. */
  insert: Array<{ text: string; before: number; step: number }>;
}

/**
 * Each backquote in the crop takes the look-alike read closest to it, unless that reading sits closer to another
 * raised stroke (a quote the recogniser read as one character with the backquote beside it); a backquote with
 * no such reading goes in before the first character read to its right. A stroke close to a CJK character read
 * there is a part of that glyph.
 */
export function placeMarks(found: InkMarks, decoded: DecodedText): PlacedMarks {
  const out: PlacedMarks = { replace: [], insert: [] };
  const { text, positions, columnsPerStep } = decoded;
  if (!columnsPerStep || positions.length !== text.length) return out;
  const column = (i: number): number => (positions[i] + 0.5) * columnsPerStep;
  const chars = Array.from(text);
  if (chars.length !== text.length) return out;
  for (const m of found.marks) {
    const near = (i: number, reach: number): boolean => Math.abs(column(i) - m.x) < reach * found.band;
    if (chars.some((c, i) => CJK.test(c) && !BACKQUOTE_READINGS.has(c) && near(i, GLYPH_REACH))) continue;
    const distance = (i: number): number => Math.abs(column(i) - m.x);
    const closerToOther = (i: number): boolean => found.others.some((o) => Math.abs(column(i) - o) < distance(i));
    let read = -1;
    chars.forEach((c, i) => {
      if (BACKQUOTE_READINGS.has(c) && near(i, READ_REACH) && !out.replace.some((r) => r.at === i) && !closerToOther(i)) {
        if (read < 0 || Math.abs(column(i) - m.x) < Math.abs(column(read) - m.x)) read = i;
      }
    });
    if (read >= 0) {
      out.replace.push({ at: read, to: '`' });
      continue;
    }
    let before = chars.findIndex((_, i) => column(i) > m.x);
    if (before < 0) before = chars.length;
    // At the size of a few pixels a serif apostrophe's wedge can slant like a backquote: where the model's likeliest
    // runner-up at the mark is an apostrophe, the mark is one.
    let likeliest: DecodedText['unread'][number] | undefined;
    for (const u of decoded.unread) {
      const near = Math.abs((u.step + 0.5) * columnsPerStep - m.x) < READ_REACH * found.band;
      if (near && BACKQUOTE_READINGS.has(u.text) && (!likeliest || u.prob > likeliest.prob)) likeliest = u;
    }
    const text = likeliest && APOSTROPHES.has(likeliest.text) && likeliest.prob >= FOOT_EVIDENCE ? likeliest.text : '`';
    out.insert.push({ text, before, step: Math.max(0, Math.round(m.x / columnsPerStep - 0.5)) });
  }
  for (const x of found.low) {
    if (chars.some((c, i) => FOOT_READINGS.has(c) && Math.abs(column(i) - x) < READ_REACH * found.band)) continue;
    let best: DecodedText['unread'][number] | undefined;
    for (const u of decoded.unread) {
      const near = Math.abs((u.step + 0.5) * columnsPerStep - x) < READ_REACH * found.band;
      if (FOOT_MARKS.has(u.text) && u.prob >= FOOT_EVIDENCE && near && (!best || u.prob > best.prob)) best = u;
    }
    if (best) out.insert.push({ text: best.text, before: best.before, step: best.step });
  }
  // An underscore read as nothing goes in; where an "L" was read over it, the L's foot was the underscore and its
  // stem the bracket the model gave as a runner-up ("${_id" read "$Lid").
  for (const x of found.bars) {
    if (chars.some((c, i) => c === '_' && Math.abs(column(i) - x) < READ_REACH * found.band)) continue;
    const stem = chars.findIndex((c, i) => c === 'L' && Math.abs(column(i) - x) < READ_REACH * found.band);
    const bracket = stem < 0 ? undefined : decoded.alternatives[stem]?.find((a) => '{[('.includes(a.text) && a.prob >= MIN_RUNNER_UP);
    if (bracket) {
      out.replace.push({ at: stem, to: bracket.text });
      out.insert.push({ text: '_', before: stem + 1, step: positions[stem] });
      continue;
    }
    let before = chars.findIndex((_, i) => column(i) > x);
    if (before < 0) before = chars.length;
    out.insert.push({ text: '_', before, step: Math.max(0, Math.round(x / columnsPerStep - 0.5)) });
  }
  caseByHeight(found, decoded, column, out);
  return out;
}

/** Letters drawn alike in both cases but for their height. */
const CASE_PAIRS = 'cosuvwxzCOSUVWXZ';
/** Height references: letters that reach only the x-height, and capitals and letters with ascenders. */
const X_HIGH = /[acemnorsuvwxz]/;
const CAP_HIGH = /[A-Zbdfhklt]/;
/** The other case must be the model's runner-up this likely. */
const CASE_EVIDENCE = 0.2;
/** How near (a share of the gap between x-height and cap height) the letter's top must come to the other case's. */
const CASE_MARGIN = 0.25;

/**
 * Where the model hesitated between the cases of a letter drawn alike in both ("HsTS", "works"), the letter's ink
 * height decides: the top of its middle columns against the line's x-height and cap height, each measured over
 * the other letters read with it.
 */
function caseByHeight(found: InkMarks, decoded: DecodedText, column: (i: number) => number, out: PlacedMarks): void {
  const { text } = decoded;
  // The top of the ink over the middle of the letter's share of the line, between its neighbours' readings.
  const topOf = (i: number): number => {
    const left = i > 0 ? (column(i - 1) + column(i)) / 2 : column(i) - found.band / 4;
    const right = i + 1 < text.length ? (column(i) + column(i + 1)) / 2 : column(i) + found.band / 4;
    const from = Math.max(0, Math.round(left + (right - left) / 4));
    const to = Math.min(found.tops.length - 1, Math.round(right - (right - left) / 4));
    let best = -1;
    for (let x = from; x <= to; x++) if (found.tops[x] >= 0 && (best < 0 || found.tops[x] < best)) best = found.tops[x];
    return best;
  };
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const xTops: number[] = [];
  const capTops: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (CASE_PAIRS.includes(text[i])) continue;
    const t = topOf(i);
    if (t < 0) continue;
    if (X_HIGH.test(text[i])) xTops.push(t);
    else if (CAP_HIGH.test(text[i])) capTops.push(t);
  }
  if (xTops.length < 2 || capTops.length < 2) return;
  const xTop = median(xTops);
  const capTop = median(capTops);
  if (xTop - capTop < 0.15 * found.band) return;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!CASE_PAIRS.includes(c)) continue;
    const other = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    if (!decoded.alternatives[i]?.some((a) => a.text === other && a.prob >= CASE_EVIDENCE)) continue;
    const t = topOf(i);
    if (t < 0) continue;
    // Only a top clearly at one of the two heights decides.
    const margin = CASE_MARGIN * (xTop - capTop);
    const upper = c === c.toUpperCase();
    if ((upper && t >= xTop - margin) || (!upper && t <= capTop + margin)) out.replace.push({ at: i, to: other });
  }
}
