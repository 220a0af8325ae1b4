// Drop-in routes for clients written for other OCR servers: Umi-OCR's HTTP API (/api/ocr, /api/qrcode,
// /api/doc/...) and PaddleOCR's hub serving (/predict/ocr_system). Same keys, limits and metering as every
// route; answers and errors in each API's own shape (see compat/errorShapes.ts for refusals before a route runs).
import express, { type Router } from 'express';
import multer from 'multer';
import { isAppError } from '../../../appError';
import { BARCODE_FORMATS, type BarcodeFormatName, type BarcodesResponse } from '../../../contract/barcodes';
import { paddleFailure, paddleImages, paddleRegions, PADDLE_STATUS, type PaddleAnswer } from '../../../compat/paddle';
import { recogniseForClient } from '../../../compat/recognise';
import { decodeBase64Image, umiFailure, UMI_CODES, type UmiAnswer } from '../../../compat/umi/answers';
import {
  docOptionDefinitions,
  LAYOUT_OF_PARSER,
  ocrOptionDefinitions,
  parseImageOptions,
  UmiOptionError,
} from '../../../compat/umi/options';
import { umiText, umiTextBlocks } from '../../../compat/umi/textBlocks';
import { writeBarcode } from '../../../engine/codes/barcodes';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { mount } from '../../mount';

/** Base64 is 4/3 of the bytes it carries: the JSON body may be that much larger than an image upload (read live). */
function jsonBody(s: NodeServices): express.RequestHandler {
  return (req, res, next) =>
    express.json({ limit: Math.ceil((s.settings.current().limits.bodyBytes * 4) / 3) + 64 * 1024 })(req, res, next);
}

/** Image errors (not an image, damaged, too large) are the client's: Umi's 9xx code; overload and the rest stay HTTP errors. */
function isImageError(err: unknown): err is Error {
  return isAppError(err) && ['not_an_image', 'corrupt_image', 'image_too_large'].includes(err.code);
}

