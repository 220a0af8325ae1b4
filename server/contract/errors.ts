// The one error shape every route answers with, and the codes a client can branch on.

export const ERROR_CODES = [
  'bad_request',
  'invalid_body',
  'invalid_params',
  'invalid_query',
  'missing_image',
  'not_an_image',
  'corrupt_image',
  'encrypted_pdf',
  'corrupt_pdf',
  'pdf_too_large',
  'image_too_large',
  'payload_too_large',
  'unsupported_media_type',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_model',
  'rate_limited',
  'quota_exceeded',
  'queue_full',
  'request_timeout',
  'shutting_down',
  'store_key_invalid',
  'internal_error',
  'cluster_unavailable',
  'cluster_key_invalid',
  'cluster_key_mismatch',
  'worker_crashed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Answers that say "not now" rather than "this input is bad": the same call may succeed a moment later. */
export const RETRY_LATER_CODES: ReadonlySet<string> = new Set<ErrorCode>(['queue_full', 'shutting_down', 'cluster_unavailable']);

export interface ErrorBody {
  /** Some errors add facts beside the message, e.g. `quota` (id, period, unit, limit, used, resetsAt) with quota_exceeded. */
  error: { code: ErrorCode | string; message: string; [detail: string]: unknown };
}
