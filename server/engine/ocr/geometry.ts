// Plane geometry the detector's post-processing needs: convex hull, minimum-area rectangle, box ordering.
import type { Point, Quad } from '../../contract/ocr';

export interface RotatedRect {
  cx: number;
  cy: number;
  /** Length along `ux,uy`. */
  w: number;
  /** Length along the perpendicular. */
  h: number;
  ux: number;
  uy: number;
}

/** Andrew's monotone chain; points as flat [x0,y0,x1,y1,...]. Returns hull points counter-clockwise. */
export function convexHull(flat: readonly number[]): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < flat.length; i += 2) pts.push([flat[i], flat[i + 1]]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** Minimum-area enclosing rectangle by rotating calipers over the hull edges. */
export function minAreaRect(hull: readonly Point[]): RotatedRect {
  if (hull.length === 0) return { cx: 0, cy: 0, w: 0, h: 0, ux: 1, uy: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  const n = hull.length;
  for (let i = 0; i < n; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % n];
    let ux = b[0] - a[0];
    let uy = b[1] - a[1];
    const len = Math.hypot(ux, uy);
    if (len === 0) {
      if (n > 1) continue;
      ux = 1;
      uy = 0;
    } else {
      ux /= len;
      uy /= len;
    }
    let minU = Infinity,
      maxU = -Infinity,
      minV = Infinity,
      maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, w: maxU - minU, h: maxV - minV, ux, uy };
    }
  }
  return best ?? { cx: hull[0][0], cy: hull[0][1], w: 0, h: 0, ux: 1, uy: 0 };
}

/** The rectangle's corners ordered top-left, top-right, bottom-right, bottom-left (as PaddleOCR orders them). */
export function rectCorners(r: RotatedRect): Quad {
  const hx = (r.ux * r.w) / 2,
    hy = (r.uy * r.w) / 2;
  const vx = (-r.uy * r.h) / 2,
    vy = (r.ux * r.h) / 2;
  const pts: Point[] = [
    [r.cx - hx - vx, r.cy - hy - vy],
    [r.cx + hx - vx, r.cy + hy - vy],
    [r.cx + hx + vx, r.cy + hy + vy],
    [r.cx - hx + vx, r.cy - hy + vy],
  ];
  return orderCorners(pts);
}

/** Sorts 4 points by x; of the left pair the upper one is top-left, of the right pair the upper one is top-right. */
export function orderCorners(pts: readonly Point[]): Quad {
  const s = [...pts].sort((a, b) => a[0] - b[0]);
  const [tl, bl] = s[0][1] <= s[1][1] ? [s[0], s[1]] : [s[1], s[0]];
  const [tr, br] = s[2][1] <= s[3][1] ? [s[2], s[3]] : [s[3], s[2]];
  return [tl, tr, br, bl];
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
