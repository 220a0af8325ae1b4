// Whole pages fed in sideways or upside down, through the real engine: the turn found, the text read
// upright in reading order, and every box in the pixels of the image as given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point, Rotation } from '../../contract/ocr';
import type { OcrResult } from '../../contract/ocr';
import { createEngine, type Engine } from '../index';
import { newsletterPage, NEWSLETTER } from '../../testkit/pages';
import { turnPoint } from './layout/frame';

let engine: Engine;
let upright: OcrResult;
const WIDTH = 1100;
const HEIGHT = 900;

beforeAll(async () => {
  engine = await createEngine({ workers: 1, queueDepth: 4, cacheEntries: 0, providers: ['cpu'] });
  upright = await engine.ocr(await newsletterPage());
});

afterAll(async () => {
  await engine?.close();
});

// Half a text height: the detector's quads on a page read as it lies differ by a few pixels from upright.
const near = (a: Point, b: Point): boolean => Math.hypot(a[0] - b[0], a[1] - b[1]) < 12;

describe('page orientation', () => {
  // The page as scanned was turned `scanned` degrees clockwise; reading it needs the rest of the circle.
  it.each([
    [90, 270],
    [180, 180],
    [270, 90],
  ] as const)('reads a page scanned turned by %i° after turning it %i°, boxes on the scan', async (scanned, applied) => {
    const r = await engine.ocr(await newsletterPage(scanned));
    expect(r.rotation).toBe(applied);
    expect(r.lines.map((l) => l.text)).toEqual([NEWSLETTER.title, ...NEWSLETTER.left, ...NEWSLETTER.right, NEWSLETTER.footer]);
    const turnedSize = scanned === 180 ? [WIDTH, HEIGHT] : [HEIGHT, WIDTH];
    expect([r.width, r.height]).toEqual(turnedSize);
    // Each line's corners (from the text's own top-left) are where the upright page's corners land on the scan.
    r.lines.forEach((line, i) => {
      line.box.forEach((corner, k) => {
        const expected = turnPoint(upright.lines[i].box[k], scanned as Rotation, WIDTH, HEIGHT);
        expect(near(corner, expected), `line ${i} corner ${k}: ${corner} vs ${expected}`).toBe(true);
      });
    });
  });
});
