// OCR results as the API, the CLI's jsonl and the console see them.
import { z } from 'zod';

export type Point = [number, number];
export type Quad = [Point, Point, Point, Point];

/** How recognised fragments are put together: columns and baselines found (auto), one column, or as detected. */
export const LAYOUT_MODES = ['auto', 'single', 'lines'] as const;
export type LayoutMode = (typeof LAYOUT_MODES)[number];

/** Page turns (clockwise degrees) that read a page upright. */
export const ROTATIONS = [0, 90, 180, 270] as const;
export type Rotation = (typeof ROTATIONS)[number];

export interface OcrWord {
  text: string;
  confidence: number;
  /** Clockwise from the word's own top-left, in the pixel space of the input image. */
  box: Quad;
}

export interface OcrLine {
  text: string;
  /** The reading before look-alike corrections (l/I/1, 0/O, brackets); present only when one changed the line. */
  raw?: string;
  /** Mean character probability from recognition, 0..1. */
  confidence: number;
  /** Clockwise from the text's own top-left, in the pixel space of the EXIF-rotated input image. */
  box: Quad;
  /** The line's words (split at spaces; boxes share the line's slant). Absent where layout keeps lines as detected. */
  words?: OcrWord[];
  /** 1-based PDF page, on the lines of a whole-PDF answer (boxes are in that page's pixels). */
  page?: number;
  /** True where the line was read from a PDF page's own text layer (exact) rather than recognised. */
  textLayer?: boolean;
}

export type OcrBlockKind = 'heading' | 'paragraph' | 'header' | 'footer' | 'table';

/** A paragraph (or heading, running header/footer) of lines, in reading order. */
export interface OcrBlock {
  kind: OcrBlockKind;
  /** The block's lines joined into running text (hyphenated line ends rejoined). */
  text: string;
  box: Quad;
  /** 0-based column the block sits in, left to right as read; blocks spanning columns are 0. */
  column: number;
  /** Indexes into the result's `lines`, in reading order. */
  lines: number[];
  /** A table's cells, row by row (empty strings where a row leaves a column blank). */
  cells?: string[][];
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
  /** Size of the input image (EXIF orientation applied) the boxes refer to. */
  width: number;
  height: number;
  /** Paragraphs, headings, headers and footers in reading order (absent where layout keeps lines as detected). */
  blocks?: OcrBlock[];
  /** Clockwise degrees the page was turned to be read upright; boxes stay in the input image's coordinates. */
  rotation?: Rotation;
  /** 1-based page number when the input was a PDF. */
  page?: number;
  /**
   * A whole PDF: every page's own result. Then `text` is the pages' texts apart by form feeds, `lines` all
   * pages' lines (each with `page`), and `width`/`height` the first page's.
   */
  pages?: OcrResponse[];
  /** Store id of the result when it was recorded. */
  resultId?: string;
  /** In a cluster: the name of the node whose engine served the call (a busy node hands calls to a peer). */
  node?: string;
}

const pointSchema = z.tuple([z.number(), z.number()]);
const quadSchema = z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]);
export const ocrLineSchema: z.ZodType<OcrLine> = z.object({
  text: z.string(),
  raw: z.string().optional(),
  confidence: z.number(),
  box: quadSchema,
  words: z.array(z.object({ text: z.string(), confidence: z.number(), box: quadSchema })).optional(),
  page: z.number().optional(),
  textLayer: z.boolean().optional(),
});
export const ocrBlockSchema: z.ZodType<OcrBlock> = z.object({
  kind: z.enum(['heading', 'paragraph', 'header', 'footer', 'table']),
  text: z.string(),
  box: quadSchema,
  column: z.number(),
  lines: z.array(z.number()),
  cells: z.array(z.array(z.string())).optional(),
});
export const rotationSchema = z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]);
const pageFields = {
  text: z.string(),
  lines: z.array(ocrLineSchema),
  provider: z.string(),
  ms: z.number(),
  reused: z.boolean().optional(),
  width: z.number(),
  height: z.number(),
  resultId: z.string().optional(),
  node: z.string().optional(),
  blocks: z.array(ocrBlockSchema).optional(),
  rotation: rotationSchema.optional(),
  page: z.number().optional(),
};
export const ocrResponseSchema: z.ZodType<OcrResponse> = z.object({
  ...pageFields,
  pages: z.array(z.object(pageFields)).optional(),
});
