// Turns the DB detector's probability map into text boxes, the way PaddleOCR's DBPostProcess does:
// binarise, take each connected region's minimum-area rectangle, score it on the map, grow it by the
// unclip ratio (the model is trained on shrunk text regions) and scale it back to the source image.
import type { Quad } from '../../contract/ocr';
import { convexHull, minAreaRect, rectCorners, type RotatedRect } from './geometry';

export interface DbOptions {
  /** Pixels above this probability are text. */
  threshold: number;
  /** Mean probability inside a box needed to keep it. */
  boxThreshold: number;
  /** How far the shrunk region is grown back: offset = area × ratio / perimeter. */
  unclipRatio: number;
  /** Shorter side (map pixels) below which a region is noise. */
  minSize: number;
  maxCandidates: number;
}

// Unclip 2.0 rather than PaddleOCR's 1.5: boxes that end tight on the last glyph lost trailing punctuation
// ("。", "!", ","); on two rendered sets of 60 CER fell from 0.46 % to 0.12 % and from 0.24 % to 0.12 %,
// and single-spaced lines (no leading) still come out as separate boxes.
export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 2.0, minSize: 3, maxCandidates: 1000 };

export interface DetectedBox {
  box: Quad;
  score: number;
}

/**
 * Mean map value inside the quad (PaddleOCR's "fast" box score: the polygon, not the region's pixels). A pixel
 * counts when it lies on the inner side of every edge, within half a pixel; the quad is convex, so each row's
 * pixels inside form one run, found from the four edges instead of testing every pixel.
 */
function boxScore(map: Float32Array, w: number, h: number, q: Quad): number {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(w - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(...ys)));
  // Edge i from a to b: inside where ex·(y − ay) − ey·(x − ax) ≥ −½·|ab| (clockwise quad).
  const edges = q.map((a, i) => {
    const b = q[(i + 1) % 4];
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    return { ax: a[0], ay: a[1], ex, ey, tol: -0.5 * Math.hypot(ex, ey) };
  });
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    let lo = x0;
    let hi = x1;
    for (const e of edges) {
      // ex·(y − ay) + ey·ax − tol ≥ ey·x
      const c = e.ex * (y - e.ay) + e.ey * e.ax - e.tol;
      if (e.ey > 0) hi = Math.min(hi, Math.floor(c / e.ey));
      else if (e.ey < 0) lo = Math.max(lo, Math.ceil(c / e.ey));
      else if (c < 0) hi = lo - 1;
    }
    for (let x = lo, i = y * w + lo; x <= hi; x++, i++) sum += map[i];
    if (hi >= lo) count += hi - lo + 1;
  }
  return count ? sum / count : 0;
}

// The pixel loops are functions of their own: V8 optimises each once, rather than entering optimised code mid-loop
// and falling back at the first statement after it on every image.

/** 1 where the probability map is over the threshold, else 0. */
function binarise(map: Float32Array, threshold: number, bitmap: Uint8Array): void {
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = map[i] > threshold ? 1 : 0;
}

/**
 * Flood-fills the 8-connected region of 1s at `start` (marking it 2), remembering each row's extent in rowMin and
 * rowMax: the hull of those row ends is the hull of the region, so the rectangle needs no contour tracing. The
 * first and last rows it covers go to `rows`.
 */
function fillRegion(
  bitmap: Uint8Array,
  mapW: number,
  mapH: number,
  start: number,
  stack: Int32Array,
  rowMin: Int32Array,
  rowMax: Int32Array,
  rows: Int32Array,
): void {
  let top = 0;
  stack[top++] = start;
  bitmap[start] = 2;
  let yMin = mapH,
    yMax = -1;
  while (top > 0) {
    const p = stack[--top];
    const y = (p / mapW) | 0;
    const x = p - y * mapW;
    if (rowMin[y] < 0 || x < rowMin[y]) rowMin[y] = x;
    if (x > rowMax[y]) rowMax[y] = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= mapH) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= mapW) continue;
        const q = ny * mapW + nx;
        if (bitmap[q] === 1) {
          bitmap[q] = 2;
          stack[top++] = q;
        }
      }
    }
  }
  rows[0] = yMin;
  rows[1] = yMax;
}

/** Boxes in source-image pixels, unsorted. */
export function dbPostprocess(
  map: Float32Array,
  mapW: number,
  mapH: number,
  srcW: number,
  srcH: number,
  opts: DbOptions = DB_DEFAULTS,
): DetectedBox[] {
  const n = mapW * mapH;
  const bitmap = new Uint8Array(n);
  binarise(map, opts.threshold, bitmap);

  const stack = new Int32Array(n);
  const rowMin = new Int32Array(mapH).fill(-1);
  const rowMax = new Int32Array(mapH).fill(-1);
  const rows = new Int32Array(2);
  const boxes: DetectedBox[] = [];
  let candidates = 0;
  const sx = srcW / mapW;
  const sy = srcH / mapH;

  // indexOf finds the next unvisited text pixel natively: no JavaScript loop over the (mostly empty) map.
  for (let start = bitmap.indexOf(1); start >= 0 && candidates < opts.maxCandidates; start = bitmap.indexOf(1, start + 1)) {
    fillRegion(bitmap, mapW, mapH, start, stack, rowMin, rowMax, rows);
    const yMin = rows[0];
    const yMax = rows[1];
    candidates++;
    const flat: number[] = [];
    for (let y = yMin; y <= yMax; y++) {
      if (rowMin[y] >= 0) flat.push(rowMin[y], y, rowMax[y], y);
      rowMin[y] = -1;
      rowMax[y] = -1;
    }
    const rect = minAreaRect(convexHull(flat));
    if (Math.min(rect.w, rect.h) < opts.minSize) continue;
    const score = boxScore(map, mapW, mapH, rectCorners(rect));
    if (score < opts.boxThreshold) continue;
    // Unclip: offsetting a w×h rectangle by d (round joins) has the minimum-area rectangle (w+2d)×(h+2d).
    const d = (rect.w * rect.h * opts.unclipRatio) / (2 * (rect.w + rect.h));
    const grown: RotatedRect = { ...rect, w: rect.w + 2 * d, h: rect.h + 2 * d };
    if (Math.min(grown.w, grown.h) < opts.minSize + 2) continue;
    const corners = rectCorners(grown);
    const box = corners.map(([x, y]) => [
      Math.min(srcW, Math.max(0, Math.round(x * sx))),
      Math.min(srcH, Math.max(0, Math.round(y * sy))),
    ]) as Quad;
    // PaddleOCR drops boxes that end up 3 px or thinner after clipping.
    const bw = Math.hypot(box[1][0] - box[0][0], box[1][1] - box[0][1]);
    const bh = Math.hypot(box[3][0] - box[0][0], box[3][1] - box[0][1]);
    if (bw <= 3 || bh <= 3) continue;
    boxes.push({ box, score });
  }
  return boxes;
}
