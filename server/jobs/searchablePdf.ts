// A job as a searchable PDF: each recognised page as it came in (the image, or the PDF page copied as is)
// with its recognised lines laid over it as invisible text, placed and turned to match the boxes, so any PDF
// viewer can select and search what was read. Pages read from their own text layer are already searchable.
import { degrees, PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { sharp } from '../engine/sharp';
import { AppError } from '../appError';
import type { OcrLine } from '../contract/ocr';
import { TEXT_LAYER } from '../engine/tasks/pdf';
import type { Store } from '../store';

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
/** The descent below the baseline, as a share of the line box height. */
const DESCENT = 0.2;

const dist = (a: [number, number], b: [number, number]): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Standard-14 fonts encode WinAnsi only; other characters become "?" so the rest of the line stays findable. */
function encodable(font: PDFFont, text: string): string {
  const set = new Set(font.getCharacterSet());
  return [...text].map((c) => (set.has(c.codePointAt(0) ?? 0) ? c : '?')).join('');
}

/**
 * Writes each line as invisible text over `page`: `k` points per image pixel, starting on the line's baseline
 * (its box is clockwise from the text's own top-left), turned with the line, stretched to the box's width.
 */
function overlay(page: PDFPage, font: PDFFont, lines: readonly OcrLine[], k: number): void {
  // Pixels count from the top-left of the visible (crop) box, which need not sit at the origin.
  const crop = page.getCropBox();
  const top = crop.y + crop.height;
  for (const line of lines) {
    const text = encodable(font, line.text);
    if (!text.trim()) continue;
    const [tl, tr, , bl] = line.box;
    const width = dist(tl, tr) * k;
    const height = dist(tl, bl) * k;
    const unit = font.widthOfTextAtSize(text, 1);
    if (width <= 0 || height <= 0 || unit <= 0) continue;
    // Image y runs down, PDF y up: the angle changes sign.
    const angle = (-Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI;
    const x = crop.x + (bl[0] + (tl[0] - bl[0]) * DESCENT) * k;
    const y = top - (bl[1] + (tl[1] - bl[1]) * DESCENT) * k;
    page.drawText(text, { x, y, size: width / unit, font, rotate: degrees(angle), opacity: 0 });
  }
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
  const font = await out.embedFont(StandardFonts.Helvetica);
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
      // Drawn for OCR at `width` pixels across the page as shown (a turned page shows its height across).
      const turned = page.getRotation().angle % 180 !== 0;
      if (row.provider !== TEXT_LAYER && !turned) overlay(page, font, lines, page.getCropBox().width / row.width);
      continue;
    }
    const img = await embeddable(bytes);
    const embedded = img.kind === 'jpg' ? await out.embedJpg(img.data) : await out.embedPng(img.data);
    const k = 72 / img.dpi;
    const page = out.addPage([row.width * k, row.height * k]);
    page.drawImage(embedded, { x: 0, y: 0, width: row.width * k, height: row.height * k });
    overlay(page, font, lines, k);
  }
  if (out.getPageCount() === 0) {
    throw new AppError('conflict', 409, 'the job has no recognised page whose image is still kept (see the retention setting)');
  }
  return out.save();
}
