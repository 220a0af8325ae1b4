// PDF tasks, run in engine workers so parsing and drawing pages never block the node's event loop:
// `pdfInfo` checks a PDF and counts its pages; `ocrPdfPage` reads one page, from its text layer when it has
// one (exact, no model run; images placed on it that the text does not cover are OCR'd and their lines laid
// out with the page's text), or by OCR of the page drawn at the chosen DPI.
import type { LayoutMode, OcrResult, Quad } from '../../contract/ocr';
import { layoutPage } from '../ocr/layout';
import { OCR_DEFAULTS, runOcrImage } from '../ocr/pipeline';
import { openPdf, type PdfPage } from '../pdf/pdfDocument';
import { ocrModels } from './ocr';
import type { TaskHandler } from './types';

export interface PdfInfoPayload {
  pdf: Uint8Array;
}

export interface PdfPagePayload {
  pdf: Uint8Array;
  /** 1-based. */
  page: number;
  dpi: number;
  layout: LayoutMode;
}

/** The provider named on pages read from their text layer: no execution provider ran. */
export const TEXT_LAYER = 'text-layer';

export const pdfInfoTask: TaskHandler<PdfInfoPayload, { pages: number }> = async ({ pdf }) => {
  const doc = await openPdf(pdf);
  await doc.close();
  return { pages: doc.pages };
};

export const ocrPdfPageTask: TaskHandler<PdfPagePayload, OcrResult> = async (p, ctx) => {
  const started = performance.now();
  const doc = await openPdf(p.pdf);
  let read: PdfPage;
  try {
    read = await doc.read(p.page, p.dpi);
  } finally {
    await doc.close();
  }
  if (read.kind === 'image') {
    const image = read.image;
    const result = await runOcrImage(await ocrModels(ctx), async () => image, { ...OCR_DEFAULTS, layout: p.layout });
    return { ...result, page: p.page, ms: Math.round(performance.now() - started) };
  }
  // Lines read from the page's images, moved onto the page, join its text-layer fragments.
  const fragments = [...read.fragments];
  let provider = TEXT_LAYER;
  if (read.images.length) {
    const models = await ocrModels(ctx);
    provider = models.providers[0];
    for (const { image, left, top } of read.images) {
      const seen = await runOcrImage(models, async () => image, { ...OCR_DEFAULTS, layout: p.layout });
      for (const l of seen.lines) {
        fragments.push({ text: l.text, confidence: l.confidence, box: l.box.map(([x, y]) => [x + left, y + top]) as Quad });
      }
    }
  }
  const { lines, blocks } = layoutPage(fragments, { mode: p.layout, rotation: 0, width: read.width, height: read.height });
  return {
    text: lines.map((l) => l.text).join('\n'),
    lines,
    ...(blocks ? { blocks } : {}),
    rotation: 0,
    page: p.page,
    provider,
    ms: Math.round(performance.now() - started),
    width: read.width,
    height: read.height,
  };
};
