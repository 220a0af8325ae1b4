// OCR results as the API, the CLI's jsonl and the console see them.
import { z } from 'zod';

export type Point = [number, number];
export type Quad = [Point, Point, Point, Point];

export interface OcrLine {
  text: string;
  /** The reading before look-alike corrections (l/I/1, 0/O, brackets); present only when one changed the line. */
  raw?: string;
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
  /** Engine time spent on this request in milliseconds: 0 when the result was reused. */
  ms: number;
  /** True when an identical image's earlier (or still running) recognition answered this one; nothing ran again. */
  reused?: boolean;
  /** Size of the (orientation-corrected) image the boxes refer to. */
  width: number;
  height: number;
  /** Store id of the result when it was recorded. */
  resultId?: string;
  /** In a cluster: the name of the node whose engine served the call (a busy node hands calls to a peer). */
  node?: string;
}

const pointSchema = z.tuple([z.number(), z.number()]);
export const ocrLineSchema: z.ZodType<OcrLine> = z.object({
  text: z.string(),
  raw: z.string().optional(),
  confidence: z.number(),
  box: z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]),
});
export const ocrResponseSchema: z.ZodType<OcrResponse> = z.object({
  text: z.string(),
  lines: z.array(ocrLineSchema),
  provider: z.string(),
  ms: z.number(),
  reused: z.boolean().optional(),
  width: z.number(),
  height: z.number(),
  resultId: z.string().optional(),
  node: z.string().optional(),
});
