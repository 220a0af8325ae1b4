// Test PDFs made with real tools: page images wrapped by Debian's img2pdf (as a scanner's software does),
// born-digital pages written with pdf-lib, and the damaged or hostile files readers meet.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { renderText } from './renderText';

const run = promisify(execFile);

async function inTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-pdf-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One page per image, each page sized so the image is `dpi` dots per inch (img2pdf embeds PNGs losslessly). */
export function imagesToPdf(images: readonly Buffer[], dpi = 150): Promise<Buffer> {
  return inTemp(async (dir) => {
    const files = await Promise.all(
      images.map(async (img, i) => {
        const f = join(dir, `p${i}.png`);
        await writeFile(f, img);
        return f;
      }),
    );
    const out = join(dir, 'out.pdf');
    await run('img2pdf', ['--imgsize', `${dpi}dpi`, '-o', out, ...files]);
    return readFile(out);
  });
}

/** A born-digital PDF: each page a list of text lines in Helvetica, 12 pt, from the top-left margin. */
export async function textPdf(pages: readonly string[][]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 18, size: 12, font }));
  }
  return Buffer.from(await doc.save());
}

/** A born-digital report page: text lines, a chart placed as a picture holding text of its own, a closing line. */
export const REPORT = {
  before: ['Quarterly report', 'The chart below shows the figures.'],
  chart: ['Revenue grew 12 percent', 'Costs fell 3 percent'],
  after: 'End of the report.',
};

/** The report as a one-page PDF written with pdf-lib: Helvetica text around an embedded PNG. */
export async function reportWithChart(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  REPORT.before.forEach((line, i) => page.drawText(line, { x: 72, y: 720 - i * 18, size: 12, font }));
  const png = await doc.embedPng(await renderText({ lines: REPORT.chart, fontSize: 28 }));
  // At 100 DPI on the page, so the chart's text is drawn at twice its pixels at 200 DPI.
  const [w, h] = [png.width * 0.72, png.height * 0.72];
  page.drawImage(png, { x: 108, y: 660 - h, width: w, height: h });
  page.drawText(REPORT.after, { x: 72, y: 640 - h, size: 12, font });
  return Buffer.from(await doc.save());
}

/** The PDF protected with a user password (AES-256, by qpdf). */
export function encryptPdf(pdf: Buffer, password = 'secret'): Promise<Buffer> {
  return inTemp(async (dir) => {
    await writeFile(join(dir, 'in.pdf'), pdf);
    await run('qpdf', ['--encrypt', password, `${password}-owner`, '256', '--', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
    return readFile(join(dir, 'out.pdf'));
  });
}

/**
 * A page-count bomb: a file of a few kilobytes whose page tree really holds a million pages, a hundred
 * references per level to the same subtree three levels deep.
 */
export function pageCountBomb(): Buffer {
  const refs = (n: number): string => Array.from({ length: 100 }, () => `${n} 0 R`).join(' ');
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Count 1000000 /Kids [${refs(4)}] >>`,
    '<< /Type /Page /Parent 5 0 R /MediaBox [0 0 612 792] >>',
    `<< /Type /Pages /Parent 2 0 R /Count 10000 /Kids [${refs(5)}] >>`,
    `<< /Type /Pages /Parent 4 0 R /Count 100 /Kids [${refs(3)}] >>`,
  ]);
}

/** A page-size bomb: one page a thousand inches square (72 000 pt), far past what any reader draws. */
export function pageSizeBomb(): Buffer {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72000 72000] >>',
  ]);
}

/** Writes objects 1..n with a correct cross-reference table. */
function buildPdf(objects: readonly string[]): Buffer {
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
