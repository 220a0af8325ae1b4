// /v1/models*, /v1/classify: the model repository (import, versions, rollback, export) and serving through
// the engine's scheduler. Import, activate, load/unload, delete and export need admin; listing and running need infer.
import express, { type Request, type RequestHandler, type Router } from 'express';
import multer from 'multer';
import { AppError } from '../../../appError';
import {
  activateRequestSchema,
  inferRequestSchema,
  MODEL_API,
  type ClassifyResponse,
  type ModelImportResponse,
  type ModelListResponse,
} from '../../../contract/models';
import { API } from '../../../contract/paths';
import { describeIssues } from '../../../engine/models/manifest';
import { looksLikeTar } from '../../../engine/models/tar';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { principalOf, requireScope, type Scope } from '../../scope';

/** Listing a model is allowed to anyone who may run it or manage it. */
function requireAnyScope(...scopes: Scope[]): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (!scopes.some((s) => p.scopes.includes(s))) {
      throw new AppError('forbidden', 403, `this key needs one of the scopes ${scopes.map((s) => `"${s}"`).join(', ')} here`);
    }
    next();
  };
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

function versionParam(value: unknown, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AppError('bad_request', 400, `${what} must be a whole number from 1`);
  return n;
}

type UploadFiles = Partial<Record<'model' | 'manifest' | 'labels' | 'bundle', Express.Multer.File[]>>;

/** A text part that may come as a file or as a plain form field. */
function textPart(req: Request, files: UploadFiles, name: 'manifest' | 'labels'): string | undefined {
  const file = files[name]?.[0];
  if (file) return file.buffer.toString('utf8');
  const body = req.body as Record<string, unknown> | undefined;
  const field = body?.[name];
  return typeof field === 'string' ? field : undefined;
}

export function modelsRouter(s: NodeServices): Router {
  const router = express.Router();
  const maxBytes = s.config.limits.bodyBytes;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 4, fields: 8, fieldSize: 4 * 1024 * 1024 },
  }).fields([
    { name: 'model', maxCount: 1 },
    { name: 'manifest', maxCount: 1 },
    { name: 'labels', maxCount: 1 },
    { name: 'bundle', maxCount: 1 },
  ]);
  const rawBundle = express.raw({ type: ['application/x-tar', 'application/octet-stream'], limit: maxBytes });

  router.get(API.models, requireAnyScope('infer', 'admin'), (_req, res) => {
    const body: ModelListResponse = { models: s.models.list() };
    res.json(body);
  });

  router.get(API.model, requireAnyScope('infer', 'admin'), (req, res) => {
    res.json(s.models.get(param(req, 'id')));
  });

  // Multipart `model` (.onnx) + `manifest` (JSON) + `labels` (text), or a bundle: multipart `bundle`/`model`
  // holding a tar, or the tar as the raw body.
  router.post(
    API.models,
    requireScope('admin'),
    (req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next()),
    rawBundle,
    async (req, res) => {
      let result: ModelImportResponse;
      if (Buffer.isBuffer(req.body)) {
        if (!looksLikeTar(req.body)) {
          throw new AppError('invalid_model', 422, 'the body is not a Hearth model bundle (tar); send multipart fields model, manifest and labels instead');
        }
        result = await s.models.importBundle(req.body);
      } else {
        const files = (req.files ?? {}) as UploadFiles;
        const model = files.bundle?.[0] ?? files.model?.[0];
        if (!model) {
          throw new AppError('bad_request', 400, 'send the model as multipart field "model" (.onnx, with "manifest" and "labels") or a bundle as field "bundle"');
        }
        const manifestText = textPart(req, files, 'manifest');
        if (files.bundle?.[0] || (looksLikeTar(model.buffer) && manifestText === undefined)) {
          result = await s.models.importBundle(model.buffer);
        } else {
          if (manifestText === undefined) throw new AppError('bad_request', 400, 'the multipart field "manifest" (JSON) is missing');
          let manifest: unknown;
          try {
            manifest = JSON.parse(manifestText);
          } catch (err) {
            throw new AppError('invalid_model', 422, `manifest is not valid JSON: ${(err as Error).message}`);
          }
          result = await s.models.import({ model: model.buffer, manifest, labels: textPart(req, files, 'labels') });
        }
      }
      res.status(201).json(result);
    },
  );

  router.post(API.modelActivate, requireScope('admin'), (req, res) => {
    const parsed = activateRequestSchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('invalid_body', 400, `expected {"version": N}: ${describeIssues(parsed.error)}`);
    res.json(s.models.activate(param(req, 'id'), parsed.data.version));
  });

  router.post(API.modelLoad, requireScope('admin'), async (req, res) => {
    res.json(await s.models.load(param(req, 'id')));
  });

  router.post(API.modelUnload, requireScope('admin'), async (req, res) => {
    res.json(await s.models.unload(param(req, 'id')));
  });

  router.delete(API.model, requireScope('admin'), (req, res) => {
    s.models.remove(param(req, 'id'), versionParam(req.query.version, 'version'));
    res.status(204).end();
  });

  router.delete(MODEL_API.modelVersion, requireScope('admin'), (req, res) => {
    s.models.remove(param(req, 'id'), versionParam(param(req, 'version'), 'version'));
    res.status(204).end();
  });

  router.get(API.modelExport, requireScope('admin'), (req, res) => {
    const bundle = s.models.exportBundle(param(req, 'id'), versionParam(req.query.version, 'version'));
    res.setHeader('Content-Type', 'application/x-tar');
    res.setHeader('Content-Disposition', `attachment; filename="${bundle.fileName}"`);
    res.send(Buffer.from(bundle.bytes.buffer, bundle.bytes.byteOffset, bundle.bytes.byteLength));
  });

  router.post(API.modelInfer, requireScope('infer'), async (req, res) => {
    const parsed = inferRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError('invalid_body', 400, `expected {"inputs": {name: {dtype, shape, data}}}: ${describeIssues(parsed.error)}`);
    }
    const result = await s.models.infer(param(req, 'id'), parsed.data);
    res.locals.usage = { images: 0, engineMs: result.ms };
    res.json(result);
  });

  router.post(API.classify, requireScope('infer'), ...imageBody(maxBytes), async (req, res) => {
    const model = req.query.model;
    if (typeof model !== 'string' || !model) throw new AppError('bad_request', 400, 'name the model: POST /v1/classify?model=ID');
    const top = versionParam(req.query.top, 'top');
    const image = uploadedImage(req);
    const result = await s.models.classify(model, image.bytes, { topK: top });
    res.locals.usage = { images: 1, engineMs: result.ms };
    const resultId = s.store.results.record({
      kind: 'classify',
      source: image.name,
      image: image.bytes,
      labels: result.labels,
      provider: result.provider,
      ms: result.ms,
      origin: req.get('x-hearth-origin') === 'console' ? 'gui' : 'api',
      keyId: principalOf(res).keyId,
      model: result.model,
    });
    const body: ClassifyResponse = { ...result, resultId };
    res.json(body);
  });

  return router;
}
