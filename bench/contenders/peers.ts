// The peers, each as one whole process over the same folder with its models loaded once:
// @gutenye/ocr-node and the `paddleocr` npm runtime (same PP-OCRv4 models), and Debian's tesseract.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMeasured } from '../measure';
import { setCer } from '../score';
import { childRow, lastWords } from './child';
import { failed, type BenchContext, type ContenderResult } from './types';

export function gutenyeOcr(ctx: BenchContext): Promise<ContenderResult> {
  return childRow(ctx, '@gutenye/ocr-node (whole process)', 'gutenyeOcr', 'whole');
}

export function paddleOcr(ctx: BenchContext): Promise<ContenderResult> {
  return childRow(ctx, 'paddleocr npm (whole process)', 'paddleOcr', 'whole');
}

const TESSERACT = ['/usr/bin/tesseract', '/usr/local/bin/tesseract'];
/** Marks page ends in tesseract's multi-image output so each image's text can be scored. */
const PAGE_MARK = '~~HEARTH-BENCH-PAGE~~';

/** tesseract -l chi_sim+eng over a list file: one process, traineddata loaded once. */
export async function tesseract(ctx: BenchContext): Promise<ContenderResult> {
  const name = 'tesseract chi_sim+eng (whole process)';
  const n = ctx.dataset.files.length;
  const bin = TESSERACT.find((p) => existsSync(p));
  if (!bin) return failed(name, n, 'not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)');
  const list = join(ctx.tmp, 'tesseract-list.txt');
  writeFileSync(list, ctx.dataset.files.map((f) => join(ctx.dataset.dir, f)).join('\n') + '\n');
  // Tesseract names each page on stderr as it starts it; the gaps between those lines are per-image latency.
  const pageStarts: number[] = [];
  const start = performance.now();
  let pending = '';
  const figures = await runMeasured(bin, [list, 'stdout', '-l', 'chi_sim+eng', '-c', `page_separator=${PAGE_MARK}`], {
    timeoutMs: ctx.timeoutMs,
    onStderr: (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (/^Page \d+ : /.test(l)) pageStarts.push(performance.now());
    },
  });
  const end = performance.now();
  if (figures.timedOut) return failed(name, n, `timed out after ${Math.round(ctx.timeoutMs / 1000)} s`);
  if (figures.code !== 0) return failed(name, n, lastWords(figures) || `exited with ${figures.code}`);
  if (/Failed loading language|Error opening data file/i.test(figures.stderr)) {
    return failed(name, n, 'chi_sim traineddata missing (apt-get install tesseract-ocr-chi-sim)');
  }
  const pages = figures.stdout.split(PAGE_MARK);
  const texts = Object.fromEntries(ctx.dataset.files.map((f, i) => [f, pages[i] ?? '']));
  const latenciesMs = pageStarts.length === n ? pageStarts.map((t, i) => (pageStarts[i + 1] ?? end) - t) : undefined;
  return {
    name,
    images: n,
    imagesPerS: n / figures.wallS,
    steadyImagesPerS: pageStarts.length ? pageStarts.length / ((end - pageStarts[0]) / 1000) : undefined,
    latenciesMs,
    cpuS: figures.cpuS ?? undefined,
    wallS: figures.wallS,
    peakRssMb: figures.peakRssMb ?? undefined,
    cer: setCer(ctx.dataset, texts),
    texts,
    errors: pages.length === n ? 0 : Math.abs(n - pages.length),
    note: pageStarts.length ? `load ${((pageStarts[0] - start) / 1000).toFixed(1)} s` : undefined,
  };
}
