// Refusals on the compatibility routes (no key, wrong scope, too large, overloaded, bad JSON) in the shape the
// client of that API parses: Umi-OCR's {code, data} and PaddleOCR serving's {status, msg, results}. The HTTP
// status stays what it is, so clients that check it still retry or stop as they should.
import type { AppError } from '../appError';
import { PADDLE_STATUS, paddleFailure } from './paddle';
import { umiFailure, UMI_CODES } from './umi/answers';

/** The body for `err` on `path`, or undefined where Hearth's own error shape applies. */
export function compatErrorBody(path: string, err: AppError): object | undefined {
  const p = path.toLowerCase();
  if (p.startsWith('/api/')) {
    // Umi's own code for a body that is not JSON; otherwise the HTTP status is the code.
    return umiFailure(err.code === 'invalid_body' ? UMI_CODES.notJson : err.status, err.message);
  }
  if (p.startsWith('/predict/')) {
    if (err.status === 404)
      return paddleFailure(PADDLE_STATUS.noModule, `Module ${path.split('/')[2] ?? ''} is not available; this node serves ocr_system.`);
    return paddleFailure(err.code === 'invalid_body' ? PADDLE_STATUS.notJson : PADDLE_STATUS.failed, err.message);
  }
  return undefined;
}
