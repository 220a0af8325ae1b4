// Every HTTP route of the node, declared once: method, path, who may call it, the zod schemas of its
// params, query, body and answer, and the model work it runs. The node mounts routes from this table
// (server/api/mount.ts); the OpenAPI document, the request metrics, billing's units and the typed client are all
// derived from it.
//
// Adding a route: declare it here (a new key, the path in paths.ts), then mount it with
// `mount(router, 'key', handler)` in server/api/routes/<area>/index.ts. A test fails while a mounted route is
// missing here or a declared one is not mounted.
import { z } from 'zod';
import {
  classifyResponseSchema,
  activateRequestSchema,
  inferRequestSchema,
  inferResponseSchema,
  modelImportResponseSchema,
  modelListSchema,
  modelSummarySchema,
} from './models';
import {
  createJobSchema,
  EXPORT_FORMATS,
  PDF_EXPORT,
  JOB_ACTIONS,
  JOB_ITEM_STATES,
  jobItemsPageSchema,
  jobListSchema,
  jobProgressSchema,
  jobSchema,
} from './jobs';
import { barcodesResponseSchema, paddleAnswerSchema, umiAnswerSchema, umiDocAnswerSchema, umiOptionsSchema } from './compat';
import {
  groupInputSchema,
  groupListSchema,
  groupSchema,
  priceCardInputSchema,
  priceCardSchema,
  priceCardsSchema,
  quotaInputSchema,
  quotaListSchema,
  quotaSchema,
  spendQuerySchema,
  spendSchema,
  statementQuerySchema,
  statementSchema,
} from './billing';
import { clusterResponseSchema, clusterSettingsResponseSchema, clusterSettingsUpdateSchema } from './cluster';
import { healthResponseSchema } from './health';
import { trainRequestSchema, trainRunListSchema, trainRunSchema } from './training';
import { LAYOUT_MODES, ocrResponseSchema } from './ocr';
import { API } from './paths';
import { resultDetailSchema, resultsPageSchema } from './results';
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
  usageQuerySchema,
  usageResponseSchema,
  type KeyScope,
} from './security';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: `public` anyone (no key even in LAN mode), `any` every authenticated caller, or a list of
 * scopes of which the caller needs at least one.
 */
export type Access = 'public' | 'any' | readonly KeyScope[];

/** Bodies that are not JSON: one image (multipart `image` or raw image/* bytes), or a model upload. */
export type UploadBody = 'image' | 'model-upload';

/** Answers that are not JSON: the content type and what it holds. */
export interface RawAnswer {
  type: string;
  description: string;
}

/** The model work a route runs in the engine while it answers: the inference metrics label it, billing charges it. */
export type RouteTask = 'ocr' | 'classify' | 'infer';

export interface RouteSpec {
  method: HttpMethod;
  path: string;
  access: Access;
  /** OpenAPI tag: the area the route belongs to. */
  tag: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType | UploadBody;
  response?: z.ZodType | RawAnswer;
  /** Success status; 200 unless said. */
  status?: number;
  /** The model work the route runs; absent for routes that run none (or only queue it, as jobs do). */
  task?: RouteTask;
}

