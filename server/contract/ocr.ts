// OCR results as the API, the CLI's jsonl and the console see them.
import { z } from 'zod';

export type Point = [number, number];
export type Quad = [Point, Point, Point, Point];

export interface OcrLine {
  text: string;
  /** Mean character probability from recognition, 0..1. */
  confidence: number;
  /** Clockwise from top-left, in the pixel space of the EXIF-rotated input image. */
  box: Quad;
}

/** What the engine answers for one image; the API adds the store id. */
export type OcrResult = Omit<OcrResponse, 'resultId'>;

export interface OcrResponse {
  /** Lines joined by "\n" in reading order. */
  text: string;
  lines: OcrLine[];
  /** Execution provider that ran the models: "cpu", "cuda", "dml", "coreml". */
  provider: string;
  /** Engine time for this image in milliseconds. */
  ms: number;
  /** Size of the (orientation-corrected) image the boxes refer to. */
  width: number;
  height: number;
  /** Store id of the result when it was recorded. */
  resultId?: string;
}

const pointSchema = z.tuple([z.number(), z.number()]);
export const ocrLineSchema: z.ZodType<OcrLine> = z.object({
  text: z.string(),
  confidence: z.number(),
  box: z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]),
});
export const ocrResponseSchema: z.ZodType<OcrResponse> = z.object({
  text: z.string(),
  lines: z.array(ocrLineSchema),
  provider: z.string(),
  ms: z.number(),
  width: z.number(),
  height: z.number(),
  resultId: z.string().optional(),
});
