import { describe, expect, it } from 'vitest';
import type { Quad } from '../../contract/ocr';
import { readingOrder } from './readingOrder';

const box = (x: number, y: number, w: number, h: number, slope = 0): Quad => [
  [x, y],
  [x + w, y + w * slope],
  [x + w, y + w * slope + h],
  [x, y + h],
];

describe('readingOrder', () => {
  it('reads rows top to bottom and boxes of one row left to right, along a skewed page', () => {
    const s = Math.tan((4 * Math.PI) / 180);
    // Row 1 split in two boxes (the right one lower because of the skew), row 2 below.
    const boxes = [box(10, 60, 200, 20, s), box(300, 10 + 300 * s, 150, 20, s), box(10, 10, 250, 20, s)];
    expect(readingOrder(boxes)).toEqual([2, 1, 0]);
  });

  it('reads an upside-down page from the bottom-right corner', () => {
    const boxes = [box(10, 10, 100, 20), box(10, 50, 100, 20), box(150, 50, 60, 20)];
    expect(readingOrder(boxes)).toEqual([0, 1, 2]);
    expect(readingOrder(boxes, true)).toEqual([2, 1, 0]);
  });
});
