// The one error class: thrown anywhere, turned into `{ error: { code, message } }` by the API's error middleware.
import type { ErrorCode } from './contract/errors';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /**
   * Operational errors are expected (bad input, limits, a busy node shedding load with 503); others are bugs and
   * get logged with a stack.
   */
  readonly operational: boolean;
  readonly headers: Record<string, string>;
  /** Structured facts a client may act on (e.g. which quota, its use and reset), sent beside the message. */
  readonly detail?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    status: number,
    message: string,
    opts: { operational?: boolean; headers?: Record<string, string>; cause?: unknown; detail?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.operational = opts.operational ?? (status < 500 || status === 503);
    this.headers = opts.headers ?? {};
    this.detail = opts.detail;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
