// The OpenAPI 3.1 document of the node, generated from zod schemas. Where a contract file declares only a
// TypeScript interface, the schema here is typed against it (z.ZodType<T>) so the two cannot drift apart silently.
import { providerReportSchema } from '../contract/providers';
import { z } from 'zod';
import { ERROR_CODES } from '../contract/errors';
import type { HealthResponse } from '../contract/health';
import type { Job, JobItemsPage, JobList } from '../contract/jobs';
import { createJobSchema, EXPORT_FORMATS, JOB_ITEM_STATES, JOB_STATES } from '../contract/jobs';
import type { ClassifyResponse, InferResponse, ModelListResponse, ModelSummary } from '../contract/models';
import { activateRequestSchema, importManifestSchema, inferRequestSchema, MODEL_API, MODEL_TASKS, preprocessSchema, tensorSpecSchema } from '../contract/models';
import type { OcrResponse } from '../contract/ocr';
import { API } from '../contract/paths';
import type { ResultDetail, ResultsPage, ResultSummary } from '../contract/results';
import { RESULT_KINDS, RESULT_ORIGINS } from '../contract/results';
import {
  apiKeySchema,
  auditResponseSchema,
  createdKeySchema,
  createKeyRequestSchema,
  keyListSchema,
  monitorResponseSchema,
  nodeInfoSchema,
  nodeUpdateResponseSchema,
  nodeUpdateSchema,
  settingsSchema,
  settingsUpdateSchema,
  updateKeyRequestSchema,
  usageResponseSchema,
} from '../contract/security';
import { VERSION } from '../version';

const errorBody = z.object({ error: z.object({ code: z.enum(ERROR_CODES).or(z.string()), message: z.string() }) });

const point = z.tuple([z.number(), z.number()]);
const ocrLine = z.object({ text: z.string(), confidence: z.number(), box: z.tuple([point, point, point, point]) });
const ocrResponse: z.ZodType<OcrResponse> = z.object({
  text: z.string(),
  lines: z.array(ocrLine),
  provider: z.string(),
  ms: z.number(),
  width: z.number(),
  height: z.number(),
  resultId: z.string().optional(),
});
const healthResponse: z.ZodType<HealthResponse> = z.object({
  status: z.literal('ok'),
  version: z.string(),
  providers: z.array(z.string()),
  candidates: z.array(providerReportSchema).optional(),
  models: z.array(z.object({ id: z.string(), task: z.string(), version: z.number(), loaded: z.boolean() })),
  engine: z.object({ workers: z.number(), queueDepth: z.number(), inFlight: z.number() }).optional(),
  lan: z.boolean().optional(),
});
const jobError = z.object({ code: z.string(), message: z.string() });
const job: z.ZodType<Job> = z.object({
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
  error: jobError.nullable(),
});
const jobList: z.ZodType<JobList> = z.object({ jobs: z.array(job) });
const jobItemsPage: z.ZodType<JobItemsPage> = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      file: z.string(),
      state: z.enum(JOB_ITEM_STATES),
      resultId: z.string().nullable(),
      reused: z.boolean(),
      ms: z.number().nullable(),
      error: jobError.nullable(),
    }),
  ),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});
