// POST /v1/ocr: one image in (multipart `image` or raw image/* bytes), text lines with boxes out; stored.
// A PDF answers every page (or `?page=N` alone), each stored as its own result.
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import { LAYOUT_MODES, type LayoutMode, type OcrResponse } from '../../../contract/ocr';
import { API } from '../../../contract/paths';
import { isPdf } from '../../../engine/pdf/isPdf';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { principalOf, requireScope } from '../../scope';

/** `?layout=auto|single|lines` chooses the layout for this call; absent, the node's setting applies. */
function layoutOf(value: unknown): LayoutMode | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (LAYOUT_MODES as readonly string[]).includes(value)) return value as LayoutMode;
  throw new AppError('bad_request', 400, `layout must be one of ${LAYOUT_MODES.join(', ')}`);
}

/** `?page=N` (1-based) reads one page of a PDF. */
function pageOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AppError('bad_request', 400, 'page must be a whole number from 1');
  return n;
}

export function ocrRouter(s: NodeServices): Router {
  const router = express.Router();
  router.post(API.ocr, requireScope('infer'), ...imageBody(s.config.limits.bodyBytes), async (req, res) => {
    const image = uploadedImage(req);
    const layout = layoutOf(req.query.layout);
    const page = pageOf(req.query.page);
    const origin = req.get('x-hearth-origin') === 'console' ? 'gui' : 'api';
    const record = (result: Omit<OcrResponse, 'resultId'>): OcrResponse => ({
      ...result,
      resultId: s.store.results.record({ kind: 'ocr', source: image.name, image: image.bytes, ocr: result, origin, keyId: principalOf(res).keyId }),
    });
    if (!isPdf(image.bytes)) {
      if (page !== undefined) throw new AppError('bad_request', 400, 'page applies to PDFs only');
      const result = await s.engine.ocr(image.bytes, { layout });
      // Read by the metering layer when the response finishes.
      res.locals.usage = { images: 1, engineMs: result.ms };
      res.json(record(result));
      return;
    }
    const count = await s.engine.pdfPages(image.bytes);
    if (page !== undefined && page > count) throw new AppError('bad_request', 400, `the PDF has ${count} page${count === 1 ? '' : 's'}, no page ${page}`);
    const pages: OcrResponse[] = [];
    // One page after another: a long PDF never holds more than one drawn page in memory.
    for (const n of page !== undefined ? [page] : Array.from({ length: count }, (_, i) => i + 1)) {
      pages.push(record(await s.engine.ocrPdfPage(image.bytes, n, { layout })));
    }
    const ms = pages.reduce((t, p) => t + p.ms, 0);
    res.locals.usage = { images: pages.length, engineMs: ms };
    if (page !== undefined) {
      res.json(pages[0]);
      return;
    }
    const body: OcrResponse = {
      // Pages apart by a form feed, as pdftotext writes them.
      text: pages.map((p) => p.text).join('\f'),
      lines: pages.flatMap((p) => p.lines.map((l) => ({ ...l, page: p.page }))),
      provider: pages.find((p) => p.provider !== 'text-layer')?.provider ?? pages[0]?.provider ?? 'text-layer',
      ms,
      width: pages[0]?.width ?? 0,
      height: pages[0]?.height ?? 0,
      pages,
    };
    res.json(body);
  });
  return router;
}
