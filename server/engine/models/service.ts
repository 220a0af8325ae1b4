// The node's model service: the on-disk repository plus serving (classify, infer) through the engine's scheduler,
// and which models are warm. Models load inside engine workers on first use and unload there after idle time.
import { AppError } from '../../appError';
import type { HealthModel } from '../../contract/health';
import {
  MODEL_TASK_NOUNS,
  type ClassifyLabel,
  type ClassifyResponse,
  type InferRequest,
  type InferResponse,
  type ModelImportResponse,
  type ModelSummary,
} from '../../contract/models';
import type { ClassifyPayload } from '../tasks/classify';
import type { InferPayload } from '../tasks/infer';
import { openModelRepository, type ImportInput, type ModelBundle, type ModelRepository } from './repository';
import type { Engine } from '../index';
import { classifyDocPage, docTypeSpec, type DocPage } from './docType';
import { checkInputs, tensorFromJson, tensorToJson, type TensorData } from './tensors';

/** What the service needs from the engine: its generic task runner (same scheduler and back-pressure as OCR). */
export type TaskRunner = Pick<Engine, 'run' | 'broadcast'>;

export const DEFAULT_TOP_K = 5;

export interface ModelService {
  readonly repository: ModelRepository;
  list(): ModelSummary[];
  get(id: string): ModelSummary;
  /** For GET /v1/health. */
  summaries(): HealthModel[];
  import(input: ImportInput): Promise<ModelImportResponse>;
  importBundle(bytes: Uint8Array): Promise<ModelImportResponse>;
  exportBundle(id: string, version?: number): ModelBundle;
  /** Switches the serving version (rollback included); the next request uses it, no restart. */
  activate(id: string, version: number): ModelSummary;
  remove(id: string, version?: number): void;
  /** Loads the active version's session on every engine worker now, instead of on first use. */
  load(id: string): Promise<ModelSummary>;
  /** Releases the model's sessions on every engine worker; the next use loads it again. */
  unload(id: string): Promise<ModelSummary>;
  /** An image classifier on an image, or a document-type classifier on an image or a PDF's first page. */
  classify(id: string, image: Uint8Array, opts?: { topK?: number; page?: number }): Promise<Omit<ClassifyResponse, 'resultId'>>;
  /**
   * A document-type classifier's best label for one page (an image, or a PDF page); `text` is the page's OCR text
   * when it was read already (a job item), so only its look is computed.
   */
  classifyPage(id: string, page: DocPage, opts?: { text?: string; bulk?: boolean }): Promise<ClassifyLabel>;
  /** 4xx unless `id` names a document-type classifier (checked when a job that tags files is created). */
  requireDocType(id: string): void;
  infer(id: string, request: InferRequest): Promise<InferResponse>;
  close(): Promise<void>;
}

