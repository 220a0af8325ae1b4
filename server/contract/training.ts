// Training runs over HTTP (admin scope): POST /v1/train starts one, GET /v1/train/:id reads it, and
// GET /v1/train/:id/events streams its progress (loss and accuracy per epoch) as SSE.
import { z } from 'zod';

export const TRAIN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type TrainState = (typeof TRAIN_STATES)[number];

/** image: a softmax head on an imported backbone's embedding; doctype: OCR text and the detector's look of a page, no import. */
export const TRAIN_KINDS = ['image', 'doctype'] as const;
export type TrainKind = (typeof TRAIN_KINDS)[number];

export const trainRequestSchema = z
  .object({
    /** Folder on the node with one sub-folder per label. */
    path: z.string().min(1),
    /** Model to add the trained version to. */
    name: z.string().trim().min(1).max(200),
    /** Default: image when a backbone is named, else doctype. */
    kind: z.enum(TRAIN_KINDS).optional(),
    /** Imported image model whose embedding an image classifier learns on. */
    backbone: z.string().min(1).optional(),
    embedding: z.string().min(1).optional(),
    seed: z.number().int().min(0).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'image' && !r.backbone) {
      ctx.addIssue({ code: 'custom', path: ['backbone'], message: 'an image classifier needs the imported model to train on (backbone)' });
    }
    if (r.kind === 'doctype' && (r.backbone || r.embedding)) {
      ctx.addIssue({
        code: 'custom',
        path: ['backbone'],
        message: 'a document-type classifier reads pages with the bundled OCR; leave backbone out',
      });
    }
  });

/** The kind a request asks for. */
export function trainKindOf(r: { kind?: TrainKind; backbone?: string }): TrainKind {
  return r.kind ?? (r.backbone ? 'image' : 'doctype');
}
export type TrainRequestBody = z.input<typeof trainRequestSchema>;

const epochSchema = z.object({ epoch: z.number(), loss: z.number(), accuracy: z.number(), valLoss: z.number(), valAccuracy: z.number() });

export const trainReportSchema = z.object({
  kind: z.enum(TRAIN_KINDS),
  model: z.string(),
  version: z.number().int(),
  active: z.boolean(),
  accuracy: z.number(),
  perLabel: z.record(z.string(), z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
  confusion: z.array(z.array(z.number())),
  misclassified: z.array(
    z.object({
      file: z.string(),
      label: z.string(),
      predicted: z.string(),
      confidence: z.number(),
      /** GET this for a small JPEG of the example (runs of the node; absent in `hearth train --json`). */
      thumbnail: z.string().optional(),
    }),
  ),
  labels: z.array(z.string()),
  examples: z.object({ train: z.number(), validation: z.number() }),
  bestEpoch: z.number(),
  history: z.array(epochSchema),
  warnings: z.array(z.string()),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  previous: z.object({ version: z.number(), accuracy: z.number() }).nullable(),
  seconds: z.object({ embedding: z.number(), fitting: z.number() }),
  embeddingsPerSecond: z.number(),
});

export const trainRunSchema = z.object({
  id: z.string(),
  state: z.enum(TRAIN_STATES),
  request: trainRequestSchema,
  /** Where a running run is: embedding n of total, or the last epoch. */
  progress: z
    .object({
      phase: z.enum(['embedding', 'fitting', 'registering']),
      done: z.number().optional(),
      total: z.number().optional(),
      epoch: epochSchema.optional(),
    })
    .nullable(),
  report: trainReportSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TrainRun = z.infer<typeof trainRunSchema>;
export const trainRunListSchema = z.object({ runs: z.array(trainRunSchema) });