export function compatRouter(s: NodeServices): Router {
  const router = express.Router();
  const json = jsonBody(s);

  mount(router, 'umiOcrOptions', () => ocrOptionDefinitions());

  mount(
    router,
    'umiOcr',
    async ({ req, res, principal }): Promise<UmiAnswer> => {
      const started = Date.now();
      const body: unknown = req.body;
      if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) {
        return umiFailure(UMI_CODES.empty, 'the request is empty; post {"base64": "<image>", "options": {...}} as JSON');
      }
      if (typeof body !== 'object' || Array.isArray(body) || !('base64' in body)) {
        return umiFailure(UMI_CODES.noBase64, 'the request has no "base64" field with the image');
      }
      const { base64, options } = body as { base64: unknown; options?: unknown };
      if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
        return umiFailure(UMI_CODES.optionsNotDict, '"options" must be a dictionary');
      }
      let opts;
      try {
        opts = parseImageOptions(options);
      } catch (err) {
        if (err instanceof UmiOptionError) return umiFailure(UMI_CODES.badOptions, `options cannot be used: ${err.message}`);
        throw err;
      }
      const image = decodeBase64Image(base64);
      if (!image) return umiFailure(UMI_CODES.badImage, '"base64" is not base64-encoded image data', started);
      let result;
      try {
        result = await recogniseForClient(s, res, image, {
          limitSide: opts.limitSide,
          layout: LAYOUT_OF_PARSER[opts.parser],
          source: 'umi-ocr',
          keyId: principal.keyId,
        });
      } catch (err) {
        if (isImageError(err)) return umiFailure(UMI_CODES.badImage, err.message, started);
        throw err;
      }
      const blocks = umiTextBlocks(result, opts.parser, opts.ignoreAreas);
      const timing = { time: (Date.now() - started) / 1000, timestamp: started / 1000 };
      if (blocks.length === 0) return { code: UMI_CODES.noText, data: 'No text found in image.', ...timing };
      return { code: UMI_CODES.ok, data: opts.format === 'text' ? umiText(blocks) : blocks, ...timing };
    },
    [json],
  );

  mount(
    router,
    'umiQrcode',
    async ({ req, res }): Promise<UmiAnswer> => {
      const started = Date.now();
      const body = (req.body ?? {}) as { base64?: unknown; text?: unknown; options?: Record<string, unknown> };
      const opts = body.options && typeof body.options === 'object' ? body.options : {};
      if (typeof body.text === 'string') {
        // The same route writes a code when it is given text instead of an image.
        const format = (opts.format ?? 'QRCode') as BarcodeFormatName;
        if (!BARCODE_FORMATS.includes(format))
          return umiFailure(UMI_CODES.badOptions, `options.format must be one of ${BARCODE_FORMATS.join(', ')}`);
        const int = (v: unknown, d: number): number => (typeof v === 'number' && Number.isInteger(v) ? v : d);
        try {
          const jpeg = await writeBarcode(body.text, {
            format,
            width: int(opts.w, 0),
            height: int(opts.h, 0),
            quietZone: int(opts.quiet_zone, -1),
            ecLevel: int(opts.ec_level, -1),
          });
          return { code: UMI_CODES.ok, data: jpeg.toString('base64') };
        } catch (err) {
          if (isAppError(err) && err.status < 500) return umiFailure(UMI_CODES.badOptions, err.message);
          throw err;
        }
      }
      if (!('base64' in body))
        return umiFailure(UMI_CODES.noBase64, 'post {"base64": "<image>"} to read codes, or {"text": "..."} to write one');
      const image = decodeBase64Image(body.base64);
      if (!image) return umiFailure(UMI_CODES.badImage, '"base64" is not base64-encoded image data', started);
      let found: BarcodesResponse;
      try {
        found = await s.engine.run('barcodes', { image });
      } catch (err) {
        if (isImageError(err)) return umiFailure(UMI_CODES.badImage, err.message, started);
        throw err;
      }
      res.locals.usage = { images: 1, engineMs: found.ms, task: 'barcodes' };
      const timing = { time: (Date.now() - started) / 1000, timestamp: started / 1000 };
      if (found.codes.length === 0) return { code: UMI_CODES.noText, data: 'No code found in image.', ...timing };
      return {
        code: UMI_CODES.ok,
        data: found.codes.map((c) => ({ ...c, box: c.box.map(([x, y]) => [Math.round(x), Math.round(y)]), score: 1 })),
        ...timing,
      };
    },
    [json],
  );

  mount(
    router,
    'paddleOcrSystem',
    async ({ req, res, principal }): Promise<PaddleAnswer> => {
      if (!req.is('application/json')) {
        return paddleFailure(PADDLE_STATUS.notJson, 'post the images as JSON {"images": [...]} with content-type application/json');
      }
      const images = paddleImages(req.body);
      if (!Array.isArray(images)) return images;
      const results = [];
      for (const image of images) {
        try {
          results.push(paddleRegions(await recogniseForClient(s, res, image, { source: 'paddle-serving', keyId: principal.keyId })));
        } catch (err) {
          if (isImageError(err)) return paddleFailure(PADDLE_STATUS.failed, `image ${results.length}: ${err.message}`);
          throw err;
        }
      }
      return { msg: '', results, status: PADDLE_STATUS.ok };
    },
    [json],
  );

  mount(router, 'umiDocOptions', () => docOptionDefinitions());

  const upload: express.RequestHandler = (req, res, next) =>
    multer({ storage: multer.memoryStorage(), limits: { fileSize: s.settings.current().limits.bodyBytes, files: 1, fields: 8 } }).single(
      'file',
    )(req, res, next);
  mount(
    router,
    'umiDocUpload',
    ({ req, principal }) => {
      const file = req.file ? { name: req.file.originalname || 'document', bytes: req.file.buffer } : undefined;
      return s.documents.upload(file, (req.body as Record<string, unknown> | undefined)?.json, principal.keyId);
    },
    [(req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next())],
  );
  mount(router, 'umiDocResult', ({ req }) => s.documents.result(req.body), [json]);
  mount(router, 'umiDocDownload', ({ req }) => s.documents.download(req.body, `${req.protocol}://${req.get('host') ?? ''}`), [json]);
  mount(router, 'umiDocFile', ({ params, res }) => {
    const file = s.documents.file(params.token, params.name);
    if (!file) {
      res.status(404).json({ code: 404, data: 'this download link is unknown or its task was cleared' });
      return;
    }
    res.setHeader('content-type', file.mime);
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    res.end(file.bytes);
  });
  mount(router, 'umiDocClear', ({ params }) => s.documents.clear(params.id));

  mount(
    router,
    'barcodes',
    async ({ req, res }) => {
      const image = uploadedImage(req);
      const found = await s.engine.run('barcodes', { image: image.bytes });
      res.locals.usage = { images: 1, engineMs: found.ms, task: 'barcodes' };
      return found;
    },
    imageBody(() => s.settings.current().limits.bodyBytes),
  );

  return router;
}
