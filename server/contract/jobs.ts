// Durable bulk folder jobs as POST/GET /v1/jobs, the SSE progress stream and the exports see them.
import { z } from 'zod';
import type { OcrBlock, Rotation } from './ocr';

export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_ITEM_STATES = ['pending', 'done', 'failed'] as const;
export type JobItemState = (typeof JOB_ITEM_STATES)[number];

export const EXPORT_FORMATS = ['jsonl', 'csv', 'txt', 'md', 'tables'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The export that is a document rather than text: a searchable PDF of the job's pages. */
export const PDF_EXPORT = 'pdf' as const;

export const JOB_ACTIONS = ['pause', 'resume', 'cancel'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

export const createJobSchema = z.object({
  path: z.string().min(1),
  recursive: z.boolean().default(true),
  /** A document-type classifier (model id): every file, or PDF page, is tagged with its label and confidence. */
  classify: z.string().min(1).optional(),
});
export type CreateJobRequest = z.input<typeof createJobSchema>;

export interface JobError {
  code: string;
  message: string;
}

export interface Job {
  id: string;
  state: JobState;
  /** Files found by the scan (0 until the scan has run). */
  total: number;
  /** Files with a stored result (reused ones included). */
  done: number;
  /** Files that could not be read or recognised; each has its own error. */
  failed: number;
  /** Files whose unchanged content reused an earlier result instead of being recognised again. */
  reused: number;
  /** The folder (or first input) item paths are relative to. */
  root: string;
  recursive: boolean;
  origin: 'api' | 'gui' | 'cli';
  /** API key that created the job; null for the local owner. */
  keyId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Why the job itself failed (state "failed"); item errors are per item. */
  error: JobError | null;
}

/** SSE `progress` event data (GET /v1/jobs/:id/events): the job plus throughput. */
export interface JobProgress extends Job {
  /** Items finished per second over the last few seconds. */
  rate: number;
  /** Seconds left at that rate; null when unknown. */
  etaSeconds: number | null;
}

/** A document type given to an item (a file or a PDF page) by the job's classifier. */
export interface JobLabel {
  label: string;
  confidence: number;
}

export interface JobItem {
  id: number;
  /** Path relative to the job root (or as given for a single file). */
  file: string;
  /** 1-based page when the file is a PDF (one item per page). */
  page?: number;
  state: JobItemState;
  resultId: string | null;
  /** Answered by an earlier recognition of the same content (an earlier job, or the engine's result cache). */
  reused: boolean;
  /** Engine time spent on this item: 0 when reused. */
  ms: number | null;
  error: JobError | null;
  /** Its document type, for a job with a classifier, once recognised. */
  label?: JobLabel;
}

/** What a job's items are read from: files, and among the items the pages of PDFs (each page is an item). */
export interface JobSources {
  files: number;
  pdfPages: number;
}

export interface JobItemsPage {
  items: JobItem[];
  total: number;
  limit: number;
  offset: number;
}

export interface JobList {
  jobs: Job[];
}

/** One line of the jsonl export and of `hearth ocr`. */
export type ExportLine =
  | {
      file: string;
      /** 1-based page of a PDF. */
      page?: number;
      text: string;
      lines: { text: string; confidence: number; box: [number, number][] }[];
      provider: string;
      /** Engine time spent on this file; 0 when reused. */
      ms: number;
      /** Present (true) when an earlier recognition of the same content answered; nothing ran again. */
      reused?: true;
      /** Clockwise degrees the page was turned to be read. */
      rotation?: Rotation;
      blocks?: OcrBlock[];
      /** The document type, in jobs created with a classifier. */
      label?: JobLabel;
    }
  | { file: string; page?: number; error: JobError };

const jobErrorSchema = z.object({ code: z.string(), message: z.string() });
export const jobSchema: z.ZodType<Job> = z.object({
  id: z.string(),
  state: z.enum(JOB_STATES),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  reused: z.number(),
  root: z.string(),
  recursive: z.boolean(),
  origin: z.enum(['api', 'gui', 'cli']),
  keyId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: jobErrorSchema.nullable(),
});
export const jobProgressSchema: z.ZodType<JobProgress> = z.intersection(
  jobSchema,
  z.object({ rate: z.number(), etaSeconds: z.number().nullable() }),
);
export const jobListSchema: z.ZodType<JobList> = z.object({ jobs: z.array(jobSchema) });
export const jobItemsPageSchema: z.ZodType<JobItemsPage> = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      file: z.string(),
      page: z.number().optional(),
      state: z.enum(JOB_ITEM_STATES),
      resultId: z.string().nullable(),
      reused: z.boolean(),
      ms: z.number().nullable(),
      error: jobErrorSchema.nullable(),
      label: z.object({ label: z.string(), confidence: z.number() }).optional(),
    }),
  ),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});
