// Ruling lines on a page image (the rules of a ruled table): after binarising against the paper's own tone,
// long thin runs of ink, horizontal and vertical, joined across the few pixel rows or columns a rule is thick.
// Text never makes them (its strokes are shorter than a few text heights); filled areas and shadows are too
// thick to count.
import type { Point, Quad } from '../../contract/ocr';
import type { RgbImage } from '../image';

/** A rule from one end to the other along its middle, in image pixels. */
export interface Rule {
  from: Point;
  to: Point;
  thickness: number;
}

export interface Rules {
  horizontal: Rule[];
  vertical: Rule[];
}

/** The shortest rule, in text heights: longer than any stroke of a glyph. */
const MIN_LENGTH = 3;
/** The thickest rule, in text heights (and at least MIN_THICKNESS pixels): thicker ink is a filled area. */
const MAX_THICKNESS = 0.35;
const MIN_THICKNESS = 4;
/** Ink differs from the paper by at least this many grey levels (light grey rules on white count). */
const INK_CONTRAST = 40;
/** Light pixels a run may step over (anti-aliasing, a scanned rule's breaks). */
const GAP = 1;

interface Run {
  /** Across: the row of a horizontal run, the column of a vertical one. */
  at: number;
  start: number;
  end: number;
}

/** Runs in neighbouring rows (or columns) that overlap along most of the shorter one become one band. */
function bands(runs: Run[], maxThickness: number, horizontal: boolean): Rule[] {
  runs.sort((a, b) => a.at - b.at || a.start - b.start);
  interface Band {
    first: number;
    last: number;
    start: number;
    end: number;
  }
  const open: Band[] = [];
  const done: Band[] = [];
  for (const r of runs) {
    const band = open.find(
      (b) => b.last === r.at - 1 && Math.min(b.end, r.end) - Math.max(b.start, r.start) >= 0.5 * Math.min(b.end - b.start, r.end - r.start),
    );
    if (band) {
      band.last = r.at;
      band.start = Math.min(band.start, r.start);
      band.end = Math.max(band.end, r.end);
    } else {
      open.push({ first: r.at, last: r.at, start: r.start, end: r.end });
    }
    // Bands that ended more than a row ago are complete.
    for (let i = open.length - 1; i >= 0; i--) {
      if (open[i].last < r.at - 1) done.push(...open.splice(i, 1));
    }
  }
  done.push(...open);
  return done
    .filter((b) => b.last - b.first + 1 <= maxThickness)
    .map((b) => {
      const mid = (b.first + b.last) / 2;
      return horizontal
        ? { from: [b.start, mid] as Point, to: [b.end, mid] as Point, thickness: b.last - b.first + 1 }
        : { from: [mid, b.start] as Point, to: [mid, b.end] as Point, thickness: b.last - b.first + 1 };
    });
}

/** Every this many pixels one is sampled for the paper's tone. */
const PAPER_SAMPLE = 7;

