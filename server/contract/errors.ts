// The one error shape every route answers with, and the codes a client can branch on.

export const ERROR_CODES = [
  'bad_request',
  'invalid_body',
  'invalid_params',
  'invalid_query',
  'missing_image',
  'not_an_image',
  'corrupt_image',
  'image_too_large',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_model',
  'rate_limited',
  'queue_full',
  'request_timeout',
  'shutting_down',
  'store_key_invalid',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode | string; message: string };
}
