// POST /v1/ocr: one image in (multipart `image` or raw image/* bytes), text lines with boxes out; stored.
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import { LAYOUT_MODES, type LayoutMode, type OcrResponse } from '../../../contract/ocr';
import { API } from '../../../contract/paths';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { principalOf, requireScope } from '../../scope';

/** `?layout=auto|single|lines` chooses the layout for this call; absent, the node's setting applies. */
function layoutOf(value: unknown): LayoutMode | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (LAYOUT_MODES as readonly string[]).includes(value)) return value as LayoutMode;
  throw new AppError('bad_request', 400, `layout must be one of ${LAYOUT_MODES.join(', ')}`);
}

export function ocrRouter(s: NodeServices): Router {
  const router = express.Router();
  router.post(API.ocr, requireScope('infer'), ...imageBody(s.config.limits.bodyBytes), async (req, res) => {
    const image = uploadedImage(req);
    const result = await s.engine.ocr(image.bytes, { layout: layoutOf(req.query.layout) });
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
