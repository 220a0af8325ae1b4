// POST /v1/ocr: one image in (multipart `image` or raw image/* bytes), text lines with boxes out; stored.
import express, { type Router } from 'express';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { mount } from '../../mount';

export function ocrRouter(s: NodeServices): Router {
  const router = express.Router();
  mount(
    router,
    'ocr',
    async ({ req, res, principal }) => {
      const image = uploadedImage(req);
      const result = await s.engine.ocr(image.bytes);
      // Read by the metering layer when the response finishes.
      res.locals.usage = { images: 1, engineMs: result.ms };
      const resultId = s.store.results.record({
        kind: 'ocr',
        source: image.name,
        image: image.bytes,
        ocr: result,
        origin: req.get('x-hearth-origin') === 'console' ? 'gui' : 'api',
        keyId: principal.keyId,
      });
      return { ...result, resultId };
    },
    imageBody(() => s.settings.current().limits.bodyBytes),
  );
  return router;
}