const label = z.object({ label: z.string(), confidence: z.number() });
const classifyResponse: z.ZodType<ClassifyResponse> = z.object({
  labels: z.array(label),
  provider: z.string(),
  ms: z.number(),
  model: z.string(),
  version: z.number(),
  resultId: z.string().optional(),
});
const modelSummary: z.ZodType<ModelSummary> = z.object({
  id: z.string(),
  name: z.string(),
  task: z.enum(MODEL_TASKS),
  activeVersion: z.number(),
  versions: z.array(
    z.object({
      version: z.number(),
      createdAt: z.string().nullable(),
      sizeBytes: z.number(),
      inputs: z.array(tensorSpecSchema),
      outputs: z.array(tensorSpecSchema),
      labels: z.number(),
    }),
  ),
  bundled: z.boolean(),
  loaded: z.boolean(),
  preprocess: preprocessSchema.optional(),
  description: z.string().optional(),
});
const modelList: z.ZodType<ModelListResponse> = z.object({ models: z.array(modelSummary) });
const inferResponse: z.ZodType<InferResponse> = z.object({
  outputs: z.record(z.string(), z.object({ dtype: z.string(), shape: z.array(z.number()), data: z.array(z.union([z.number(), z.boolean()])) })),
  provider: z.string(),
  ms: z.number(),
  model: z.string(),
  version: z.number(),
});
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
const resultSummary: z.ZodType<ResultSummary> = z.object(resultSummaryShape);
const resultsPage: z.ZodType<ResultsPage> = z.object({ items: z.array(resultSummary), total: z.number(), limit: z.number(), offset: z.number() });
const resultDetail: z.ZodType<ResultDetail> = z.object({
  ...resultSummaryShape,
  lines: z.array(ocrLine),
  labels: z.array(label).nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Op {
  summary: string;
  scope?: 'infer' | 'jobs' | 'admin' | 'metrics' | 'any' | 'none';
  body?: z.ZodType | 'image' | 'model-upload';
  response?: z.ZodType | { type: string; description: string };
  status?: number;
  query?: Record<string, string>;
}

const image = 'image' as const;

const OPERATIONS: Partial<Record<string, Partial<Record<Method, Op>>>> = {
  [API.health]: { get: { summary: 'Status, version, execution providers and models', scope: 'none', response: healthResponse } },
  [API.ocr]: { post: { summary: 'Recognise the text in one image', scope: 'infer', body: image, response: ocrResponse } },
  [API.classify]: {
    post: { summary: 'Classify one image with a model', scope: 'infer', body: image, response: classifyResponse, query: { model: 'model id', top: 'how many labels' } },
  },
  [API.models]: {
    get: { summary: 'List models', scope: 'infer', response: modelList },
    post: { summary: 'Import a model (multipart: model file, manifest JSON, labels)', scope: 'admin', body: 'model-upload', response: z.object({ model: modelSummary, version: z.number() }), status: 201 },
  },
  [API.model]: { get: { summary: 'One model', scope: 'infer', response: modelSummary }, delete: { summary: 'Delete an imported model', scope: 'admin' } },
  [API.modelInfer]: { post: { summary: 'Run a model on JSON tensors', scope: 'infer', body: inferRequestSchema, response: inferResponse } },
  [API.modelExport]: { get: { summary: 'Model bundle (model + manifest + labels) for another node', scope: 'admin', response: { type: 'application/octet-stream', description: 'bundle' } } },
  [API.modelActivate]: { post: { summary: 'Make a version the active one (rollback)', scope: 'admin', body: activateRequestSchema, response: modelSummary } },
  [MODEL_API.modelVersion]: { delete: { summary: 'Delete one version of an imported model (not the active one)', scope: 'admin' } },
  [API.modelLoad]: { post: { summary: 'Load the active version on every engine worker now', scope: 'admin', response: modelSummary } },
  [API.modelUnload]: { post: { summary: 'Release the model on every engine worker', scope: 'admin', response: modelSummary } },
  [API.jobs]: {
    get: { summary: 'List jobs', scope: 'jobs', response: jobList },
    post: { summary: 'Start a durable bulk folder job', scope: 'jobs', body: createJobSchema, response: job, status: 201 },
  },
  [API.job]: { get: { summary: 'One job', scope: 'jobs', response: job } },
  [API.jobEvents]: { get: { summary: 'Progress as server-sent events', scope: 'jobs', response: { type: 'text/event-stream', description: 'progress events' } } },
  [API.jobExport]: {
    get: { summary: 'Export results', scope: 'jobs', query: { format: EXPORT_FORMATS.join(' | ') }, response: { type: 'application/x-ndjson', description: 'jsonl, csv or txt' } },
  },
  [API.jobItems]: { get: { summary: 'Items of a job, paged', scope: 'jobs', response: jobItemsPage, query: { state: JOB_ITEM_STATES.join(' | '), limit: 'page size', offset: 'first item' } } },
  [API.jobAction]: { post: { summary: 'pause | resume | cancel', scope: 'jobs', response: job } },
  [API.results]: { get: { summary: 'Search stored results', scope: 'infer', response: resultsPage, query: { q: 'text to find', limit: 'page size', offset: 'first result', from: 'ISO date', to: 'ISO date', source: 'source name part' } } },
  [API.result]: { get: { summary: 'One stored result', scope: 'infer', response: resultDetail } },
  [API.resultImage]: { get: { summary: 'The stored input image', scope: 'infer', response: { type: 'image/*', description: 'image bytes' } } },
  [API.keys]: {
    get: { summary: 'List API keys (hashes are never shown)', scope: 'admin', response: keyListSchema },
    post: { summary: 'Create an API key; the key is in this answer only', scope: 'admin', body: createKeyRequestSchema, response: createdKeySchema, status: 201 },
  },
  [API.key]: {
    patch: { summary: 'Rename a key or change its scopes (acts on the next request)', scope: 'admin', body: updateKeyRequestSchema, response: apiKeySchema },
    delete: { summary: 'Revoke a key (acts on the next request)', scope: 'admin', response: apiKeySchema },
  },
  [API.usage]: {
    get: { summary: 'Metering per key and day', scope: 'admin', response: usageResponseSchema, query: { from: 'YYYY-MM-DD', to: 'YYYY-MM-DD', key: 'key id', format: 'json | csv' } },
  },
  [API.audit]: { get: { summary: 'Audit log of admin actions, newest first', scope: 'admin', response: auditResponseSchema, query: { limit: 'entries', before: 'entry id' } } },
  [API.settings]: {
    get: { summary: 'Limits, retention, shared roots, allowed hosts, alert thresholds, data directory', scope: 'admin', response: settingsSchema },
    put: { summary: 'Change settings (persisted, applied live)', scope: 'admin', body: settingsUpdateSchema, response: settingsSchema },
  },
  [API.node]: {
    get: { summary: 'LAN exposure, URLs, TLS fingerprint, interfaces', scope: 'admin', response: nodeInfoSchema },
    put: { summary: 'Turn LAN on or off without a restart', scope: 'admin', body: nodeUpdateSchema, response: nodeUpdateResponseSchema },
  },
  [API.monitor]: { get: { summary: 'Rolling history (with engine time per model), active alerts and their thresholds (metrics or admin scope)', scope: 'metrics', response: monitorResponseSchema } },
  [API.metrics]: { get: { summary: 'Prometheus metrics', scope: 'metrics', response: { type: 'text/plain', description: 'Prometheus text format' } } },
  [API.openapi]: { get: { summary: 'This document', scope: 'any', response: { type: 'application/json', description: 'OpenAPI 3.1' } } },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

function operation(path: string, method: Method, op: Op): Record<string, unknown> {
  const params = [...path.matchAll(/:([a-zA-Z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const query = Object.entries(op.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
  const out: Record<string, unknown> = {
    summary: op.summary,
    operationId: `${method}${path.replace(/\/:?([a-zA-Z0-9.]+)/g, (_, s: string) => s[0].toUpperCase() + s.slice(1).replace('.json', 'Json'))}`,
    parameters: [...params, ...query],
  };
  if (op.scope === 'none') out.security = [];
  else if (op.scope && op.scope !== 'any') out.description = `Needs the "${op.scope}" scope (the owner on loopback has every scope).`;
  if (op.body === 'image') {
    out.requestBody = {
      required: true,
      content: {
        'multipart/form-data': { schema: { type: 'object', properties: { image: { type: 'string', contentMediaType: 'application/octet-stream' } }, required: ['image'] } },
        'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } },
      },
    };
  } else if (op.body === 'model-upload') {
    out.requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { model: { type: 'string', contentMediaType: 'application/octet-stream' }, manifest: jsonSchema(importManifestSchema, 'input'), labels: { type: 'string' } },
            required: ['model', 'manifest'],
          },
        },
      },
    };
  } else if (op.body) {
    out.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } };
  }
  const ok = String(op.status ?? 200);
  const response = op.response;
  const success =
    response === undefined
      ? { description: 'done' }
      : response instanceof z.ZodType
        ? { description: 'success', content: { 'application/json': { schema: jsonSchema(response, 'output') } } }
        : { description: response.description, content: { [response.type]: { schema: { type: 'string' } } } };
  const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  out.responses = { [ok]: success, '4XX': error, '5XX': error };
  return out;
}

/** The whole document; built once per node on first request. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [template, ops] of Object.entries(OPERATIONS)) {
    const oaPath = template.replace(/:([a-zA-Z]+)/g, '{$1}');
    paths[oaPath] = {};
    for (const [method, op] of Object.entries(ops ?? {})) paths[oaPath][method] = operation(template, method as Method, op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hearth node API',
      version: VERSION,
      description: 'Private AI node: OCR, image classification, generic ONNX inference, bulk folder jobs. In LAN mode every route but /v1/health needs `Authorization: Bearer <key>`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key (hk_…) from `hearth keys create` or POST /v1/keys' } },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
