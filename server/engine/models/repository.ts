// The model repository on disk: <dataDir>/models/<id>/<version>/{model.onnx,manifest.json,labels.txt} plus
// <id>/active (the serving version). No serving here, so the CLI can use it without an engine or a server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { AppError } from '../../appError';
import {
  isModelId,
  modelIdFromName,
  importManifestSchema,
  manifestSchema,
  type ModelManifest,
  type ModelSummary,
  type ModelVersionInfo,
} from '../../contract/models';
import { createLogger } from '../../logger';
import { BUNDLED_MANIFESTS, bundledFiles } from './bundled';
import { classifyMismatches, describeIssues, parseManifestText, tensorMismatches } from './manifest';
import { inspectModel } from './inspect';
import { readTar, writeTar } from './tar';

const log = createLogger('models');

export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';
export const LABELS_FILE = 'labels.txt';
const ACTIVE_FILE = 'active';
const VERSION_DIR = /^[1-9][0-9]*$/;

export interface ImportInput {
  model: Uint8Array;
  /** The import manifest as parsed JSON (see importManifestSchema); validated here. */
  manifest: unknown;
  /** Labels text, one per line (classify models). */
  labels?: string;
  /** False: a model that already has an active version keeps it (a trained candidate waits for activation). */
  activate?: boolean;
}

export interface ImportedModel {
  id: string;
  version: number;
}

/** One version ready to serve. */
export interface ResolvedModel {
  manifest: ModelManifest;
  /** model.onnx of this version; for bundled models the first model file of the package. */
  modelPath: string;
  labels: string[];
  bundled: boolean;
}

export interface ModelBundle {
  fileName: string;
  bytes: Uint8Array;
}

export interface ModelRepository {
  readonly root: string;
  /** Bundled models first, then imported ones by id; `loaded` is false here (serving fills it in). */
  list(): ModelSummary[];
  get(id: string): ModelSummary;
  /** The active version, or `version` when given; 404 when there is no such model or version. */
  resolve(id: string, version?: number): ResolvedModel;
  import(input: ImportInput): Promise<ImportedModel>;
  importBundle(bytes: Uint8Array): Promise<ImportedModel>;
  exportBundle(id: string, version?: number): ModelBundle;
  activate(id: string, version: number): void;
  /** Deletes one version (not the active one while others remain) or, without `version`, the whole model. */
  remove(id: string, version?: number): void;
}

/** A model id from a display name (the rule is the contract's); 422 when the name has nothing to make one of. */
export function idFromName(name: string): string {
  const id = modelIdFromName(name);
  if (!id)
    throw new AppError('invalid_model', 422, `cannot make a model id from the name "${name}"; give an id of a-z, 0-9, ".", "_" or "-"`);
  return id;
}

