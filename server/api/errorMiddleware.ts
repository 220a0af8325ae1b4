// Registered last: turns anything thrown into the one JSON error shape; never a stack trace to the client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, isAppError } from '../appError';
import { compatErrorBody } from '../compat/errorShapes';
import type { ErrorBody } from '../contract/errors';
import { createLogger } from '../logger';

const log = createLogger('api');

interface HttpishError {
  name?: string;
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  expose?: boolean;
  message?: string;
}

/** Maps errors from Express, body parsers and multer onto AppError. */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = (err ?? {}) as HttpishError;
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE') {
    return new AppError('payload_too_large', 413, 'the request body is larger than this node accepts');
  }
  if (e.type === 'entity.parse.failed') return new AppError('invalid_body', 400, 'the request body is not valid JSON');
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_')) {
    return new AppError('bad_request', 400, `upload rejected: ${e.message ?? e.code}`);
  }
  // Multer's own refusals (a part without a field name, …) are the client's mistake.
  if (e.name === 'MulterError') return new AppError('bad_request', 400, `upload rejected: ${e.message ?? e.code}`);
  if (e.message?.includes('Multipart') || e.message?.includes('Unexpected end of form') || e.message?.includes('Malformed part header')) {
    return new AppError('bad_request', 400, 'the multipart body is malformed');
  }
  if (status && status >= 400 && status < 500) {
    return new AppError('bad_request', status, e.expose && e.message ? e.message : 'the request could not be understood');
  }
  return new AppError('internal_error', 500, 'the node hit an internal error; it is logged', { operational: false, cause: err });
}

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const appErr = toAppError(err);
  if (appErr.status === 503) {
    // Shedding load (queue full, shutting down) is normal operation under overload: counted in /metrics, and only
    // a debug line here, or an overload would also flood the disk with logs.
    log.debug('load shed', { route: req.route?.path ?? req.path, code: appErr.code });
  } else if (!appErr.operational) {
    log.error('unhandled error', {
      requestId: res.getHeader('x-request-id'),
      route: req.route?.path ?? req.path,
      error: err instanceof Error ? err.stack : String(err),
    });
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [k, v] of Object.entries(appErr.headers)) res.setHeader(k, v);
  const body: ErrorBody = { error: { code: appErr.code, message: appErr.message, ...appErr.detail } };
  res.status(appErr.status).json(compatErrorBody(req.path, appErr) ?? body);
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', 404, `no route ${req.method} ${req.path}`));
};
