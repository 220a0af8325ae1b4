// Reads PDF pages for OCR with pdf.js (Apache-2.0) and @napi-rs/canvas (MIT): the page count checked against
// limits, a page's own text layer as positioned fragments when it has one, otherwise the page rendered to RGB
// at a chosen DPI. Encrypted, damaged and oversized PDFs become AppErrors a person understands.
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

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
const loadPdfJs = (): Promise<PdfJs> => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
// The canvas too is loaded on the first page drawn: engine workers that only read images never need it.
type Canvas = typeof import('@napi-rs/canvas');
let canvasLib: Promise<Canvas> | undefined;
const loadCanvas = (): Promise<Canvas> => (canvasLib ??= import('@napi-rs/canvas'));

export type PdfPage = { kind: 'text'; fragments: Fragment[]; width: number; height: number } | { kind: 'image'; image: RgbImage };

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
          fragments.push({ text: item.str.trim(), confidence: 1, box });
        }
        if (fragments.length) return { kind: 'text', fragments, width: Math.round(viewport.width), height: Math.round(viewport.height) };
        const width = Math.max(1, Math.round(viewport.width));
        const height = Math.max(1, Math.round(viewport.height));
        const canvas = (await loadCanvas()).createCanvas(width, height);
        type RenderCanvas = Parameters<typeof page.render>[0]['canvas'];
        try {
          // Paper is white where the page paints nothing.
          await page.render({ canvas: canvas as unknown as RenderCanvas, viewport, background: '#ffffff' }).promise;
        } catch (err) {
          throw new AppError('corrupt_pdf', 422, `page ${n} of the PDF is damaged and cannot be drawn`, { cause: err });
        }
        const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
        const rgb = Buffer.alloc(width * height * 3);
        for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
          rgb[o] = rgba[i];
          rgb[o + 1] = rgba[i + 1];
          rgb[o + 2] = rgba[i + 2];
        }
        return { kind: 'image', image: { data: rgb, width, height } };
      } finally {
        page.cleanup();
      }
    },
    async close() {
      await task.destroy();
    },
  };
}
