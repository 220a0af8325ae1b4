// The upright, de-skewed page frame layout works in: a page turn (0/90/180/270 clockwise) followed by the
// page's own slant removed, so rows are horizontal and columns vertical; and the way back to image pixels.
import type { Point, Quad, Rotation } from '../../../contract/ocr';

export interface PageFrame {
  /** Image pixel → upright, de-skewed frame. */
  toFrame(p: Point): Point;
  /** Upright, de-skewed frame → image pixel. */
  toImage(p: Point): Point;
}

/** Where a point of a `width`×`height` image lands when the image is turned `rotation` degrees clockwise. */
export function turnPoint([x, y]: Point, rotation: Rotation, width: number, height: number): Point {
  switch (rotation) {
    case 90:
      return [height - y, x];
    case 180:
      return [width - x, height - y];
    case 270:
      return [y, width - x];
    default:
      return [x, y];
  }
}

/** The inverse of `turnPoint`: a point of the turned image back in the original one. */
export function unturnPoint([u, v]: Point, rotation: Rotation, width: number, height: number): Point {
  switch (rotation) {
    case 90:
      return [v, height - u];
    case 180:
      return [width - u, height - v];
    case 270:
      return [width - v, u];
    default:
      return [u, v];
  }
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * The page's slant once turned upright (radians, clockwise positive as image y runs down): the median slant of
 * its boxes' long edges, taken modulo 180° so the corner order a box comes with does not matter. A rigid turn
 * keeps angles, so the same slant tilts the image's own rules.
 */
export function pageSlant(boxes: readonly Quad[], rotation: Rotation, width: number, height: number): number {
  const turned = boxes.map((b) => b.map((p) => turnPoint(p, rotation, width, height)) as Quad);
  return median(
    turned.map((b) => {
      const [p, q] =
        Math.hypot(b[1][0] - b[0][0], b[1][1] - b[0][1]) >= Math.hypot(b[3][0] - b[0][0], b[3][1] - b[0][1]) ? [b[0], b[1]] : [b[0], b[3]];
      let a = Math.atan2(q[1] - p[1], q[0] - p[0]);
      if (a > Math.PI / 2) a -= Math.PI;
      if (a <= -Math.PI / 2) a += Math.PI;
      // Boxes whose long edge is not roughly horizontal once turned (vertical text, specks) do not vote.
      return Math.abs(a) < Math.PI / 6 ? a : 0;
    }),
  );
}

/** The frame for boxes of a `width`×`height` image read after turning it by `rotation`. */
export function pageFrame(boxes: readonly Quad[], rotation: Rotation, width: number, height: number): PageFrame {
  const angle = pageSlant(boxes, rotation, width, height);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return {
    toFrame(p) {
      const [x, y] = turnPoint(p, rotation, width, height);
      return [x * cos + y * sin, -x * sin + y * cos];
    },
    toImage([u, v]) {
      return unturnPoint([u * cos - v * sin, u * sin + v * cos], rotation, width, height);
    },
  };
}