const greyAt = (data: Uint8Array, p: number): number => (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;

/** Grey levels that are ink: darker than light paper, or lighter than dark paper (its median tone). */
function inkRange(img: RgbImage): { lo: number; hi: number } {
  const hist = new Uint32Array(256);
  let n = 0;
  for (let p = 0; p < img.data.length; p += 3 * PAPER_SAMPLE, n++) hist[greyAt(img.data, p)]++;
  let paper = 255;
  for (let v = 0, seen = 0; v < 256; v++) {
    seen += hist[v];
    if (seen * 2 >= n) {
      paper = v;
      break;
    }
  }
  return paper >= 128 ? { lo: paper - INK_CONTRAST, hi: 256 } : { lo: -1, hi: paper + INK_CONTRAST };
}

/** Closes a run at `last` when it is long enough to keep. */
function keep(runs: Run[], at: number, start: number, last: number, min: number): void {
  if (start >= 0 && last - start + 1 >= min) runs.push({ at, start, end: last });
}

// The scans are functions of their own: V8 optimises each once, rather than entering optimised code mid-loop and
// falling back at the first statement after it on every page.

/** 1 for each pixel whose grey level is outside [lo, hi]. */
function inkOutside(data: Uint8Array, lo: number, hi: number, pixels: number): Uint8Array {
  const ink = new Uint8Array(pixels);
  for (let i = 0, p = 0; i < pixels; i++, p += 3) {
    const g = greyAt(data, p);
    ink[i] = g < lo || g > hi ? 1 : 0;
  }
  return ink;
}

/** Ink runs along rows that drop `drop[x]` pixels at column x. */
function horizontalRuns(ink: Uint8Array, width: number, height: number, drop: Int32Array, min: number): Run[] {
  const [dLo, dHi] = [Math.min(0, drop[width - 1]), Math.max(0, drop[width - 1])];
  const runs: Run[] = [];
  for (let y0 = -dHi; y0 < height - dLo; y0++) {
    let start = -1;
    let last = 0;
    for (let x = 0; x < width; x++) {
      const y = y0 + drop[x];
      if (y >= 0 && y < height && ink[y * width + x]) {
        if (start < 0) start = x;
        last = x;
      } else if (start >= 0 && x - last > GAP) {
        keep(runs, y0, start, last, min);
        start = -1;
      }
    }
    keep(runs, y0, start, last, min);
  }
  return runs;
}

/**
 * Ink runs down columns that move `shift[y]` pixels at row y, followed column by column (x0: where the column
 * crosses the top row) while the rows are read once, top to bottom.
 */
function verticalRuns(ink: Uint8Array, width: number, height: number, shift: Int32Array, min: number): Run[] {
  const [sLo, sHi] = [Math.min(0, shift[height - 1]), Math.max(0, shift[height - 1])];
  const runs: Run[] = [];
  const columns = width + sHi - sLo;
  const vStart = new Int32Array(columns).fill(-1);
  const vLast = new Int32Array(columns);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const c = x + shift[y] - sLo;
      if (ink[row + x]) {
        if (vStart[c] < 0) vStart[c] = y;
        vLast[c] = y;
      } else if (vStart[c] >= 0 && y - vLast[c] > GAP) {
        keep(runs, c + sLo, vStart[c], vLast[c], min);
        vStart[c] = -1;
      }
    }
  }
  for (let c = 0; c < columns; c++) if (vStart[c] >= 0) keep(runs, c + sLo, vStart[c], vLast[c], min);
  return runs;
}

/**
 * The page's horizontal and vertical rules, their sizes scaled by the height of its text (pixels). `slope` is
 * the page's tilt (tan of its slant): rules are followed along it, so a scan a degree or two askew still has
 * long runs; the rules come back in the image's own pixels.
 */
export function findRules(img: RgbImage, textHeight: number, slope = 0): Rules {
  const maxThickness = Math.max(MIN_THICKNESS, MAX_THICKNESS * textHeight);
  const { width, height, data } = img;
  const { lo, hi } = inkRange(img);
  const ink = inkOutside(data, lo, hi, width * height);
  const min = Math.max(2, Math.round(MIN_LENGTH * textHeight));
  // A tilted horizontal rule drops `slope` pixels a pixel across, a vertical one moves left as much a pixel down.
  const drop = Int32Array.from({ length: width }, (_, x) => Math.round(x * slope));
  const shift = Int32Array.from({ length: height }, (_, y) => Math.round(y * slope));
  const hRuns = horizontalRuns(ink, width, height, drop, min);
  const vRuns = verticalRuns(ink, width, height, shift, min);
  // Back from the tilted rows and columns to image pixels.
  const horizontal = bands(hRuns, maxThickness, true).map((r) => ({
    ...r,
    from: [r.from[0], r.from[1] + r.from[0] * slope] as Point,
    to: [r.to[0], r.to[1] + r.to[0] * slope] as Point,
  }));
  const vertical = bands(vRuns, maxThickness, false).map((r) => ({
    ...r,
    from: [r.from[0] - r.from[1] * slope, r.from[1]] as Point,
    to: [r.to[0] - r.to[1] * slope, r.to[1]] as Point,
  }));
  return { horizontal, vertical };
}

/**
 * Whether a page may hold a ruled table, so is worth searching for rules: some of its text boxes sit side by
 * side on one line (the cells of a table row: rules part the detector's boxes). A page of running text, one
 * box a line, is not searched.
 */
export function sideBySide(boxes: readonly Quad[]): boolean {
  const spans = boxes.map((q) => {
    const xs = q.map((p) => p[0]);
    const ys = q.map((p) => p[1]);
    return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
  });
  return spans.some((a, i) =>
    spans.some(
      (b, j) =>
        j > i &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5 * Math.min(a.bottom - a.top, b.bottom - b.top) &&
        (a.right <= b.left || b.right <= a.left),
    ),
  );
}
