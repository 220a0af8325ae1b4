// Puts detected lines into reading order: top to bottom, left to right, measured along the page's own
// slant (the median box angle) so a skewed page does not shuffle words of one line; upside-down pages
// are read from the other corner.
import type { Quad } from '../../contract/ocr';

function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Indexes of `boxes` in reading order. */
export function readingOrder(boxes: readonly Quad[], upsideDown = false): number[] {
  const angle = median(boxes.map((b) => Math.atan2(b[1][1] - b[0][1], b[1][0] - b[0][0])));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const sign = upsideDown ? -1 : 1;
  const items = boxes.map((b, i) => {
    const cx = (b[0][0] + b[1][0] + b[2][0] + b[3][0]) / 4;
    const cy = (b[0][1] + b[1][1] + b[2][1] + b[3][1]) / 4;
    // u runs along the text, v down the page (both flipped for an upside-down page).
    const u = sign * (cx * cos + cy * sin);
    const v = sign * (-cx * sin + cy * cos);
    const h = (Math.hypot(b[3][0] - b[0][0], b[3][1] - b[0][1]) + Math.hypot(b[2][0] - b[1][0], b[2][1] - b[1][1])) / 2;
    const w = (Math.hypot(b[1][0] - b[0][0], b[1][1] - b[0][1]) + Math.hypot(b[2][0] - b[3][0], b[2][1] - b[3][1])) / 2;
    return { i, u, v, h, left: u - w / 2 };
  });
  items.sort((a, b) => a.v - b.v);
  const lines: { v: number; h: number; members: typeof items }[] = [];
  for (const it of items) {
    // Same line when the centres are within half the smaller height of each other.
    const line = lines.find((l) => Math.abs(l.v - it.v) < 0.5 * Math.min(l.h, it.h));
    if (line) line.members.push(it);
    else lines.push({ v: it.v, h: it.h, members: [it] });
  }
  lines.sort((a, b) => a.v - b.v);
  return lines.flatMap((l) => l.members.sort((a, b) => a.left - b.left).map((m) => m.i));
}
