// Reads PDF pages for OCR with pdf.js (Apache-2.0) and @napi-rs/canvas (MIT): the page count checked against
// limits, a page's own text layer as positioned fragments when it has one (with the images placed on it that
// the text layer does not cover, drawn for OCR), otherwise the page rendered to RGB at a chosen DPI.
// Encrypted, damaged and oversized PDFs become AppErrors a person understands.
import { AppError } from '../../appError';
import type { Point, Quad } from '../../contract/ocr';
import type { RgbImage } from '../image';
import { MAX_PIXELS } from '../imageSize';
import type { Fragment } from '../ocr/layout';

export { isPdf } from './isPdf';

/** More pages than this is a page-count bomb, not a document (a 2000-page scan is already ~20 hours of OCR). */
export const MAX_PDF_PAGES = 2000;
/** PDF's largest page side (14 400 pt = 200 in); beyond it a page is a size bomb whatever the DPI. */
const MAX_PAGE_POINTS = 14_400;
export const DEFAULT_PDF_DPI = 200;

// pdf.js 6 uses Promise.withResolvers, which Node 20 lacks.
const withResolvers = Promise as unknown as { withResolvers?: unknown };
withResolvers.withResolvers ??= function <T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};
// pdf.js 6 also copies font data with ArrayBuffer.prototype.transferToFixedLength (Node 21); without it every
// page with text stops drawing at its first font.
const buffers = ArrayBuffer.prototype as unknown as { transferToFixedLength?: (length?: number) => ArrayBuffer };
buffers.transferToFixedLength ??= function (this: ArrayBuffer, length = this.byteLength): ArrayBuffer {
  const out = new ArrayBuffer(length);
  new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
  return out;
};

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
const loadPdfJs = (): Promise<PdfJs> => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
// The canvas too is loaded on the first page drawn: engine workers that only read images never need it.
type Canvas = typeof import('@napi-rs/canvas');
let canvasLib: Promise<Canvas> | undefined;
const loadCanvas = (): Promise<Canvas> => (canvasLib ??= import('@napi-rs/canvas'));

/** An image placed on a page with a text layer, drawn as the page shows it; `left`/`top` place it on the page. */
export interface PageImage {
  image: RgbImage;
  left: number;
  top: number;
}

export type PdfPage =
  { kind: 'text'; fragments: Fragment[]; width: number; height: number; images: PageImage[] } | { kind: 'image'; image: RgbImage };

/** Images smaller than this many pixels a side (drawn at the chosen DPI) hold no text worth reading: rules, bullets, logos. */
const MIN_IMAGE_SIDE = 32;

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where the page paints images, in user space: each image fills the unit square under the transform current
 * when it is painted (forms nest their own matrix).
 */
function imagePlacements(ops: { fnArray: number[]; argsArray: unknown[] }, OPS: PdfJs['OPS']): Point[][] {
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const out: Point[][] = [];
  ops.fnArray.forEach((fn, i) => {
    const args = ops.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform && args) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      if (Array.isArray(args?.[0]) && args[0].length === 6) ctm = multiply(ctm, args[0] as Matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageXObjectRepeat) {
      const [a, b, c, d, e, f] = ctm;
      out.push([
        [e, f],
        [a + e, b + f],
        [c + e, d + f],
        [a + c + e, b + d + f],
      ]);
    }
  });
  return out;
}

/** Rectangles that overlap as one, so no part of the page is read twice. */
function mergeOverlapping(rects: Rect[]): Rect[] {
  const out: Rect[] = [];
  for (let r of rects) {
    for (let i = out.length - 1; i >= 0; i--) {
      const o = out[i];
      if (Math.min(o.right, r.right) > Math.max(o.left, r.left) && Math.min(o.bottom, r.bottom) > Math.max(o.top, r.top)) {
        r = {
          left: Math.min(o.left, r.left),
          top: Math.min(o.top, r.top),
          right: Math.max(o.right, r.right),
          bottom: Math.max(o.bottom, r.bottom),
        };
        out.splice(i, 1);
      }
    }
    out.push(r);
  }
  return out;
}

/** The RGB of a rectangle of an RGBA canvas. */
function cropRgb(rgba: Uint8ClampedArray, width: number, r: Rect): RgbImage {
  const w = r.right - r.left;
  const h = r.bottom - r.top;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0, o = 0; y < h; y++) {
    for (let x = 0, i = ((r.top + y) * width + r.left) * 4; x < w; x++, i += 4, o += 3) {
      rgb[o] = rgba[i];
      rgb[o + 1] = rgba[i + 1];
      rgb[o + 2] = rgba[i + 2];
    }
  }
  return { data: rgb, width: w, height: h };
}

export interface PdfDocument {
  pages: number;
  /** Page `n` (1-based) as its text layer, or rendered at `dpi` when it has none (or always, with `draw`). */
  read(n: number, dpi: number, opts?: { draw?: boolean }): Promise<PdfPage>;
  close(): Promise<void>;
}

function openError(err: unknown): AppError {
  const name = (err as Error)?.name ?? '';
  if (name === 'PasswordException') {
    return new AppError('encrypted_pdf', 422, 'the PDF is protected by a password; remove the protection and send it again', {
      cause: err,
    });
  }
  return new AppError('corrupt_pdf', 422, 'the PDF is damaged or truncated and cannot be read', { cause: err });
}

/**
 * Every complete PDF ends with "%%EOF" (after its last update); pdf.js would rebuild a cut-off file from
 * what is left and silently read fewer pages or none, so a missing end marker is refused up front.
 */
