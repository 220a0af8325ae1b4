import { describe, expect, it } from 'vitest';
import { convexHull, minAreaRect, orderCorners, rectCorners } from './geometry';

describe('geometry', () => {
  it('finds the hull and the minimum-area rectangle of a rotated rectangle', () => {
    // A 40×10 rectangle turned by 30°, plus interior points.
    const a = Math.PI / 6;
    const pts: number[] = [];
    for (const [u, v] of [
      [-20, -5],
      [20, -5],
      [20, 5],
      [-20, 5],
      [0, 0],
      [5, 2],
    ]) {
      pts.push(100 + u * Math.cos(a) - v * Math.sin(a), 50 + u * Math.sin(a) + v * Math.cos(a));
    }
    expect(convexHull(pts)).toHaveLength(4);
    const r = minAreaRect(convexHull(pts));
    expect([Math.max(r.w, r.h), Math.min(r.w, r.h)].map((v) => Math.round(v))).toEqual([40, 10]);
    expect([Math.round(r.cx), Math.round(r.cy)]).toEqual([100, 50]);
  });

  it('orders corners top-left, top-right, bottom-right, bottom-left', () => {
    expect(
      orderCorners([
        [10, 10],
        [0, 5],
        [1, 0],
        [11, 4],
      ]),
    ).toEqual([
      [1, 0],
      [11, 4],
      [10, 10],
      [0, 5],
    ]);
    const q = rectCorners({ cx: 50, cy: 20, w: 60, h: 10, ux: 1, uy: 0 });
    expect(q).toEqual([
      [20, 15],
      [80, 15],
      [80, 25],
      [20, 25],
    ]);
  });
});
