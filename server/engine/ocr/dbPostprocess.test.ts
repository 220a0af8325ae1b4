import { describe, expect, it } from 'vitest';
import { DB_DEFAULTS, dbPostprocess } from './dbPostprocess';

function map(w: number, h: number, regions: [number, number, number, number, number][]): Float32Array {
  const m = new Float32Array(w * h);
  for (const [x0, y0, x1, y1, p] of regions) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = p;
  return m;
}

describe('dbPostprocess', () => {
  it('turns each confident region into an unclipped box scaled to the source image', () => {
    // Two shrunk text regions on a 64×32 map of a 128×64 image; a faint one and a speck are dropped.
    const m = map(64, 32, [
      [10, 4, 50, 10, 0.9],
      [10, 16, 30, 22, 0.95],
      [40, 20, 60, 26, 0.35],
      [2, 28, 4, 30, 0.9],
    ]);
    const boxes = dbPostprocess(m, 64, 32, 128, 64, { ...DB_DEFAULTS, unclipRatio: 1.5 });
    expect(boxes).toHaveLength(2);
    const [a] = boxes.sort((p, q) => p.box[0][1] - q.box[0][1]);
    // Region 39×5 (pixel centres 10..49) grows by d = 39·5·1.5 / (2·44) ≈ 3.3 on each side: x 6.7..52.3, ×2 to the source.
    const [tl, tr, br] = a.box;
    expect(tl[0]).toBeGreaterThanOrEqual(12);
    expect(tl[0]).toBeLessThanOrEqual(15);
    expect(tr[0]).toBeGreaterThanOrEqual(104);
    expect(tr[0]).toBeLessThanOrEqual(106);
    expect(br[1] - tr[1]).toBeGreaterThanOrEqual(20);
    expect(br[1] - tr[1]).toBeLessThanOrEqual(24);
    expect(a.score).toBeCloseTo(0.9, 1);
  });

  it('clips boxes to the image', () => {
    const m = map(32, 32, [[0, 0, 32, 6, 0.9]]);
    const [b] = dbPostprocess(m, 32, 32, 32, 32);
    for (const [x, y] of b.box) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(32);
      expect(y).toBeGreaterThanOrEqual(0);
    }
  });
});
