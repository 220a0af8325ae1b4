// Training runs over HTTP (admin scope): POST /v1/train starts one, GET /v1/train/:id reads it, and
// GET /v1/train/:id/events streams its progress (loss and accuracy per epoch) as SSE.
import { z } from 'zod';

export const TRAIN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type TrainState = (typeof TRAIN_STATES)[number];

export const trainRequestSchema = z.object({
  /** Folder on the node with one sub-folder per label. */
  path: z.string().min(1),
  /** Model to add the trained version to. */
  name: z.string().trim().min(1).max(200),
  /** Imported image model whose embedding the classifier learns on. */
  backbone: z.string().min(1),
  embedding: z.string().min(1).optional(),
  seed: z.number().int().min(0).optional(),
});
export type TrainRequestBody = z.input<typeof trainRequestSchema>;

const epochSchema = z.object({ epoch: z.number(), loss: z.number(), accuracy: z.number(), valLoss: z.number(), valAccuracy: z.number() });

export const trainReportSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  active: z.boolean(),
  accuracy: z.number(),
  perLabel: z.record(z.string(), z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() })),
  confusion: z.array(z.array(z.number())),
  misclassified: z.array(z.object({ file: z.string(), label: z.string(), predicted: z.string(), confidence: z.number() })),
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
