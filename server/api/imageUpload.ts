// Takes an uploaded image from a multipart field `image` or from raw `image/*` bytes.
import express, { type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { AppError } from '../appError';

export interface UploadedImage {
  bytes: Buffer;
  /** Client-side file name when there was one. */
  name: string;
}

/** The multipart field the image goes in; every message about a misnamed field names it. */
export const IMAGE_FIELD = 'image';

/** Parses either body form; the size limit (read per request, so a changed setting applies) answers 413. */
export function imageBody(maxBytes: () => number): RequestHandler[] {
  return [
    (req, res, next) => {
      if (!req.is('multipart/form-data')) return next();
      const multipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes(), files: 1, fields: 16 } }).single(
        IMAGE_FIELD,
      );
      multipart(req, res, (err?: unknown) => {
        // A file under another name (curl -F file=@scan.png) is the usual slip: say which name to use.
        if (err instanceof multer.MulterError && err.code === 'LIMIT_UNEXPECTED_FILE') {
          return next(
            new AppError('missing_image', 400, `the image must be sent in the multipart field "${IMAGE_FIELD}", not "${err.field ?? ''}"`),
          );
        }
        next(err);
      });
    },
    (req, res, next) =>
      express.raw({ type: ['image/*', 'application/pdf', 'application/octet-stream'], limit: maxBytes() })(req, res, next),
  ];
}

export function uploadedImage(req: Request): UploadedImage {
  if (req.file) return { bytes: req.file.buffer, name: req.file.originalname || 'upload' };
  if (Buffer.isBuffer(req.body)) {
    if (req.body.length === 0) throw new AppError('missing_image', 400, 'the request body is empty; send an image');
    return { bytes: req.body, name: String(req.headers['x-file-name'] ?? 'upload') };
  }
  if (req.is('multipart/form-data')) {
    throw new AppError('missing_image', 400, `no file in the multipart field "${IMAGE_FIELD}"`);
  }
  throw new AppError(
    'unsupported_media_type',
    415,
    `send the image as multipart field "${IMAGE_FIELD}" or as raw bytes with an image/* (or application/pdf) content type`,
  );
}
