// A job as a searchable PDF: each recognised page as it came in (the image, or the PDF page copied as is)
// with its recognised lines laid over it as invisible text (textLayer.ts) in a glyphless font that carries any
// Unicode text, placed and turned to match the boxes in the page's own coordinates (its /Rotate included), so
// any PDF viewer can select and search what was read. Pages read from their own text layer are already
// searchable: of those only the lines recognised in their images are laid over.
import { PDFDocument, type PDFPage } from 'pdf-lib';
import { sharp } from '../engine/sharp';
import { AppError } from '../appError';
import type { OcrLine } from '../contract/ocr';
import { TEXT_LAYER } from '../engine/tasks/pdf';
import type { Store } from '../store';
import { embedGlyphlessFont, type GlyphlessFont } from './glyphlessFont';
import { textLayerOperators, type ToPage } from './textLayer';

interface PageRow {
  page: number;
  sha256: string | null;
  lines: string | null;
  width: number | null;
  height: number | null;
  provider: string | null;
}

/** Images without a resolution of their own are taken as 150 DPI scans for the page size. */
const DEFAULT_IMAGE_DPI = 150;

/**
 * Pixels of a PDF page as it was drawn for OCR (`width` pixels across the page as shown, /Rotate applied)
 * → the page's own user space. Pixels count from the top-left of the visible (crop) box as shown.
 */
function shownPageToUser(page: PDFPage, width: number): ToPage {
  const { x, y, width: w, height: h } = page.getCropBox();
  const turn = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  const k = (turn % 180 ? h : w) / width;
  switch (turn) {
    case 90:
      return ([px, py]) => [x + py * k, y + px * k];
    case 180:
      return ([px, py]) => [x + w - px * k, y + py * k];
    case 270:
      return ([px, py]) => [x + w - py * k, y + h - px * k];
    default:
      return ([px, py]) => [x + px * k, y + h - py * k];
  }
}

/** Lays the lines over the page as invisible text in the document's glyphless font. */
function overlay(page: PDFPage, font: GlyphlessFont, lines: readonly OcrLine[], toPage: ToPage): void {
  const ops = textLayerOperators(lines, font, page.node.newFontDictionary('OCR', font.ref), toPage);
  if (ops.length) page.pushOperators(...ops);
}

/** Page image bytes pdf-lib can embed: JPEG as is when no EXIF turn applies, anything else as PNG turned upright. */
async function embeddable(bytes: Buffer): Promise<{ kind: 'jpg' | 'png'; data: Buffer; dpi: number }> {
  const meta = await sharp(bytes).metadata();
  const dpi = meta.density && meta.density > 30 ? meta.density : DEFAULT_IMAGE_DPI;
  if (meta.format === 'jpeg' && (meta.orientation ?? 1) === 1) return { kind: 'jpg', data: bytes, dpi };
  if (meta.format === 'png') return { kind: 'png', data: bytes, dpi };
  return { kind: 'png', data: await sharp(bytes).rotate().png().toBuffer(), dpi };
}

/** The job's recognised pages as one searchable PDF, in item order. */
export async function searchablePdf(store: Store, jobId: string): Promise<Uint8Array> {
  const out = await PDFDocument.create();
  const font = embedGlyphlessFont(out);
  const imageOf = store.db.prepare('SELECT bytes FROM images WHERE sha256 = ?');
  const rows = store.db
    .prepare(
      `SELECT i.page, i.sha256, r.lines, r.width, r.height, r.provider FROM job_items i JOIN results r ON r.id = i.result_id
       WHERE i.job_id = ? AND i.state = 'done' ORDER BY i.id`,
    )
    .iterate(jobId) as IterableIterator<PageRow>;
  // The source PDF of the pages being copied, loaded once for all its pages.
  let source: { sha: string; doc: PDFDocument } | undefined;
  for (const row of rows) {
    const bytes = row.sha256 ? (imageOf.get(row.sha256) as { bytes: Buffer } | undefined)?.bytes : undefined;
    if (!bytes || !row.width || !row.height) continue;
    const lines = row.lines ? (JSON.parse(row.lines) as OcrLine[]) : [];
    if (row.page > 0) {
      if (source?.sha !== row.sha256) source = { sha: row.sha256 ?? '', doc: await PDFDocument.load(bytes, { updateMetadata: false }) };
      const [page] = await out.copyPages(source.doc, [row.page - 1]);
      out.addPage(page);
      // The page's own text layer is copied with it: only what was recognised (its images) is laid over.
      if (row.provider !== TEXT_LAYER) {
        overlay(
          page,
          font,
          lines.filter((l) => !l.textLayer),
          shownPageToUser(page, row.width),
        );
      }
      continue;
    }
    const img = await embeddable(bytes);
    const embedded = img.kind === 'jpg' ? await out.embedJpg(img.data) : await out.embedPng(img.data);
    const k = 72 / img.dpi;
    const page = out.addPage([row.width * k, row.height * k]);
    page.drawImage(embedded, { x: 0, y: 0, width: row.width * k, height: row.height * k });
    const top = row.height * k;
    overlay(page, font, lines, ([px, py]) => [px * k, top - py * k]);
  }
  if (out.getPageCount() === 0) {
    throw new AppError('conflict', 409, 'the job has no recognised page whose image is still kept (see the retention setting)');
  }
  font.finish();
  return out.save();
}
