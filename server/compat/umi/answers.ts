// The answer envelope of Umi-OCR's API and its status codes: 100 success, 101 no text; 8xx a request Hearth
// cannot read; 9xx the image or the engine failed. HTTP-level refusals (no key, limits) keep their HTTP status
// and carry it as the code, so Umi clients that only look at `code` still see a failure with its reason.

export const UMI_CODES = {
  ok: 100,
  noText: 101,
  notJson: 800,
  empty: 801,
  noBase64: 802,
  optionsNotDict: 803,
  badOptions: 804,
  badImage: 901,
  engineFailed: 902,
} as const;

export interface UmiAnswer<T = unknown> {
  code: number;
  data: T | string;
  /** Seconds the recognition took. */
  time?: number;
  /** When the task started, in seconds since the epoch. */
  timestamp?: number;
}

export function umiFailure(code: number, message: string, startedAt?: number): UmiAnswer {
  const answer: UmiAnswer = { code, data: message };
  if (startedAt !== undefined) {
    answer.time = (Date.now() - startedAt) / 1000;
    answer.timestamp = startedAt / 1000;
  }
  return answer;
}

/** Base64 as Umi clients send it: no data-URL prefix, but tolerate one, and whitespace from line wrapping. */
export function decodeBase64Image(value: unknown): Buffer | null {
  if (typeof value !== 'string') return null;
  const body = value.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  if (!body || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) return null;
  const bytes = Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64');
  return bytes.length ? bytes : null;
}
