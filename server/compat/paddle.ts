// PaddleOCR's hub-serving OCR API (POST /predict/ocr_system), as its documentation gives it: a JSON body
// `{"images": ["<base64>", ...]}`, answered with `{"msg", "results", "status"}` where status "000" is success,
// "101" a failed prediction, "111" an unknown module and "112" a body that is not JSON.
import type { OcrResult } from '../contract/ocr';
import { decodeBase64Image } from './umi/answers';

export const PADDLE_STATUS = { ok: '000', failed: '101', noModule: '111', notJson: '112' } as const;

export interface PaddleTextRegion {
  text: string;
  confidence: number;
  /** Four [x, y] corners, clockwise from top-left, whole pixels. */
  text_region: [number, number][];
}

export interface PaddleAnswer {
  msg: string;
  results: PaddleTextRegion[][] | '';
  status: string;
}

export function paddleFailure(status: string, msg: string): PaddleAnswer {
  return { msg, results: '', status };
}

/** The images of a request, or a failure that says what is wrong with it. */
export function paddleImages(body: unknown): Buffer[] | PaddleAnswer {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return paddleFailure(PADDLE_STATUS.notJson, 'post a JSON object {"images": ["<base64>", ...]} with content-type application/json');
  }
  const images = (body as { images?: unknown }).images;
  if (!Array.isArray(images) || images.length === 0) {
    return paddleFailure(PADDLE_STATUS.failed, '"images" must be a non-empty list of base64-encoded images');
  }
  const decoded: Buffer[] = [];
  for (const [i, image] of images.entries()) {
    const bytes = decodeBase64Image(image);
    if (!bytes) return paddleFailure(PADDLE_STATUS.failed, `images[${i}] is not base64-encoded image data`);
    decoded.push(bytes);
  }
  return decoded;
}

/** One image's lines in Paddle's shape, in reading order. */
export function paddleRegions(result: OcrResult): PaddleTextRegion[] {
  return result.lines.map((l) => ({
    text: l.text,
    confidence: l.confidence,
    text_region: l.box.map(([x, y]): [number, number] => [Math.round(x), Math.round(y)]),
  }));
}
