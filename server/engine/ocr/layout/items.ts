// A recognised fragment as layout sees it: its text and confidence plus an axis-aligned rectangle in the
// upright, de-skewed page frame (frame.ts); and the small statistics the layout rules are scaled by.
import type { Quad } from '../../../contract/ocr';
import type { PageFrame } from './frame';

export interface Fragment {
  text: string;
  confidence: number;
  /** In image pixels. */
  box: Quad;
  /** Read from a PDF page's own text layer, not recognised. */
  textLayer?: boolean;
}

export interface Item {
  /** Index of the fragment this came from. */
  index: number;
  text: string;
  confidence: number;
  box: Quad;
  left: number;
  top: number;
  right: number;
  bottom: number;
  textLayer?: boolean;
  /** On an item standing for a block laid out apart (a ruled table, a block of vertical text): its index. */
  aside?: number;
}

export function toItems(fragments: readonly Fragment[], frame: PageFrame): Item[] {
  return fragments.map((f, index) => {
    const pts = f.box.map((p) => frame.toFrame(p));
    const us = pts.map((p) => p[0]);
    const vs = pts.map((p) => p[1]);
    return {
      index,
      text: f.text,
      confidence: f.confidence,
      box: f.box,
      ...(f.textLayer ? { textLayer: true } : {}),
      left: Math.min(...us),
      top: Math.min(...vs),
      right: Math.max(...us),
      bottom: Math.max(...vs),
    };
  });
}

export const heightOf = (r: { top: number; bottom: number }): number => r.bottom - r.top;
export const widthOf = (r: { left: number; right: number }): number => r.right - r.left;

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** The frame rectangle as an image quad, clockwise from its top-left as read. */
export function rectQuad(r: { left: number; top: number; right: number; bottom: number }, frame: PageFrame): Quad {
  const round = ([x, y]: [number, number]): [number, number] => [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  return [
    round(frame.toImage([r.left, r.top])),
    round(frame.toImage([r.right, r.top])),
    round(frame.toImage([r.right, r.bottom])),
    round(frame.toImage([r.left, r.bottom])),
  ];
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/u;

/** Joins two pieces of running text: no space between two CJK characters, one space otherwise. */
export function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return CJK.test(a[a.length - 1]) && CJK.test(b[0]) ? a + b : `${a} ${b}`;
}
