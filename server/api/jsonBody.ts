// Routes that take a JSON body refuse any other content type (415) before their handler runs: a text/plain
// body would otherwise parse as "no body", pass as an empty change and still be acted on and audited.
import type { RequestHandler } from 'express';
import { AppError } from '../appError';

export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    throw new AppError('unsupported_media_type', 415, 'send the body as JSON with "Content-Type: application/json"');
  }
  next();
};