/** A query or path value that must be a whole number ≥ min (larger values are capped at max); "" means absent. */
export function wholeNumber(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number ≥ ${min}` });
        return z.NEVER;
      }
      return Math.min(n, max);
    });
}

/** A query value that may be left out; "" counts as left out. */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const idParams = z.object({ id: z.string().min(1) });
const versionQuery = z.object({ version: wholeNumber(1) });
const image: UploadBody = 'image';

export const ROUTES = {
  health: {
    method: 'get',
    path: API.health,
    access: 'public',
    tag: 'node',
    summary: 'Status, version, execution providers and models',
    response: healthResponseSchema,
  },
  ocr: {
    method: 'post',
    path: API.ocr,
    access: ['infer'],
    tag: 'inference',
    summary: 'Recognise the text in one image, or in the pages of a PDF',
    query: z.object({
      /** off: the recogniser's reading without look-alike corrections. */
      corrections: z.enum(['on', 'off'], { error: 'corrections is on or off' }).optional(),
      /** Layout for this call (columns and baselines, one column, or lines as detected); the node's setting when absent. */
      layout: z.enum(LAYOUT_MODES).optional(),
      /** One page (1-based) of a PDF instead of all of them. */
      page: wholeNumber(1),
    }),
    body: image,
    response: ocrResponseSchema,
    task: 'ocr',
  },
  classify: {
    method: 'post',
    path: API.classify,
    access: ['infer'],
    tag: 'inference',
    summary: 'Classify one image with a model; a document-type classifier also takes a PDF (its first page, or ?page=N)',
    query: z.object({
      model: z.string({ error: 'name the model: POST /v1/classify?model=ID' }).min(1, 'name the model: POST /v1/classify?model=ID'),
      top: wholeNumber(1),
      page: wholeNumber(1),
    }),
    body: image,
    response: classifyResponseSchema,
    task: 'classify',
  },
  listModels: {
    method: 'get',
    path: API.models,
    access: ['infer', 'admin'],
    tag: 'models',
    summary: 'List models',
    response: modelListSchema,
  },
  importModel: {
    method: 'post',
    path: API.models,
    access: ['admin'],
    tag: 'models',
    summary: 'Import a model (multipart: model file, manifest JSON, labels; or a bundle tar)',
    body: 'model-upload',
    response: modelImportResponseSchema,
    status: 201,
  },
  getModel: {
    method: 'get',
    path: API.model,
    access: ['infer', 'admin'],
    tag: 'models',
    summary: 'One model',
    params: idParams,
    response: modelSummarySchema,
  },
  deleteModel: {
    method: 'delete',
    path: API.model,
    access: ['admin'],
    tag: 'models',
    summary: 'Delete an imported model, or one version of it with ?version=N',
    params: idParams,
    query: versionQuery,
    status: 204,
  },
  deleteModelVersion: {
    method: 'delete',
    path: API.modelVersion,
    access: ['admin'],
    tag: 'models',
    summary: 'Delete one version of an imported model (not the active one)',
    params: z.object({ id: z.string().min(1), version: wholeNumber(1).pipe(z.number()) }),
    status: 204,
  },
  inferModel: {
    method: 'post',
    path: API.modelInfer,
    access: ['infer'],
    tag: 'inference',
    summary: 'Run a model on JSON tensors',
    params: idParams,
    body: inferRequestSchema,
    response: inferResponseSchema,
    task: 'infer',
  },
  exportModel: {
    method: 'get',
    path: API.modelExport,
    access: ['admin'],
    tag: 'models',
    summary: 'Model bundle (model + manifest + labels) for another node',
    params: idParams,
    query: versionQuery,
    response: { type: 'application/x-tar', description: 'bundle' },
  },
  activateModel: {
    method: 'post',
    path: API.modelActivate,
    access: ['admin'],
    tag: 'models',
    summary: 'Make a version the active one (rollback)',
    params: idParams,
    body: activateRequestSchema,
    response: modelSummarySchema,
  },
  loadModel: {
    method: 'post',
    path: API.modelLoad,
    access: ['admin'],
    tag: 'models',
    summary: 'Load the active version on every engine worker now',
    params: idParams,
    response: modelSummarySchema,
  },
  unloadModel: {
    method: 'post',
    path: API.modelUnload,
    access: ['admin'],
    tag: 'models',
    summary: 'Release the model on every engine worker',
    params: idParams,
    response: modelSummarySchema,
  },
  createJob: {
    method: 'post',
    path: API.jobs,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'Start a durable bulk folder job',
    body: createJobSchema,
    response: jobSchema,
    status: 201,
  },
  listJobs: {
    method: 'get',
    path: API.jobs,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'List jobs',
    query: z.object({ limit: wholeNumber(0, 1000) }),
    response: jobListSchema,
  },
  getJob: {
    method: 'get',
    path: API.job,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'One job with its progress',
    params: idParams,
    response: jobProgressSchema,
  },
  jobEvents: {
    method: 'get',
    path: API.jobEvents,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'Progress as server-sent events',
    params: idParams,
    response: { type: 'text/event-stream', description: 'progress events' },
  },
  exportJob: {
    method: 'get',
    path: API.jobExport,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'Export results',
    params: idParams,
    query: z.object({ format: z.enum([...EXPORT_FORMATS, PDF_EXPORT]).default('jsonl') }),
    response: {
      type: 'application/x-ndjson',
      description: 'jsonl, csv, txt, Markdown (md), table cells as CSV (tables), or a searchable PDF (application/pdf)',
    },
  },
  jobItems: {
    method: 'get',
    path: API.jobItems,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'Items of a job, paged',
    params: idParams,
    query: z.object({ state: z.enum(JOB_ITEM_STATES).optional(), limit: wholeNumber(0, 1000), offset: wholeNumber(0) }),
    response: jobItemsPageSchema,
  },
  jobAction: {
    method: 'post',
    path: API.jobAction,
    access: ['jobs'],
    tag: 'jobs',
    summary: 'pause | resume | cancel',
    params: z.object({ id: z.string().min(1), action: z.enum(JOB_ACTIONS) }),
    response: jobSchema,
  },
  searchResults: {
    method: 'get',
    path: API.results,
    access: ['infer', 'jobs', 'admin'],
    tag: 'results',
    summary: 'Search stored results (keys without admin see their own)',
    query: z.object({
      q: optionalText,
      limit: wholeNumber(0),
      offset: wholeNumber(0),
      from: optionalText,
      to: optionalText,
      source: optionalText,
      keyId: optionalText,
    }),
    response: resultsPageSchema,
  },
  getResult: {
    method: 'get',
    path: API.result,
    access: ['infer', 'jobs', 'admin'],
    tag: 'results',
    summary: 'One stored result',
    params: idParams,
    response: resultDetailSchema,
  },
  resultImage: {
    method: 'get',
    path: API.resultImage,
    access: ['infer', 'jobs', 'admin'],
    tag: 'results',
    summary: 'The stored input image',
    params: idParams,
    response: { type: 'image/*', description: 'image bytes' },
  },
  listKeys: {
    method: 'get',
    path: API.keys,
    access: ['admin'],
    tag: 'keys',
    summary: 'List API keys (hashes are never shown)',
    response: keyListSchema,
  },
  createKey: {
    method: 'post',
    path: API.keys,
    access: ['admin'],
    tag: 'keys',
    summary: 'Create an API key; the key is in this answer only',
    body: createKeyRequestSchema,
    response: createdKeySchema,
    status: 201,
  },
  updateKey: {
    method: 'patch',
    path: API.key,
    access: ['admin'],
    tag: 'keys',
    summary: 'Rename a key or change its scopes (acts on the next request)',
    params: idParams,
    body: updateKeyRequestSchema,
    response: apiKeySchema,
  },
  revokeKey: {
    method: 'delete',
    path: API.key,
    access: ['admin'],
    tag: 'keys',
    summary: 'Revoke a key (acts on the next request)',
    params: idParams,
    response: apiKeySchema,
  },
  usage: {
    method: 'get',
    path: API.usage,
    access: ['admin'],
    tag: 'admin',
    summary: 'Metering per key and day (?format=csv for CSV)',
    query: usageQuerySchema,
    response: usageResponseSchema,
  },
  audit: {
    method: 'get',
    path: API.audit,
    access: ['admin'],
    tag: 'admin',
    summary: 'Audit log of admin actions, newest first',
    query: z.object({ limit: wholeNumber(1, 1000), before: wholeNumber(1) }),
    response: auditResponseSchema,
  },
  getSettings: {
    method: 'get',
    path: API.settings,
    access: ['admin'],
    tag: 'admin',
    summary: 'Limits, retention, shared roots, allowed hosts, alert thresholds, data directory',
    response: settingsSchema,
  },
  updateSettings: {
    method: 'put',
    path: API.settings,
    access: ['admin'],
    tag: 'admin',
    summary: 'Change settings (persisted, applied to the next request)',
    body: settingsUpdateSchema,
    response: settingsSchema,
  },
  getNode: {
    method: 'get',
    path: API.node,
    access: ['admin'],
    tag: 'admin',
    summary: 'LAN exposure, URLs, TLS fingerprint, interfaces',
    response: nodeInfoSchema,
  },
  updateNode: {
    method: 'put',
    path: API.node,
    access: ['admin'],
    tag: 'admin',
    summary: 'Turn LAN on or off without a restart',
    body: nodeUpdateSchema,
    response: nodeUpdateResponseSchema,
  },
  monitor: {
    method: 'get',
    path: API.monitor,
    access: ['metrics', 'admin'],
    tag: 'observability',
    summary: 'Rolling history (with engine time per model), active alerts and their thresholds',
    response: monitorResponseSchema,
  },
  metrics: {
    method: 'get',
    path: API.metrics,
    access: ['metrics'],
    tag: 'observability',
    summary: 'Prometheus metrics',
    response: { type: 'text/plain', description: 'Prometheus text format' },
  },
  cluster: {
    method: 'get',
    path: API.cluster,
    access: ['metrics', 'admin'],
    tag: 'cluster',
    summary: 'The nodes of the cluster (or this node alone) with status and load, and the shared queues',
    response: clusterResponseSchema,
  },
  updateCluster: {
    method: 'put',
    path: API.cluster,
    access: ['admin'],
    tag: 'cluster',
    summary: 'Save the cluster this node joins at its next start',
    body: clusterSettingsUpdateSchema,
    response: clusterSettingsResponseSchema,
  },
  openapi: {
    method: 'get',
    path: API.openapi,
    access: 'any',
    tag: 'node',
    summary: 'This document',
    response: { type: 'application/json', description: 'OpenAPI 3.1' },
  },
  barcodes: {
    method: 'post',
    path: API.barcodes,
    access: ['infer'],
    tag: 'inference',
    summary: 'Read the QR codes and barcodes in one image',
    body: image,
    response: barcodesResponseSchema,
  },
  umiOcrOptions: {
    method: 'get',
    path: API.umiOcrOptions,
    access: ['infer'],
    tag: 'compatibility',
    summary: "Umi-OCR: the image API's options",
    response: umiOptionsSchema,
  },
  umiOcr: {
    method: 'post',
    path: API.umiOcr,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'Umi-OCR: recognise a base64 image {base64, options}',
    response: umiAnswerSchema,
    task: 'ocr',
  },
  umiQrcode: {
    method: 'post',
    path: API.umiQrcode,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'Umi-OCR: read codes from {base64}, or write {text} as a code image',
    response: umiAnswerSchema,
  },
  umiDocOptions: {
    method: 'get',
    path: API.umiDocOptions,
    access: ['infer'],
    tag: 'compatibility',
    summary: "Umi-OCR: the document API's options",
    response: umiOptionsSchema,
  },
  umiDocUpload: {
    method: 'post',
    path: API.umiDocUpload,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'Umi-OCR: upload a document (multipart file, json options); answers the task id',
    response: umiDocAnswerSchema,
  },
  umiDocResult: {
    method: 'post',
    path: API.umiDocResult,
    access: ['infer'],
    tag: 'compatibility',
    summary: "Umi-OCR: a document task's state and pages {id, is_data, format, is_unread}",
    response: umiDocAnswerSchema,
  },
  umiDocDownload: {
    method: 'post',
    path: API.umiDocDownload,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'Umi-OCR: make a download link {id, file_types, ingore_blank}',
    response: umiDocAnswerSchema,
  },
  umiDocFile: {
    method: 'get',
    path: API.umiDocFile,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'Umi-OCR: a download link made by /api/doc/download',
    params: z.object({ token: z.string().min(1), name: z.string().min(1) }),
    response: { type: 'application/octet-stream', description: 'txt, jsonl, csv or zip' },
  },
  umiDocClear: {
    method: 'get',
    path: API.umiDocClear,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'Umi-OCR: stop and forget a document task',
    params: idParams,
    response: umiDocAnswerSchema,
  },
  paddleOcrSystem: {
    method: 'post',
    path: API.paddleOcrSystem,
    access: ['infer'],
    tag: 'compatibility',
    summary: 'PaddleOCR hub serving: recognise {images: [base64, ...]}',
    response: paddleAnswerSchema,
    task: 'ocr',
  },
  billingPrices: {
    method: 'get',
    path: API.billingPrices,
    access: ['admin'],
    tag: 'billing',
    summary: 'The price card in effect and every earlier or scheduled one',
    response: priceCardsSchema,
  },
  setBillingPrices: {
    method: 'post',
    path: API.billingPrices,
    access: ['admin'],
    tag: 'billing',
    summary: 'A new price card (currency, prices per unit, effective date); past charges keep their prices',
    body: priceCardInputSchema,
    response: priceCardSchema,
    status: 201,
  },
  billingGroups: {
    method: 'get',
    path: API.billingGroups,
    access: ['admin'],
    tag: 'billing',
    summary: 'Groups of keys (departments) that share quotas and statements',
    response: groupListSchema,
  },
  createBillingGroup: {
    method: 'post',
    path: API.billingGroups,
    access: ['admin'],
    tag: 'billing',
    summary: 'A group of keys',
    body: groupInputSchema,
    response: groupSchema,
    status: 201,
  },
  updateBillingGroup: {
    method: 'put',
    path: API.billingGroup,
    access: ['admin'],
    tag: 'billing',
    summary: 'Rename a group or change its keys',
    params: idParams,
    body: groupInputSchema,
    response: groupSchema,
  },
  deleteBillingGroup: {
    method: 'delete',
    path: API.billingGroup,
    access: ['admin'],
    tag: 'billing',
    summary: 'Delete a group and its quotas (its charges stay with its keys)',
    params: idParams,
    status: 204,
  },
  billingQuotas: {
    method: 'get',
    path: API.billingQuotas,
    access: ['admin'],
    tag: 'billing',
    summary: 'Quotas with their use in the current period',
    response: quotaListSchema,
  },
  createBillingQuota: {
    method: 'post',
    path: API.billingQuotas,
    access: ['admin'],
    tag: 'billing',
    summary: 'A daily or monthly cap for a key or group, in units or money; soft warns at 80 %, hard answers 429',
    body: quotaInputSchema,
    response: quotaSchema,
    status: 201,
  },
  updateBillingQuota: {
    method: 'put',
    path: API.billingQuota,
    access: ['admin'],
    tag: 'billing',
    summary: 'Change a quota: its subject, period, mode or limit (its use in the period goes on while it counts the same thing)',
    params: idParams,
    body: quotaInputSchema,
    response: quotaSchema,
  },
  deleteBillingQuota: {
    method: 'delete',
    path: API.billingQuota,
    access: ['admin'],
    tag: 'billing',
    summary: 'Remove a quota',
    params: idParams,
    status: 204,
  },
  billingSpend: {
    method: 'get',
    path: API.billingSpend,
    access: ['admin'],
    tag: 'billing',
    summary: 'Spend per key and day, and the top consumers (default: this month)',
    query: spendQuerySchema,
    response: spendSchema,
  },
  billingStatements: {
    method: 'get',
    path: API.billingStatements,
    access: ['admin'],
    tag: 'billing',
    summary: 'A statement for a key, a group or everyone over a period: ?format=json, csv or html (printable)',
    query: statementQuerySchema,
    response: statementSchema,
  },
  listTrainRuns: {
    method: 'get',
    path: API.train,
    access: ['admin'],
    tag: 'training',
    summary: 'Training runs, newest first',
    response: trainRunListSchema,
  },
  startTrainRun: {
    method: 'post',
    path: API.train,
    access: ['admin'],
    tag: 'training',
    summary:
      'Train a classifier from a folder of labelled sub-folders (kind image: on an imported backbone; doctype: on OCR text and the page’s look); the result is a new model version',
    body: trainRequestSchema,
    response: trainRunSchema,
    status: 202,
  },
  getTrainRun: {
    method: 'get',
    path: API.trainRun,
    access: ['admin'],
    tag: 'training',
    summary: 'One training run: state, progress, evaluation report or error',
    params: idParams,
    response: trainRunSchema,
  },
  trainEvents: {
    method: 'get',
    path: API.trainEvents,
    access: ['admin'],
    tag: 'training',
    summary: 'Server-sent events: `progress` (the run, with loss and accuracy per epoch) until `end`',
    params: idParams,
    response: { type: 'text/event-stream', description: 'progress events' },
  },
  cancelTrainRun: {
    method: 'post',
    path: API.trainCancel,
    access: ['admin'],
    tag: 'training',
    summary: 'Stop a queued or running training run; the repository is left as it was',
    params: idParams,
    response: trainRunSchema,
  },
  trainThumbnail: {
    method: 'get',
    path: API.trainThumbnail,
    access: ['admin'],
    tag: 'training',
    summary: 'A small JPEG of the n-th misclassified example of a finished run (its report links each one)',
    params: z.object({ id: z.string().min(1), n: wholeNumber(0).pipe(z.number()) }),
    response: { type: 'image/jpeg', description: 'the example, at most 240 pixels a side' },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteKey = keyof typeof ROUTES;
type Spec<K extends RouteKey> = (typeof ROUTES)[K];

/** What a handler receives after parsing (zod output types); `{}` where the route declares nothing. */
export type ParamsOut<K extends RouteKey> = Spec<K> extends { params: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
export type QueryOut<K extends RouteKey> = Spec<K> extends { query: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
export type BodyOut<K extends RouteKey> = Spec<K> extends { body: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a caller sends (zod input types). */
export type ParamsIn<K extends RouteKey> = Spec<K> extends { params: infer S extends z.ZodType } ? z.input<S> : undefined;
export type QueryIn<K extends RouteKey> = Spec<K> extends { query: infer S extends z.ZodType } ? z.input<S> : undefined;
export type BodyIn<K extends RouteKey> = Spec<K> extends { body: infer S extends z.ZodType } ? z.input<S> : undefined;

/** The JSON answer of a route; `void` for routes answering bytes, text, a stream or nothing. */
export type ResponseOf<K extends RouteKey> = Spec<K> extends { response: infer S extends z.ZodType } ? z.output<S> : void;

export const ROUTE_KEYS = Object.keys(ROUTES) as RouteKey[];

/**
 * `/v1/models/:id` → a pattern for concrete paths, matching as Express routes do: any letter case and an optional
 * trailing slash (the access check relies on both agreeing).
 */
function compile(path: string): RegExp {
  return new RegExp('^' + path.replace(/[.]/g, '\\.').replace(/:[a-zA-Z]+/g, '[^/]+') + '/?$', 'i');
}

// Most specific first: fewer `:params` wins, so /v1/jobs/:id/events beats /v1/jobs/:id/:action.
const MATCHERS = ROUTE_KEYS.map((key) => ({ key, spec: ROUTES[key] as RouteSpec, pattern: compile(ROUTES[key].path) })).sort(
  (a, b) => (a.spec.path.match(/:/g) ?? []).length - (b.spec.path.match(/:/g) ?? []).length,
);

/** The model work a route runs, from its `task` field. */
export function routeTask(key: RouteKey): RouteTask | undefined {
  return (ROUTES[key] as RouteSpec).task;
}

/** The table route a request belongs to, by method and concrete path (HEAD counts as GET). */
export function matchRoute(method: string, path: string): RouteKey | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  for (const r of MATCHERS) if (r.spec.method === m && r.pattern.test(path)) return r.key;
  return undefined;
}
