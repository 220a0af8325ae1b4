// Umi-OCR's document flow (upload → poll → download → clear) on Hearth's durable jobs: the uploaded file waits in
// <data>/documents/<task>/ (0700) while its job runs, each page is a job item with a stored result, and a restart
// resumes the job where it stopped. The file is deleted once its job has settled; results live in the store.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { zipSync } from 'fflate';
import type { UmiDocAnswer } from '../../contract/compat';
import { replaceUnprintable } from '../../contract/names';
import type { JobItem } from '../../contract/jobs';
import type { JobService } from '../../jobs';
import { isImagePath } from '../../jobs/scan';
import { createLogger } from '../../logger';
import type { Store } from '../../store';
import { UMI_CODES } from './answers';
import { pageInRange, parseDocOptions, UmiOptionError, type UmiDocOptions } from './options';
import { umiText, umiTextBlocks, type UmiTextBlock } from './textBlocks';

/** What one page of a document gave, in Umi's shape. */
export interface UmiPageResult {
  code: number;
  data: UmiTextBlock[] | string;
  page: number;
  path: string;
  fileName: string;
}

/** Download formats Umi offers, and what each is called and holds. */
export const DOC_FILE_TYPES = ['pdfLayered', 'pdfOneLayer', 'txt', 'txtPlain', 'jsonl', 'csv'] as const;
export type DocFileType = (typeof DOC_FILE_TYPES)[number];

/** Umi keeps a finished task a day; so does Hearth, after which its task (not its stored results) is forgotten. */
const TASK_LIFETIME_MS = 24 * 3600 * 1000;

interface TaskMeta {
  jobId: string;
  folder: string;
  name: string;
  options: UmiDocOptions;
  createdAt: number;
}

interface Download {
  jobId: string;
  name: string;
  mime: string;
  build: () => Buffer;
}

export interface UmiDocuments {
  upload(file: { name: string; bytes: Buffer } | undefined, optionsJson: unknown, keyId: string | null): UmiDocAnswer;
  result(body: unknown): UmiDocAnswer;
  download(body: unknown, baseUrl: string): Promise<UmiDocAnswer>;
  /** The bytes behind a download link, or null when the link is unknown or its task was cleared. */
  file(token: string, name: string): { bytes: Buffer; mime: string; name: string } | null;
  clear(id: string): UmiDocAnswer;
  close(): void;
}

const log = createLogger('compat');