export function createModelService(opts: {
  dataDir: string;
  engine: TaskRunner;
  /** Part of the node's wiring; results are recorded by the routes, so the service keeps nothing there. */
  store?: unknown;
  idleMinutes: number;
}): ModelService {
  const repository = openModelRepository({ dataDir: opts.dataDir });
  const idleMs = Math.max(0, opts.idleMinutes) * 60_000;
  // When each model file last ran here; workers drop sessions after idleMs, so this is what "loaded" means.
  const lastUsed = new Map<string, number>();

  const isWarm = (modelPath: string): boolean => {
    const t = lastUsed.get(modelPath);
    return t !== undefined && Date.now() - t < idleMs;
  };

  function withLoaded(s: ModelSummary): ModelSummary {
    if (s.bundled) return { ...s, loaded: true };
    try {
      return { ...s, loaded: isWarm(repository.resolve(s.id).modelPath) };
    } catch {
      return s;
    }
  }

  /** The active version's model file; the bundled OCR pipeline stays loaded in every worker from start. */
  const servedPath = (id: string, action: 'load' | 'unload'): string => {
    const r = repository.resolve(id);
    if (r.bundled)
      throw new AppError('bad_request', 400, `${id} is the bundled OCR pipeline; the engine loads it at start, so it cannot ${action}`);
    return r.modelPath;
  };

  const summarize = (s: ModelSummary): ModelImportResponse['model'] => withLoaded(s);

  return {
    repository,
    list: () => repository.list().map(withLoaded),
    get: (id) => withLoaded(repository.get(id)),
    summaries: () =>
      // The bundled OCR pipeline is loaded by the engine's workers at start, so it always counts as loaded.
      repository.list().map((s) => ({ id: s.id, task: s.task, version: s.activeVersion, loaded: withLoaded(s).loaded })),

    async import(input) {
      const { id, version } = await repository.import(input);
      return { model: summarize(repository.get(id)), version };
    },

    async importBundle(bytes) {
      const { id, version } = await repository.importBundle(bytes);
      return { model: summarize(repository.get(id)), version };
    },

    exportBundle: (id, version) => repository.exportBundle(id, version),

    activate(id, version) {
      repository.activate(id, version);
      return withLoaded(repository.get(id));
    },

    remove: (id, version) => repository.remove(id, version),

    async load(id) {
      const modelPath = servedPath(id, 'load');
      await opts.engine.broadcast('load', { modelPath, idleMs });
      lastUsed.set(modelPath, Date.now());
      return withLoaded(repository.get(id));
    },

    async unload(id) {
      const modelPath = servedPath(id, 'unload');
      await opts.engine.broadcast('unload', { modelPath });
      lastUsed.delete(modelPath);
      return withLoaded(repository.get(id));
    },

    async classify(id, image, o = {}) {
      const r = repository.resolve(id);
      const m = r.manifest;
      const topK = Math.min(Math.max(1, Math.floor(o.topK ?? DEFAULT_TOP_K)), Math.max(1, r.labels.length));
      if (m.task === 'doctype') {
        const started = performance.now();
        const { labels, provider } = await classifyDocPage(
          opts.engine,
          { id, modelPath: r.modelPath, labels: r.labels, manifest: m, idleMs },
          { bytes: image, page: o.page },
          { topK },
        );
        lastUsed.set(r.modelPath, Date.now());
        return { labels, provider, ms: Math.round((performance.now() - started) * 100) / 100, model: id, version: m.version };
      }
      if (m.task !== 'classify' || !m.preprocess) {
        const use = m.task === 'ocr' ? 'POST /v1/ocr' : `POST /v1/models/${id}/infer`;
        throw new AppError('bad_request', 400, `model "${id}" is ${MODEL_TASK_NOUNS[m.task]}, not an image classifier; use ${use}`);
      }
      const payload: ClassifyPayload = {
        modelPath: r.modelPath,
        image,
        preprocess: m.preprocess,
        inputName: m.inputs[0].name,
        scoresOutput: m.scoresOutput ?? m.outputs[0].name,
        labels: r.labels,
        probabilities: m.probabilities,
        topK,
        idleMs,
      };
      const result = await opts.engine.run('classify', payload);
      lastUsed.set(r.modelPath, Date.now());
      return { labels: result.labels, provider: result.provider, ms: result.ms, model: id, version: m.version };
    },

    async classifyPage(id, doc, o = {}) {
      const r = repository.resolve(id);
      const { labels } = await classifyDocPage(
        opts.engine,
        { id, modelPath: r.modelPath, labels: r.labels, manifest: r.manifest, idleMs },
        doc,
        {
          ...o,
          topK: 1,
        },
      );
      lastUsed.set(r.modelPath, Date.now());
      return labels[0];
    },

    requireDocType(id) {
      docTypeSpec(id, repository.resolve(id).manifest);
    },

    async infer(id, request) {
      const r = repository.resolve(id);
      const m = r.manifest;
      if (r.bundled) {
        throw new AppError('bad_request', 400, `${id} is the bundled OCR pipeline (several models); use POST /v1/ocr`);
      }
      const inputs: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(request.inputs)) inputs[name] = tensorFromJson(name, t);
      checkInputs(inputs, m.inputs);
      const known = new Set(m.outputs.map((o) => o.name));
      for (const name of request.outputs ?? []) {
        if (!known.has(name)) {
          throw new AppError(
            'bad_request',
            400,
            `the model has no output "${name}"; its outputs are ${[...known].map((n) => `"${n}"`).join(', ')}`,
          );
        }
      }
      const payload: InferPayload = { modelPath: r.modelPath, inputs, outputs: request.outputs, idleMs };
      const result = await opts.engine.run('infer', payload);
      lastUsed.set(r.modelPath, Date.now());
      const outputs: InferResponse['outputs'] = {};
      for (const [name, t] of Object.entries(result.outputs)) outputs[name] = tensorToJson(t);
      return { outputs, provider: result.provider, ms: result.ms, model: id, version: m.version };
    },

    async close() {
      lastUsed.clear();
    },
  };
}
