// POST /v1/ocr: one image in (multipart `image` or raw image/* bytes), text lines with boxes out; stored.
// `?corrections=off` returns the recogniser's reading without look-alike corrections.
// A PDF answers every page (or `?page=N` alone), each stored as its own result.
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import type { OcrResponse } from '../../../contract/ocr';
import { isPdf } from '../../../engine/pdf/isPdf';
import { TEXT_LAYER } from '../../../engine/tasks/pdf';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { mount } from '../../mount';

export function ocrRouter(s: NodeServices): Router {
  const router = express.Router();
  mount(
    router,
    'ocr',
    async ({ req, res, principal, query }) => {
      const image = uploadedImage(req);
      const { layout, page } = query;
      const origin = req.get('x-hearth-origin') === 'console' ? 'gui' : 'api';
      const record = (result: Omit<OcrResponse, 'resultId'>): OcrResponse => ({
        ...result,
        resultId: s.store.results.record({
          kind: 'ocr',
          source: image.name,
          image: image.bytes,
          ocr: result,
          origin,
          keyId: principal.keyId,
        }),
      });
      if (!isPdf(image.bytes)) {
        if (page !== undefined) throw new AppError('bad_request', 400, 'page applies to PDFs only');
        const ocr = (): ReturnType<typeof s.engine.ocr> => s.engine.ocr(image.bytes, { layout, lookAlikes: query.corrections !== 'off' });
        // In a cluster a busy node may hand the call to a peer; the key was checked and is metered here all the same.
        const result = s.cluster ? await s.cluster.interactive({ kind: 'ocr' }, image.bytes, ocr) : await ocr();
        // Read by the metering layer when the response finishes.
        res.locals.usage = { images: 1, engineMs: result.ms };
        return record(result);
      }
      const count = await s.engine.pdfPages(image.bytes);
      if (page !== undefined && page > count)
        throw new AppError('bad_request', 400, `the PDF has ${count} page${count === 1 ? '' : 's'}, no page ${page}`);
      const pages: OcrResponse[] = [];
      // One page after another: a long PDF never holds more than one drawn page in memory.
      for (const n of page !== undefined ? [page] : Array.from({ length: count }, (_, i) => i + 1)) {
        pages.push(record(await s.engine.ocrPdfPage(image.bytes, n, { layout, lookAlikes: query.corrections !== 'off' })));
      }
      const ms = pages.reduce((t, p) => t + p.ms, 0);
      res.locals.usage = { images: pages.length, engineMs: ms };
      if (page !== undefined) return pages[0];
      return {
        // Pages apart by a form feed, as pdftotext writes them.
        text: pages.map((p) => p.text).join('\f'),
        lines: pages.flatMap((p) => p.lines.map((l) => ({ ...l, page: p.page }))),
        provider: pages.find((p) => p.provider !== TEXT_LAYER)?.provider ?? TEXT_LAYER,
        ms,
        width: pages[0]?.width ?? 0,
        height: pages[0]?.height ?? 0,
        pages,
      };
    },
    imageBody(() => s.settings.current().limits.bodyBytes),
  );
  return router;
}
