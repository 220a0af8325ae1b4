// Ruling lines on a page image (the rules of a ruled table): after binarising against the paper's own tone,
// long thin runs of ink, horizontal and vertical, joined across the few pixel rows or columns a rule is thick.
// Text never makes them (its strokes are shorter than a few text heights); filled areas and shadows are too
// thick to count.
import type { Point } from '../../contract/ocr';
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

const greyAt = (data: Buffer, p: number): number => (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;

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

/** The page's horizontal and vertical rules, their sizes scaled by the height of its text (pixels). */
export function findRules(img: RgbImage, textHeight: number): Rules {
  const maxThickness = Math.max(MIN_THICKNESS, MAX_THICKNESS * textHeight);
  const { width, height, data } = img;
  const { lo, hi } = inkRange(img);
  const min = Math.max(2, Math.round(MIN_LENGTH * textHeight));
  const hRuns: Run[] = [];
  const vRuns: Run[] = [];
  // Vertical runs are followed column by column while the rows are read once, top to bottom.
  const vStart = new Int32Array(width).fill(-1);
  const vLast = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    let start = -1;
    let last = 0;
    for (let x = 0, p = y * width * 3; x < width; x++, p += 3) {
      const g = greyAt(data, p);
      if (g < lo || g > hi) {
        if (start < 0) start = x;
        last = x;
        if (vStart[x] < 0) vStart[x] = y;
        vLast[x] = y;
        continue;
      }
      if (start >= 0 && x - last > GAP) {
        if (last - start + 1 >= min) hRuns.push({ at: y, start, end: last });
        start = -1;
      }
      if (vStart[x] >= 0 && y - vLast[x] > GAP) {
        if (vLast[x] - vStart[x] + 1 >= min) vRuns.push({ at: x, start: vStart[x], end: vLast[x] });
        vStart[x] = -1;
      }
    }
    if (start >= 0 && last - start + 1 >= min) hRuns.push({ at: y, start, end: last });
  }
  for (let x = 0; x < width; x++) {
    if (vStart[x] >= 0 && vLast[x] - vStart[x] + 1 >= min) vRuns.push({ at: x, start: vStart[x], end: vLast[x] });
  }
  return { horizontal: bands(hRuns, maxThickness, true), vertical: bands(vRuns, maxThickness, false) };
}
