// One image recognised for a compatibility route, the way POST /v1/ocr does it: through the engine's
// interactive lane, stored in the history with its key, and metered.
import type { Response } from 'express';
import type { OcrResult } from '../contract/ocr';
import type { OcrCallOptions } from '../engine';
import type { NodeServices } from '../node';

export async function recogniseForClient(
  s: NodeServices,
  res: Response,
  image: Buffer,
  opts: Omit<OcrCallOptions, 'bulk'> & { source: string; keyId: string | null },
): Promise<OcrResult> {
  const result = await s.engine.ocr(image, { limitSide: opts.limitSide, layout: opts.layout });
  // Read by the metering layer when the response finishes.
  const usage = (res.locals.usage ?? { images: 0, engineMs: 0 }) as { images: number; engineMs: number };
  res.locals.usage = { images: usage.images + 1, engineMs: usage.engineMs + result.ms };
  s.store.results.record({ kind: 'ocr', source: opts.source, image, ocr: result, origin: 'api', keyId: opts.keyId });
  return result;
}
