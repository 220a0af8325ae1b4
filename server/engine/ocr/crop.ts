// Cuts each detected quad out of the image as an upright rectangle (perspective transform, bilinear, edge
// pixels repeated), turns tall crops by 90° as PaddleOCR does, and resizes crops for the classifier/recogniser.
import type { Point, Quad } from '../../contract/ocr';
import type { RgbImage } from '../image';
import { distance } from './geometry';

/** Solves the 8 homography parameters mapping `from[i]` to `to[i]` (Gaussian elimination). */
function homography(from: readonly Point[], to: readonly Point[]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const div = a[c][c] || 1e-12;
    for (let k = c; k < 9; k++) a[c][k] /= div;
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f === 0) continue;
      for (let k = c; k < 9; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row) => row[8]);
}

/** The quad straightened into a width×height RGB image (width = longer of top/bottom edge, height likewise). */
export function cropQuad(img: RgbImage, quad: Quad): RgbImage {
  const width = Math.max(1, Math.round(Math.max(distance(quad[0], quad[1]), distance(quad[2], quad[3]))));
  const height = Math.max(1, Math.round(Math.max(distance(quad[0], quad[3]), distance(quad[1], quad[2]))));
  const dst: Point[] = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  const m = homography(dst, quad);
  const out = Buffer.alloc(width * height * 3);
  warpBilinear(img.data, img.width, img.height, m, out, width, height);
  return { data: out, width, height };
}

// The pixel loops below live in functions of their own, with nothing but plain arguments: V8 then optimises each
// loop once, instead of entering optimised code mid-loop and falling back at the first statement after it.

/** Samples `data` (W×H RGB) through the homography `m` into `out` (width×height RGB), bilinearly. */
function warpBilinear(data: Uint8Array, W: number, H: number, m: number[], out: Uint8Array, width: number, height: number): void {
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const den = m[6] * x + m[7] * y + 1;
      let sx = (m[0] * x + m[1] * y + m[2]) / den;
      let sy = (m[3] * x + m[4] * y + m[5]) / den;
      sx = Math.min(W - 1, Math.max(0, sx));
      sy = Math.min(H - 1, Math.max(0, sy));
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy);
      const x1 = Math.min(W - 1, x0 + 1),
        y1 = Math.min(H - 1, y0 + 1);
      const fx = sx - x0,
        fy = sy - y0;
      const p00 = (y0 * W + x0) * 3,
        p10 = (y0 * W + x1) * 3,
        p01 = (y1 * W + x0) * 3,
        p11 = (y1 * W + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p10 + c] - data[p00 + c]) * fx;
        const bottom = data[p01 + c] + (data[p11 + c] - data[p01 + c]) * fx;
        out[o + c] = top + (bottom - top) * fy + 0.5;
      }
    }
  }
}

/** 90° counter-clockwise (numpy rot90), for text lines that run top to bottom. */
export function rotate90ccw(img: RgbImage): RgbImage {
  const out = Buffer.alloc(img.data.length);
  turnLeft(img.data, img.width, img.height, out);
  return { data: out, width: img.height, height: img.width };
}

function turnLeft(data: Uint8Array, w: number, h: number, out: Uint8Array): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = ((w - 1 - x) * h + y) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
}

export function rotate180(img: RgbImage): RgbImage {
  const out = Buffer.alloc(img.data.length);
  turnOver(img.data, out);
  return { data: out, width: img.width, height: img.height };
}

function turnOver(data: Uint8Array, out: Uint8Array): void {
  const n = data.length / 3;
  for (let i = 0; i < n; i++) {
    const s = i * 3;
    const d = (n - 1 - i) * 3;
    out[d] = data[s];
    out[d + 1] = data[s + 1];
    out[d + 2] = data[s + 2];
  }
}

/** Cuts the quad out; crops at least 1.5× taller than wide are turned to run left to right. */
export function cropTextLine(img: RgbImage, quad: Quad): RgbImage {
  const crop = cropQuad(img, quad);
  return crop.height / crop.width >= 1.5 ? rotate90ccw(crop) : crop;
}

/** Bilinear interpolation between four neighbours (top-left, top-right, bottom-left, bottom-right). */
function lerp2(v00: number, v10: number, v01: number, v11: number, fx: number, fy: number): number {
  const top = v00 + (v10 - v00) * fx;
  const bottom = v01 + (v11 - v01) * fx;
  return top + (bottom - top) * fy;
}

/**
 * Writes the crop, resized to `height` × `width` (bilinear, pixel centres aligned like cv2.resize), into a
 * planar CHW float tensor of `tensorWidth` columns normalised to (x/255 − 0.5)/0.5; columns past `width` stay 0.
 */
export function writeNormalisedCrop(
  crop: RgbImage,
  width: number,
  height: number,
  out: Float32Array,
  offset: number,
  tensorWidth: number,
): void {
  const { data, width: W, height: H } = crop;
  const plane = height * tensorWidth;
  const scaleX = W / width;
  const scaleY = H / height;
  // Source columns and weights are the same on every row: computed once.
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  const wx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(W - 1, Math.max(0, (x + 0.5) * scaleX - 0.5));
    left[x] = Math.floor(sx);
    right[x] = Math.min(W - 1, left[x] + 1);
    wx[x] = sx - left[x];
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(H - 1, Math.max(0, (y + 0.5) * scaleY - 0.5));
    const y0 = Math.floor(sy),
      y1 = Math.min(H - 1, y0 + 1),
      fy = sy - y0;
    const row0 = y0 * W,
      row1 = y1 * W;
    for (let x = 0; x < width; x++) {
      const fx = wx[x];
      const p00 = (row0 + left[x]) * 3,
        p10 = (row0 + right[x]) * 3,
        p01 = (row1 + left[x]) * 3,
        p11 = (row1 + right[x]) * 3;
      const o = offset + y * tensorWidth + x;
      // PaddleOCR reads BGR with OpenCV; the recogniser and classifier were trained on that channel order:
      // red goes to the third plane, blue to the first.
      out[o + 2 * plane] = lerp2(data[p00], data[p10], data[p01], data[p11], fx, fy) / 127.5 - 1;
      out[o + plane] = lerp2(data[p00 + 1], data[p10 + 1], data[p01 + 1], data[p11 + 1], fx, fy) / 127.5 - 1;
      out[o] = lerp2(data[p00 + 2], data[p10 + 2], data[p01 + 2], data[p11 + 2], fx, fy) / 127.5 - 1;
    }
  }
}
