import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image';
import { findRules } from './rules';

/** A page of `paper` grey with rectangles of `ink` grey (x, y, width, height). */
function page(paper: number, ink: number, rects: [number, number, number, number][]): RgbImage {
  const width = 300;
  const height = 200;
  const data = Buffer.alloc(width * height * 3, paper);
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; y++) data.fill(ink, (y * width + x0) * 3, (y * width + x0 + w) * 3);
  }
  return { data, width, height };
}

describe('findRules', () => {
  const rects: [number, number, number, number][] = [
    // A frame of two horizontal and two vertical rules, two pixels thick.
    [10, 20, 280, 2],
    [10, 100, 280, 2],
    [10, 20, 2, 82],
    [288, 20, 2, 82],
    // Glyph strokes: shorter than three text heights (20 px).
    [40, 40, 30, 3],
    [40, 40, 3, 30],
    // A filled bar: long, but far thicker than a rule.
    [20, 150, 260, 20],
  ];

  it('finds long thin runs of ink, not glyph strokes or filled areas', () => {
    expect(findRules(page(250, 90, rects), 20)).toEqual({
      horizontal: [
        { from: [10, 20.5], to: [289, 20.5], thickness: 2 },
        { from: [10, 100.5], to: [289, 100.5], thickness: 2 },
      ],
      vertical: [
        { from: [10.5, 20], to: [10.5, 101], thickness: 2 },
        { from: [288.5, 20], to: [288.5, 101], thickness: 2 },
      ],
    });
  });

  it('takes light grey rules on white paper, and light rules on dark paper', () => {
    const light = findRules(page(255, 200, rects), 20);
    expect([light.horizontal.length, light.vertical.length]).toEqual([2, 2]);
    const inverted = findRules(page(30, 220, rects), 20);
    expect(inverted.horizontal.map((r) => r.from)).toEqual([
      [10, 20.5],
      [10, 100.5],
    ]);
  });

  it('finds none on a page of text', () => {
    expect(findRules(page(255, 0, rects.slice(4, 6)), 20)).toEqual({ horizontal: [], vertical: [] });
  });

  it('follows rules along the tilt of the page and gives them back in image pixels', () => {
    // A rule from (20, 50) running 250 px across and dropping one pixel in every 25 (a 2.3° tilt), and one
    // running down from (30, 60), moving left as much.
    const img = page(255, 0, []);
    const ink = (x: number, y: number): void => void img.data.fill(0, (y * img.width + x) * 3, (y * img.width + x + 1) * 3);
    for (let x = 20; x < 270; x++) for (const t of [0, 1]) ink(x, 50 + Math.round((x - 20) / 25) + t);
    for (let y = 60; y < 190; y++) for (const t of [0, 1]) ink(30 - Math.round((y - 60) / 25) + t, y);
    expect(findRules(img, 20).horizontal).toEqual([]);
    const found = findRules(img, 20, 1 / 25);
    expect(found.horizontal).toHaveLength(1);
    expect(found.vertical).toHaveLength(1);
    const [h] = found.horizontal;
    expect(h.from[0]).toBe(20);
    expect(h.to[0]).toBe(269);
    expect(Math.abs(h.from[1] - 50.5)).toBeLessThan(1);
    expect(Math.abs(h.to[1] - 60.5)).toBeLessThan(1);
    const [v] = found.vertical;
    expect([v.from[1], v.to[1]]).toEqual([60, 189]);
    expect(Math.abs(v.from[0] - 30.5)).toBeLessThan(1);
    expect(Math.abs(v.to[0] - 25.5)).toBeLessThan(1);
  });
});
