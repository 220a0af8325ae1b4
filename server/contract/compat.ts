// Shapes of the compatibility APIs (Umi-OCR's and PaddleOCR serving's), as their documentation gives them, for
// the route table and the OpenAPI document. Their own clients parse these; Hearth's clients use /v1.
import { z } from 'zod';
import { BARCODE_FORMATS } from './barcodes';

const point = z.tuple([z.number(), z.number()]);

/** Umi-OCR's envelope: code 100 success, 101 nothing found, anything else a failure with `data` saying why. */
export const umiAnswerSchema = z.object({
  code: z.number().int(),
  data: z.unknown(),
  time: z.number().optional(),
  timestamp: z.number().optional(),
});
export type UmiAnswerBody = z.infer<typeof umiAnswerSchema>;

/** Umi-OCR's option dictionary (GET /api/ocr/get_options, /api/doc/get_options). */
export const umiOptionsSchema = z.record(
  z.string(),
  z.object({
    title: z.string(),
    toolTip: z.string().optional(),
    type: z.enum(['enum', 'boolean', 'text', 'number', 'var']),
    default: z.unknown(),
    optionsList: z.array(z.tuple([z.union([z.string(), z.number()]), z.string()])).optional(),
    isInt: z.boolean().optional(),
  }),
);

/** Answers of the document flow: the envelope plus the task's state where it has one. */
export const umiDocAnswerSchema = umiAnswerSchema.extend({
  processed_count: z.number().int().optional(),
  pages_count: z.number().int().optional(),
  is_done: z.boolean().optional(),
  state: z.enum(['waiting', 'running', 'success', 'failure']).optional(),
  message: z.string().optional(),
  name: z.string().optional(),
});
export type UmiDocAnswer = z.infer<typeof umiDocAnswerSchema>;

/** PaddleOCR hub serving: status "000" success, "101" failed, "111" unknown module, "112" not JSON. */
export const paddleAnswerSchema = z.object({
  msg: z.string(),
  results: z.union([z.array(z.array(z.object({ text: z.string(), confidence: z.number(), text_region: z.array(point) }))), z.literal('')]),
  status: z.string(),
});

export const barcodesResponseSchema = z.object({
  codes: z.array(
    z.object({
      text: z.string(),
      format: z.union([z.enum(BARCODE_FORMATS), z.string()]),
      box: z.tuple([point, point, point, point]),
      orientation: z.number(),
    }),
  ),
  width: z.number(),
  height: z.number(),
  ms: z.number(),
});