/** A file name safe to keep on disk: no path, no control or reserved characters, at most 200 characters. */
function safeName(raw: string): string {
  const name = replaceUnprintable(basename(raw.replace(/\\/g, '/')), '_')
    .replace(/[<>:"/\\|?*]/g, '_')
    .trim();
  return (name || 'document').slice(0, 200);
}

export function createUmiDocuments(opts: { dataDir: string; jobs: JobService; store: Store }): UmiDocuments {
  const { jobs, store } = opts;
  const root = join(opts.dataDir, 'documents');
  const tasks = new Map<string, TaskMeta>();
  const unread = new Map<string, Set<number>>();
  const downloads = new Map<string, Download>();

  const removeUpload = (meta: TaskMeta): void => {
    rmSync(join(meta.folder, meta.name), { force: true });
  };

  const watch = (meta: TaskMeta): void => {
    jobs.settled(meta.jobId).then(
      () => removeUpload(meta),
      () => undefined,
    );
  };

  // Tasks of earlier runs: their jobs resume by themselves; the task records come back from disk.
  if (existsSync(root)) {
    for (const dir of readdirSync(root)) {
      try {
        const meta = JSON.parse(readFileSync(join(root, dir, 'task.json'), 'utf8')) as TaskMeta;
        if (Date.now() - meta.createdAt > TASK_LIFETIME_MS || !jobs.get(meta.jobId)) {
          rmSync(join(root, dir), { recursive: true, force: true });
          continue;
        }
        tasks.set(meta.jobId, meta);
        watch(meta);
      } catch {
        rmSync(join(root, dir), { recursive: true, force: true });
      }
    }
  }

  const expire = setInterval(() => {
    for (const [id, meta] of tasks) if (Date.now() - meta.createdAt > TASK_LIFETIME_MS) clear(id);
  }, 3600 * 1000);
  expire.unref();

  const pageResults = (meta: TaskMeta): UmiPageResult[] => {
    const items: JobItem[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = jobs.items(meta.jobId, offset, 200);
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) break;
    }
    const count = items.length;
    const wanted = (page: number): boolean =>
      meta.options.pageList.length ? meta.options.pageList.includes(page) : pageInRange(page, count, meta.options.pageRange);
    return items.flatMap((item, k): UmiPageResult[] => {
      const detail = item.resultId ? store.results.get(item.resultId) : null;
      const page = (detail as { page?: number } | null)?.page ?? k + 1;
      if (!wanted(page) || item.state === 'pending') return [];
      const where = { page, path: `${meta.name} - ${page}`, fileName: `${meta.name} - ${page}` };
      if (item.state === 'failed' || !detail)
        return [{ code: UMI_CODES.engineFailed, data: item.error?.message ?? 'this page could not be read', ...where }];
      const ignore = pageInRange(page, count, meta.options.ignoreRange) ? meta.options.ignoreAreas : [];
      const laidOut = meta.options.parser === 'none' ? { lines: detail.lines } : detail;
      const blocks = umiTextBlocks(laidOut, meta.options.parser, ignore);
      return [
        blocks.length
          ? { code: UMI_CODES.ok, data: blocks, ...where }
          : { code: UMI_CODES.noText, data: 'No text found on this page.', ...where },
      ];
    });
  };

  const find = (body: unknown): TaskMeta | { code: number; data: string } => {
    if (!body || typeof body !== 'object') return { code: 101, data: 'the request is not JSON' };
    const id = (body as { id?: unknown }).id;
    if (typeof id !== 'string' || !id) return { code: 102, data: 'give the task "id" that upload returned' };
    return tasks.get(id) ?? { code: 103, data: `task ${id} does not exist` };
  };

  function clear(id: string): { code: number; data: string } {
    const meta = tasks.get(id);
    if (!meta) return { code: 101, data: `${id} does not exist.` };
    const job = jobs.get(id);
    if (job && !['done', 'failed', 'cancelled'].includes(job.state)) jobs.cancel(id);
    tasks.delete(id);
    unread.delete(id);
    for (const [token, d] of downloads) if (d.jobId === id) downloads.delete(token);
    rmSync(meta.folder, { recursive: true, force: true });
    return { code: 100, data: 'Success' };
  }

  const textOf = (r: UmiPageResult): string => (r.code === UMI_CODES.ok ? umiText(r.data as UmiTextBlock[]) : '');

  const build = async (meta: TaskMeta, type: DocFileType, ignoreBlank: boolean): Promise<{ name: string; bytes: Buffer }> => {
    const pages = pageResults(meta).filter((r) => !ignoreBlank || textOf(r).trim());
    const stem = `[OCR]_${meta.name.slice(0, meta.name.length - extname(meta.name).length) || meta.name}`;
    switch (type) {
      case 'txt':
        return { name: `${stem}.txt`, bytes: Buffer.from(pages.map((r) => `=== ${r.fileName} ===\n${textOf(r)}\n`).join('\n')) };
      case 'txtPlain':
        return { name: `${stem}.p.txt`, bytes: Buffer.from(pages.map(textOf).join('\n')) };
      case 'jsonl':
        return { name: `${stem}.jsonl`, bytes: Buffer.from(pages.map((r) => JSON.stringify(r) + '\n').join('')) };
      case 'csv':
        return {
          name: `${stem}.csv`,
          bytes: Buffer.from(stringify([['page', 'file', 'text'], ...pages.map((r) => [r.page, r.fileName, textOf(r)])])),
        };
      case 'pdfLayered':
        // The job's searchable PDF: the page images with the recognised text laid over them, invisible.
        return { name: `${stem}.layered.pdf`, bytes: Buffer.from(await jobs.exportPdf(meta.jobId)) };
      case 'pdfOneLayer':
        throw new UmiOptionError('pdfOneLayer is not offered by this node; ask for pdfLayered (searchable), txt, txtPlain, jsonl or csv');
    }
  };

  return {
    upload(file, optionsJson, keyId) {
      if (!file || file.bytes.length === 0) return { code: 101, data: 'no file was uploaded in the form field "file"' };
      const name = safeName(file.name);
      if (!isImagePath(name)) {
        return { code: 103, data: `files of type "${extname(name) || 'none'}" are not read; send a PDF or an image` };
      }
      let options: UmiDocOptions;
      try {
        const raw = typeof optionsJson === 'string' && optionsJson.trim() ? (JSON.parse(optionsJson) as unknown) : {};
        options = parseDocOptions(raw && typeof raw === 'object' ? raw : {});
      } catch (err) {
        return { code: 107, data: `the "json" options cannot be read: ${(err as Error).message}` };
      }
      const folder = join(root, randomUUID());
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileSync(join(folder, name), file.bytes, { mode: 0o600 });
      try {
        const job = jobs.create({ paths: [join(folder, name)], recursive: false, origin: 'api', keyId });
        const meta: TaskMeta = { jobId: job.id, folder, name, options, createdAt: Date.now() };
        writeFileSync(join(folder, 'task.json'), JSON.stringify(meta), { mode: 0o600 });
        tasks.set(job.id, meta);
        watch(meta);
        return { code: 100, data: job.id };
      } catch (err) {
        rmSync(folder, { recursive: true, force: true });
        log.warn('document task not started', { error: String((err as Error).message) });
        return { code: 108, data: `the task could not be started: ${(err as Error).message}` };
      }
    },

    result(body) {
      const meta = find(body);
      if (!('jobId' in meta)) return meta;
      const {
        is_data: isData = false,
        format = 'dict',
        is_unread: isUnread = true,
      } = body as { is_data?: boolean; format?: string; is_unread?: boolean };
      const job = jobs.get(meta.jobId);
      if (!job) return { code: 103, data: `task ${meta.jobId} does not exist` };
      const pages = pageResults(meta);
      const state = (
        { queued: 'waiting', paused: 'waiting', running: 'running', done: 'success', failed: 'failure', cancelled: 'failure' } as const
      )[job.state];
      const answer: UmiDocAnswer = {
        code: 100,
        processed_count: pages.length,
        pages_count: Math.max(pages.length, job.total),
        is_done: ['done', 'failed', 'cancelled'].includes(job.state),
        state,
        data: [],
      };
      if (state === 'failure') answer.message = job.error?.message ?? 'the task was cancelled';
      if (isData) {
        // Pages handed out as unread are not handed out as unread again; a full read leaves that mark alone.
        const seen = unread.get(meta.jobId) ?? new Set<number>();
        const chosen = isUnread ? pages.filter((p) => !seen.has(p.page)) : pages;
        if (isUnread) chosen.forEach((p) => seen.add(p.page));
        unread.set(meta.jobId, seen);
        answer.data = format === 'text' ? chosen.map(textOf).join('') : chosen;
      }
      return answer;
    },

    async download(body, baseUrl) {
      const meta = find(body);
      if (!('jobId' in meta)) return meta;
      const job = jobs.get(meta.jobId);
      if (!job || job.state !== 'done')
        return { code: 201, data: `task ${meta.jobId} has not finished successfully; poll /api/doc/result until state is "success"` };
      // Umi documents the flag as "ingore_blank"; the correct spelling is taken too.
      const b = body as { file_types?: unknown; ingore_blank?: unknown; ignore_blank?: unknown };
      const types = b.file_types ?? ['pdfLayered'];
      const ignoreBlank = b.ingore_blank ?? b.ignore_blank ?? true;
      if (
        !Array.isArray(types) ||
        types.length === 0 ||
        typeof ignoreBlank !== 'boolean' ||
        !types.every((t) => DOC_FILE_TYPES.includes(t as DocFileType))
      ) {
        return { code: 202, data: `file_types must be a list of ${DOC_FILE_TYPES.join(', ')}; ingore_blank true or false` };
      }
      let files: { name: string; bytes: Buffer }[];
      try {
        files = await Promise.all((types as DocFileType[]).map((t) => build(meta, t, ignoreBlank)));
      } catch (err) {
        if (err instanceof UmiOptionError) return { code: 203, data: err.message };
        throw err;
      }
      const single = files.length === 1;
      const stem = files[0].name.replace(/\.[^.]+$/, '').replace(/\.p$/, '');
      const name = single ? files[0].name : `${stem}.zip`;
      const bytes = single ? files[0].bytes : Buffer.from(zipSync(Object.fromEntries(files.map((f) => [f.name, new Uint8Array(f.bytes)]))));
      const token = randomUUID();
      const mime = single
        ? ({
            txt: 'text/plain; charset=utf-8',
            jsonl: 'application/x-ndjson; charset=utf-8',
            csv: 'text/csv; charset=utf-8',
            pdf: 'application/pdf',
          }[extname(name).slice(1)] ?? 'application/octet-stream')
        : 'application/zip';
      downloads.set(token, { jobId: meta.jobId, name, mime, build: () => bytes });
      return { code: 100, data: `${baseUrl}/api/doc/download/${token}/${encodeURIComponent(name)}`, name };
    },

    file(token, name) {
      const d = downloads.get(token);
      if (!d || d.name !== name) return null;
      return { bytes: d.build(), mime: d.mime, name: d.name };
    },

    clear,

    close() {
      clearInterval(expire);
    },
  };
}