function isComplete(bytes: Uint8Array): boolean {
  const from = Math.max(0, bytes.length - 4096);
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, bytes.length - from)
    .toString('latin1')
    .includes('%%EOF');
}

/** Opens a PDF from its bytes (copied: pdf.js takes ownership of the buffer it is given). */
export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  if (!isComplete(bytes)) throw new AppError('corrupt_pdf', 422, 'the PDF is truncated (its end is missing); send the whole file');
  const { getDocument } = await loadPdfJs();
  const task = getDocument({ data: new Uint8Array(bytes), stopAtErrors: true, verbosity: 0 });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy();
    throw openError(err);
  }
  if (doc.numPages > MAX_PDF_PAGES) {
    await task.destroy();
    throw new AppError('pdf_too_large', 413, `the PDF has ${doc.numPages} pages; at most ${MAX_PDF_PAGES} are read, split it first`);
  }
  return {
    pages: doc.numPages,
    async read(n, dpi, opts = {}) {
      if (!Number.isInteger(n) || n < 1 || n > doc.numPages) throw new AppError('bad_request', 400, `the PDF has no page ${n}`);
      let page: Awaited<ReturnType<typeof doc.getPage>>;
      try {
        page = await doc.getPage(n);
      } catch (err) {
        throw openError(err);
      }
      try {
        const base = page.getViewport({ scale: 1 });
        if (base.width > MAX_PAGE_POINTS || base.height > MAX_PAGE_POINTS) {
          throw new AppError(
            'pdf_too_large',
            413,
            `page ${n} is ${Math.round(base.width / 72)}×${Math.round(base.height / 72)} inches; pages up to 200 inches a side are read`,
          );
        }
        // Fewer dots per inch for a page that would not fit the pixel budget at the chosen DPI.
        const scale = Math.min(dpi / 72, Math.sqrt(MAX_PIXELS / 4 / (base.width * base.height)));
        const viewport = page.getViewport({ scale });
        const content = opts.draw ? { items: [] } : await page.getTextContent();
        const fragments: Fragment[] = [];
        for (const item of content.items) {
          if (!('str' in item) || !item.str.trim()) continue;
          const [a, b, c, d, e, f] = item.transform as number[];
          const size = Math.hypot(c, d) || Math.hypot(a, b);
          const len = Math.hypot(a, b) || 1;
          // Along the baseline by the item's width; up by the ascent, down by the descent of a typical font.
          const ux = a / len,
            uy = b / len;
          const vx = -uy,
            vy = ux;
          const at = (s: number, t: number): Point => viewport.convertToViewportPoint(e + ux * s + vx * t, f + uy * s + vy * t) as Point;
          const box: Quad = [at(0, 0.8 * size), at(item.width, 0.8 * size), at(item.width, -0.2 * size), at(0, -0.2 * size)];
          fragments.push({ text: item.str.trim(), confidence: 1, box, textLayer: true });
        }
        const width = Math.max(1, Math.round(viewport.width));
        const height = Math.max(1, Math.round(viewport.height));
        // On a page with a text layer, only images the text does not cover are drawn (a scan already made
        // searchable carries its text over its image).
        let regions: Rect[] = [];
        if (fragments.length) {
          const { OPS } = await loadPdfJs();
          const placed = imagePlacements(await page.getOperatorList(), OPS).map((corners) => {
            const pts = corners.map((p) => viewport.convertToViewportPoint(p[0], p[1]) as Point);
            const xs = pts.map((p) => p[0]);
            const ys = pts.map((p) => p[1]);
            return {
              left: Math.max(0, Math.floor(Math.min(...xs))),
              top: Math.max(0, Math.floor(Math.min(...ys))),
              right: Math.min(width, Math.ceil(Math.max(...xs))),
              bottom: Math.min(height, Math.ceil(Math.max(...ys))),
            };
          });
          const covered = (r: Rect): boolean =>
            fragments.some(({ box }) => {
              const cx = (box[0][0] + box[2][0]) / 2;
              const cy = (box[0][1] + box[2][1]) / 2;
              return cx > r.left && cx < r.right && cy > r.top && cy < r.bottom;
            });
          regions = mergeOverlapping(placed.filter((r) => r.right - r.left >= MIN_IMAGE_SIDE && r.bottom - r.top >= MIN_IMAGE_SIDE)).filter(
            (r) => !covered(r),
          );
          if (!regions.length) return { kind: 'text', fragments, width, height, images: [] };
        }
        const canvas = (await loadCanvas()).createCanvas(width, height);
        type RenderCanvas = Parameters<typeof page.render>[0]['canvas'];
        try {
          // Paper is white where the page paints nothing.
          await page.render({ canvas: canvas as unknown as RenderCanvas, viewport, background: '#ffffff' }).promise;
        } catch (err) {
          throw new AppError('corrupt_pdf', 422, `page ${n} of the PDF is damaged and cannot be drawn`, { cause: err });
        }
        const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
        if (fragments.length) {
          const images = regions.map((r) => ({ image: cropRgb(rgba, width, r), left: r.left, top: r.top }));
          return { kind: 'text', fragments, width, height, images };
        }
        return { kind: 'image', image: cropRgb(rgba, width, { left: 0, top: 0, right: width, bottom: height }) };
      } finally {
        page.cleanup();
      }
    },
    async close() {
      await task.destroy();
    },
  };
}
