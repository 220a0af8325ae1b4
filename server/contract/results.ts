// Stored recognitions as GET /v1/results, /v1/results/:id and the console's history see them.
import { z } from 'zod';
import { ocrLineSchema, type OcrLine } from './ocr';

export const RESULT_KINDS = ['ocr', 'classify'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export const RESULT_ORIGINS = ['api', 'gui', 'cli', 'job'] as const;
export type ResultOrigin = (typeof RESULT_ORIGINS)[number];

export interface ResultLabel {
  label: string;
  confidence: number;
}

export interface ResultSummary {
  id: string;
  kind: ResultKind;
  /** File name as uploaded, or the file's path relative to its job root. */
  source: string;
  /** SHA-256 of the input image, hex. */
  sha256: string | null;
  text: string;
  provider: string | null;
  ms: number | null;
  origin: ResultOrigin;
  /** API key that asked, null for the local owner. */
  keyId: string | null;
  jobId: string | null;
  model: string | null;
  /** ISO 8601. */
  createdAt: string;
  /** False once retention dropped the image (or it was never kept). */
  hasImage: boolean;
}

export interface ResultDetail extends ResultSummary {
  lines: OcrLine[];
  labels: ResultLabel[] | null;
  width: number | null;
  height: number | null;
}

/** GET /v1/results query: q searches the text (any language, any length), the rest filter and page. */
export interface ResultsQuery {
  q?: string;
  limit?: number;
  offset?: number;
  /** ISO date/time or epoch milliseconds, inclusive. */
  from?: string;
  to?: string;
  /** Substring of the source name. */
  source?: string;
  keyId?: string;
}

export interface ResultsPage {
  items: ResultSummary[];
  total: number;
  limit: number;
  offset: number;
}

const resultSummaryShape = {
  id: z.string(),
  kind: z.enum(RESULT_KINDS),
  source: z.string(),
  sha256: z.string().nullable(),
  text: z.string(),
  provider: z.string().nullable(),
  ms: z.number().nullable(),
  origin: z.enum(RESULT_ORIGINS),
  keyId: z.string().nullable(),
  jobId: z.string().nullable(),
  model: z.string().nullable(),
  createdAt: z.string(),
  hasImage: z.boolean(),
};
const resultLabelSchema = z.object({ label: z.string(), confidence: z.number() });
export const resultSummarySchema: z.ZodType<ResultSummary> = z.object(resultSummaryShape);
export const resultsPageSchema: z.ZodType<ResultsPage> = z.object({
  items: z.array(resultSummarySchema),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});
export const resultDetailSchema: z.ZodType<ResultDetail> = z.object({
  ...resultSummaryShape,
  lines: z.array(ocrLineSchema),
  labels: z.array(resultLabelSchema).nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
});
