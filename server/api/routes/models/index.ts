// /v1/models*, /v1/classify: the model repository (import, versions, rollback, export) and serving through
// the engine's scheduler. Import, activate, load/unload, delete and export need admin; listing and running need infer.
import express, { type Request, type RequestHandler, type Router } from 'express';
import multer from 'multer';
import { AppError } from '../../../appError';
import type { ModelImportResponse } from '../../../contract/models';
import { looksLikeTar } from '../../../engine/models/tar';
import type { NodeServices } from '../../../node';
import { imageBody, uploadedImage } from '../../imageUpload';
import { mount } from '../../mount';

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
  // Parsers are made per request so a changed body limit applies to the next upload.
  const maxBytes = (): number => s.settings.current().limits.bodyBytes;
  const upload: RequestHandler = (req, res, next) =>
    multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: maxBytes(), files: 4, fields: 8, fieldSize: 4 * 1024 * 1024 },
    }).fields([
      { name: 'model', maxCount: 1 },
      { name: 'manifest', maxCount: 1 },
      { name: 'labels', maxCount: 1 },
      { name: 'bundle', maxCount: 1 },
    ])(req, res, next);
  const rawBundle: RequestHandler = (req, res, next) =>
    express.raw({ type: ['application/x-tar', 'application/octet-stream'], limit: maxBytes() })(req, res, next);

  mount(router, 'listModels', () => ({ models: s.models.list() }));

  mount(router, 'getModel', ({ params }) => s.models.get(params.id));

  // Multipart `model` (.onnx) + `manifest` (JSON) + `labels` (text), or a bundle: multipart `bundle`/`model`
  // holding a tar, or the tar as the raw body.
  mount(
    router,
    'importModel',
    async ({ req }) => {
      let result: ModelImportResponse;
      if (Buffer.isBuffer(req.body)) {
        if (!looksLikeTar(req.body)) {
          throw new AppError(
            'invalid_model',
            422,
            'the body is not a Hearth model bundle (tar); send multipart fields model, manifest and labels instead',
          );
        }
        result = await s.models.importBundle(req.body);
      } else {
        const files = (req.files ?? {}) as UploadFiles;
        const model = files.bundle?.[0] ?? files.model?.[0];
        if (!model) {
          throw new AppError(
            'bad_request',
            400,
            'send the model as multipart field "model" (.onnx, with "manifest" and "labels") or a bundle as field "bundle"',
          );
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
      return result;
    },
    [(req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next()), rawBundle],
  );

  mount(router, 'activateModel', ({ params, body }) => s.models.activate(params.id, body.version));

  mount(router, 'loadModel', ({ params }) => s.models.load(params.id));

  mount(router, 'unloadModel', ({ params }) => s.models.unload(params.id));

  mount(router, 'deleteModel', ({ params, query }) => {
    s.models.remove(params.id, query.version);
  });

  mount(router, 'deleteModelVersion', ({ params }) => {
    s.models.remove(params.id, params.version);
  });

  mount(router, 'exportModel', ({ params, query, res }) => {
    const bundle = s.models.exportBundle(params.id, query.version);
    res.setHeader('Content-Type', 'application/x-tar');
    res.setHeader('Content-Disposition', `attachment; filename="${bundle.fileName}"`);
    res.send(Buffer.from(bundle.bytes.buffer, bundle.bytes.byteOffset, bundle.bytes.byteLength));
  });

  mount(router, 'inferModel', async ({ params, body, res }) => {
    // In a cluster a busy node may hand the call to a peer; the key was checked and is metered here all the same.
    const result = s.cluster
      ? await s.cluster.interactive({ kind: 'infer', model: params.id, request: body }, new Uint8Array(0), () =>
          s.models.infer(params.id, body),
        )
      : await s.models.infer(params.id, body);
    res.locals.usage = { images: 0, engineMs: result.ms };
    return result;
  });

  mount(
    router,
    'classify',
    async ({ query, req, res, principal }) => {
      const image = uploadedImage(req);
      const local = () => s.models.classify(query.model, image.bytes, { topK: query.top, page: query.page });
      const result = s.cluster
        ? await s.cluster.interactive({ kind: 'classify', model: query.model, topK: query.top, page: query.page }, image.bytes, local)
        : await local();
      res.locals.usage = { images: 1, engineMs: result.ms };
      const resultId = s.store.results.record({
        kind: 'classify',
        source: image.name,
        image: image.bytes,
        labels: result.labels,
        provider: result.provider,
        ms: result.ms,
        origin: req.get('x-hearth-origin') === 'console' ? 'gui' : 'api',
        keyId: principal.keyId,
        model: result.model,
      });
      return { ...result, resultId };
    },
    imageBody(maxBytes),
  );

  return router;
}
