// Which pixels of a line crop are ink: the background is the median grey, and a pixel is ink where its
// distance to it reaches 0.3 of the strong ink (98th percentile of the distances). Works for dark text on
// light and light text on dark alike. Word gaps (wordGaps.ts) and raised marks (raisedMarks.ts) measure on it.
import type { RgbImage } from '../image';

export interface InkMask {
  width: number;
  height: number;
  /** 1 where the pixel is ink, row-major. */
  ink: Uint8Array;
}

function quantile(histogram: Uint32Array, total: number, q: number): number {
  const target = total * q;
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v];
    if (seen >= target) return v;
  }
  return histogram.length - 1;
}

export function inkMask(crop: RgbImage): InkMask {
  const { data, width, height } = crop;
  // Background and threshold both from 256-bin histograms, which costs one pass instead of sorting every pixel
  // of every line. Each pass is a function of its own, so V8 optimises it once rather than mid-way on every crop.
  const grey = new Uint8Array(width * height);
  const histogram = new Uint32Array(256);
  greyLevels(data, grey, histogram);
  const bg = quantile(histogram, grey.length, 0.5);
  const distances = new Uint32Array(256);
  distanceHistogram(grey, bg, distances);
  const strong = quantile(distances, grey.length, 0.98);
  // 0.3 of the strongest ink still catches thin antialiased strokes ("l" at 12 px spreads over two columns).
  const threshold = Math.max(20, strong * 0.3);
  const ink = new Uint8Array(grey.length);
  markInk(grey, bg, threshold, ink);
  return { width, height, ink };
}

function greyLevels(rgb: Uint8Array, grey: Uint8Array, histogram: Uint32Array): void {
  for (let i = 0; i < grey.length; i++) {
    const g = ((rgb[i * 3] + rgb[i * 3 + 1] + rgb[i * 3 + 2]) / 3) | 0;
    grey[i] = g;
    histogram[g]++;
  }
}

function distanceHistogram(grey: Uint8Array, bg: number, distances: Uint32Array): void {
  for (let i = 0; i < grey.length; i++) distances[Math.abs(grey[i] - bg)]++;
}

function markInk(grey: Uint8Array, bg: number, threshold: number, ink: Uint8Array): void {
  for (let i = 0; i < grey.length; i++) ink[i] = Math.abs(grey[i] - bg) > threshold ? 1 : 0;
}
