// POST /v1/ocr: one image in (multipart `image` or raw image/* bytes), text lines with boxes out; stored.
// `?corrections=off` returns the recogniser's reading without look-alike corrections.
import express, { type Router } from 'express';
import type { OcrResponse } from '../../../contract/ocr';
import { AppError } from '../../../appError';
import { API } from '../../../contract/paths';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { principalOf, requireScope } from '../../scope';

function correctionsParam(value: unknown): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new AppError('bad_request', 400, '"corrections" is on or off');
}

export function ocrRouter(s: NodeServices): Router {
  const router = express.Router();
  router.post(API.ocr, requireScope('infer'), ...imageBody(s.config.limits.bodyBytes), async (req, res) => {
    const image = uploadedImage(req);
    const result = await s.engine.ocr(image.bytes, { lookAlikes: correctionsParam(req.query.corrections) });
    // Read by the metering layer when the response finishes.
    res.locals.usage = { images: 1, engineMs: result.ms };
    const resultId = s.store.results.record({
      kind: 'ocr',
      source: image.name,
      image: image.bytes,
      ocr: result,
      origin: req.get('x-hearth-origin') === 'console' ? 'gui' : 'api',
      keyId: principalOf(res).keyId,
    });
    const body: OcrResponse = { ...result, resultId };
    res.json(body);
  });
  return router;
}