/** Labels text → labels; trailing blank lines are ignored, a blank line in the middle is an error. */
export function parseLabels(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const blank = lines.indexOf('');
  if (blank !== -1) throw new AppError('invalid_model', 422, `labels line ${blank + 1} is empty; give one label per line`);
  return lines;
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export function openModelRepository(opts: { dataDir: string }): ModelRepository {
  const root = join(opts.dataDir, 'models');
  const bundled = new Map(BUNDLED_MANIFESTS.map((m) => [m.id, m]));
  // Versions never change once written, so their manifest and labels are cached (keyed with mtime,
  // in case a version number is deleted and reused by another process).
  const cache = new Map<string, { mtimeMs: number; manifest: ModelManifest; labels: string[] }>();

  const modelDir = (id: string): string => join(root, id);
  const versionDir = (id: string, v: number): string => join(root, id, String(v));

  function versionsOf(id: string): number[] {
    if (!isModelId(id)) return [];
    const dir = modelDir(id);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => VERSION_DIR.test(n) && existsSync(join(dir, n, MANIFEST_FILE)))
      .map(Number)
      .sort((a, b) => a - b);
  }

  function activeOf(id: string, versions: number[]): number {
    try {
      const v = Number(readFileSync(join(modelDir(id), ACTIVE_FILE), 'utf8').trim());
      if (versions.includes(v)) return v;
    } catch {
      // No pointer yet (or unreadable): the newest version serves.
    }
    return versions[versions.length - 1];
  }

  function loadVersion(id: string, v: number): { manifest: ModelManifest; labels: string[] } {
    const dir = versionDir(id, v);
    const file = join(dir, MANIFEST_FILE);
    const mtimeMs = statSync(file).mtimeMs;
    const hit = cache.get(dir);
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const manifest = parseManifestText(readFileSync(file, 'utf8'), `models/${id}/${v}/${MANIFEST_FILE}`);
    const labels = manifest.labels ? parseLabels(readFileSync(join(dir, manifest.labels), 'utf8')) : [];
    const entry = { mtimeMs, manifest, labels };
    cache.set(dir, entry);
    return entry;
  }

  function notFound(id: string): AppError {
    return new AppError('not_found', 404, `no model "${id}" on this node`);
  }

  function readOnly(id: string, what: string): AppError {
    return new AppError('conflict', 409, `${id} is bundled with Hearth and read-only; it cannot be ${what}`);
  }

  const bundledSizes = new Map<string, number>();
  function bundledSize(m: ModelManifest): number {
    let size = bundledSizes.get(m.id);
    if (size === undefined) {
      size = 0;
      for (const file of Object.values(bundledFiles(m))) {
        try {
          size += statSync(file).size;
        } catch {
          // A missing asset shows up when the engine loads it; the listing stays usable.
        }
      }
      bundledSizes.set(m.id, size);
    }
    return size;
  }

  function bundledSummary(m: ModelManifest): ModelSummary {
    return {
      id: m.id,
      name: m.name,
      task: m.task,
      activeVersion: m.version,
      versions: [{ version: m.version, createdAt: null, sizeBytes: bundledSize(m), inputs: m.inputs, outputs: m.outputs, labels: 0 }],
      bundled: true,
      loaded: false,
      description: m.description,
    };
  }

  function summary(id: string): ModelSummary | null {
    const versions = versionsOf(id);
    if (!versions.length) return null;
    const active = activeOf(id, versions);
    const infos: ModelVersionInfo[] = [];
    let activeManifest: ModelManifest | undefined;
    for (const v of versions) {
      try {
        const { manifest, labels } = loadVersion(id, v);
        if (v === active) activeManifest = manifest;
        infos.push({
          version: v,
          createdAt: manifest.createdAt ?? null,
          sizeBytes: statSync(join(versionDir(id, v), MODEL_FILE)).size,
          inputs: manifest.inputs,
          outputs: manifest.outputs,
          labels: labels.length,
        });
      } catch (err) {
        // One damaged version must not hide the others; it is logged and left out.
        log.warn('skipping an unreadable model version', { id, version: v, reason: (err as Error).message });
      }
    }
    if (!activeManifest) return null;
    return {
      id,
      name: activeManifest.name,
      task: activeManifest.task,
      activeVersion: active,
      versions: infos,
      bundled: false,
      loaded: false,
      preprocess: activeManifest.preprocess,
      description: activeManifest.description,
    };
  }

  function list(): ModelSummary[] {
    const out = [...bundled.values()].map(bundledSummary);
    if (!existsSync(root)) return out;
    for (const id of readdirSync(root).sort()) {
      if (!isModelId(id) || bundled.has(id)) continue;
      const s = summary(id);
      if (s) out.push(s);
    }
    return out;
  }

  function get(id: string): ModelSummary {
    const b = bundled.get(id);
    if (b) return bundledSummary(b);
    const s = summary(id);
    if (!s) throw notFound(id);
    return s;
  }

  function resolve(id: string, version?: number): ResolvedModel {
    const b = bundled.get(id);
    if (b) {
      if (version !== undefined && version !== b.version) throw new AppError('not_found', 404, `${id} has only version ${b.version}`);
      const files = Object.values(bundledFiles(b));
      return { manifest: b, modelPath: files[0], labels: [], bundled: true };
    }
    const versions = versionsOf(id);
    if (!versions.length) throw notFound(id);
    const v = version ?? activeOf(id, versions);
    if (!versions.includes(v)) {
      throw new AppError('not_found', 404, `model "${id}" has no version ${v} (it has ${versions.join(', ')})`);
    }
    const { manifest, labels } = loadVersion(id, v);
    return { manifest, modelPath: join(versionDir(id, v), MODEL_FILE), labels, bundled: false };
  }

  async function importModel(input: ImportInput): Promise<ImportedModel> {
    const parsed = importManifestSchema.safeParse(input.manifest);
    if (!parsed.success) throw new AppError('invalid_model', 422, `manifest: ${describeIssues(parsed.error)}`);
    const m = parsed.data;
    const id = m.id ?? idFromName(m.name);
    if (bundled.has(id)) throw readOnly(id, 'replaced');
    const labels = input.labels !== undefined ? parseLabels(input.labels) : [];
    if ((m.task === 'classify' || m.task === 'doctype') && !labels.length) {
      throw new AppError('invalid_model', 422, `a ${m.task} model needs a labels file (one label per line)`);
    }

    // The file must load in ONNX Runtime, and what the manifest declares must be what the model has.
    const sig = await inspectModel(input.model);
    const problems = [
      ...(m.inputs ? tensorMismatches('input', m.inputs, sig.inputs) : []),
      ...(m.outputs ? tensorMismatches('output', m.outputs, sig.outputs) : []),
    ];
    const full = manifestSchema.safeParse({
      id,
      name: m.name,
      version: m.version ?? 1,
      task: m.task,
      description: m.description,
      inputs: m.inputs ?? sig.inputs,
      outputs: m.outputs ?? sig.outputs,
      preprocess: m.preprocess,
      labels: labels.length ? LABELS_FILE : undefined,
      probabilities: m.probabilities,
      scoresOutput: m.scoresOutput,
      docType: m.docType,
      createdAt: new Date().toISOString(),
    });
    if (!full.success) throw new AppError('invalid_model', 422, `manifest: ${describeIssues(full.error)}`);
    const manifest = full.data;
    if (manifest.task === 'classify') problems.push(...classifyMismatches(manifest, labels.length));
    if (problems.length) throw new AppError('invalid_model', 422, `the manifest does not match the model: ${problems.join('; ')}`);

    // Written under a temporary name, then renamed into place: a version directory is complete or absent.
    const dir = modelDir(id);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.incoming-${randomBytes(6).toString('hex')}`);
    mkdirSync(tmp);
    try {
      writeFileSync(join(tmp, MODEL_FILE), input.model);
      if (labels.length) writeFileSync(join(tmp, LABELS_FILE), labels.join('\n') + '\n');
      for (let attempt = 0; ; attempt++) {
        const existing = versionsOf(id);
        const version = m.version ?? (existing.length ? existing[existing.length - 1] + 1 : 1);
        if (existing.includes(version)) {
          throw new AppError(
            'conflict',
            409,
            `model "${id}" already has version ${version}; leave the version out to import it as the next one`,
          );
        }
        writeFileSync(join(tmp, MANIFEST_FILE), JSON.stringify({ ...manifest, version }, null, 2) + '\n');
        try {
          renameSync(tmp, versionDir(id, version));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // Another process took this number between our check and the rename: take the next one.
          if ((code === 'ENOTEMPTY' || code === 'EEXIST') && m.version === undefined && attempt < 5) continue;
          throw err;
        }
        if (input.activate !== false || existing.length === 0) writeAtomic(join(dir, ACTIVE_FILE), `${version}\n`);
        log.info('model imported', { id, version, task: manifest.task, bytes: input.model.length });
        return { id, version };
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  async function importBundle(bytes: Uint8Array): Promise<ImportedModel> {
    const entries = new Map(readTar(bytes).map((e) => [e.name, e.data]));
    const manifestBytes = entries.get(MANIFEST_FILE);
    if (!manifestBytes) throw new AppError('invalid_model', 422, `the bundle has no ${MANIFEST_FILE}`);
    let manifest: { labels?: unknown };
    try {
      manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as { labels?: unknown };
    } catch (err) {
      throw new AppError('invalid_model', 422, `the bundle's ${MANIFEST_FILE} is not valid JSON: ${(err as Error).message}`);
    }
    const onnx = [...entries.keys()].filter((n) => n.endsWith('.onnx'));
    const model = entries.get(MODEL_FILE) ?? (onnx.length === 1 ? entries.get(onnx[0]) : undefined);
    if (!model) throw new AppError('invalid_model', 422, `the bundle has no ${MODEL_FILE}`);
    const labelsName = typeof manifest.labels === 'string' ? manifest.labels : LABELS_FILE;
    const labels = entries.get(labelsName);
    return importModel({ model, manifest, labels: labels ? new TextDecoder().decode(labels) : undefined });
  }

  function exportBundle(id: string, version?: number): ModelBundle {
    if (bundled.has(id)) throw readOnly(id, 'exported (every Hearth install ships it)');
    const r = resolve(id, version);
    const dir = versionDir(id, r.manifest.version);
    const entries = [
      { name: MANIFEST_FILE, data: readFileSync(join(dir, MANIFEST_FILE)) },
      { name: MODEL_FILE, data: readFileSync(join(dir, MODEL_FILE)) },
    ];
    if (r.manifest.labels) entries.push({ name: r.manifest.labels, data: readFileSync(join(dir, r.manifest.labels)) });
    return { fileName: `${id}-v${r.manifest.version}.hearth-model.tar`, bytes: writeTar(entries) };
  }

  function activate(id: string, version: number): void {
    if (bundled.has(id)) throw readOnly(id, 'switched to another version');
    resolve(id, version); // 404 unless that version exists and its manifest is valid
    writeAtomic(join(modelDir(id), ACTIVE_FILE), `${version}\n`);
    log.info('model version activated', { id, version });
  }

  function remove(id: string, version?: number): void {
    if (bundled.has(id)) throw readOnly(id, 'deleted');
    const versions = versionsOf(id);
    if (!versions.length) throw notFound(id);
    if (version === undefined || (versions.length === 1 && versions[0] === version)) {
      rmSync(modelDir(id), { recursive: true, force: true });
    } else {
      if (!versions.includes(version)) throw new AppError('not_found', 404, `model "${id}" has no version ${version}`);
      if (activeOf(id, versions) === version) {
        throw new AppError('conflict', 409, `version ${version} of "${id}" is active; activate another version before deleting it`);
      }
      rmSync(versionDir(id, version), { recursive: true, force: true });
    }
    for (const key of cache.keys()) if (key.startsWith(modelDir(id) + sep)) cache.delete(key);
    log.info('model deleted', { id, version: version ?? 'all' });
  }

  return { root, list, get, resolve, import: importModel, importBundle, exportBundle, activate, remove };
}
