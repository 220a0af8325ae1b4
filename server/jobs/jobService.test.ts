// Jobs with the real engine and a real encrypted store: bad files, exports, reuse on re-run, pause/resume/cancel.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import type { JobProgress } from '../contract/jobs';
import { createEngine, type Engine } from '../engine';
import { renderText } from '../testkit/renderText';
import { type Store } from '../store';
import { openJobRig, type JobRig } from '../testkit/jobRig';
import { createJobService, type JobService } from './index';
import { BAD_FILES, makeImageFolder } from '../testkit/imageFolder';

const GOOD = 8;

/** RFC 4180 reader (quoted fields, doubled quotes, newlines in quotes): checks what csv-stringify wrote. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
let root: string;
let folder: string;
let store: Store;
let engine: Engine;
let jobs: JobService;
let rig: JobRig | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-jobs-'));
  folder = join(root, 'scans');
  await makeImageFolder(folder, GOOD, { bad: true, formats: true });
  rig = await openJobRig(join(root, 'data'), { workers: 2, queueDepth: 16 });
  ({ store, engine, jobs } = rig);
});

afterAll(async () => {
  await rig?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('folder job', () => {
  let jobId: string;

  it('recognises every image, turns the 3 bad files into 3 item errors, and reports progress', async () => {
    const events: JobProgress[] = [];
    const job = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    jobId = job.id;
    const off = jobs.subscribe(job.id, (p) => events.push(p));
    const end = await jobs.settled(job.id);
    off();
    expect(end).toMatchObject({ state: 'done', total: GOOD + 3, done: GOOD, failed: 3, reused: 0 });
    const items = jobs.items(job.id, 0, 100).items;
    const failed = items.filter((i) => i.state === 'failed');
    expect(failed.map((i) => i.file).sort()).toEqual([...BAD_FILES].sort());
    for (const f of failed) expect(f.error?.code).toMatch(/^(not_an_image|corrupt_image)$/);
    expect(items.filter((i) => i.state === 'done').every((i) => i.resultId)).toBe(true);
    expect(events.at(-1)?.state).toBe('done');
    expect(events.some((e) => e.state === 'running')).toBe(true);
    // Each file stored exactly once, under its path relative to the job root.
    const rows = store.db.prepare('SELECT source, count(*) AS n FROM results WHERE job_id = ? GROUP BY source').all(job.id) as {
      n: number;
    }[];
    expect(rows).toHaveLength(GOOD);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('exports jsonl, csv and txt with every path relative to the job root', () => {
    const files = jobs.items(jobId, 0, 100).items.map((i) => i.file);
    expect(files).toContain('sub/img-003.tif');
    const jsonl = [...jobs.export(jobId, 'jsonl')]
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(jsonl.map((l) => l.file)).toEqual(files);
    const good = jsonl.find((l) => l.file === 'img-000.png');
    expect(Object.keys(good ?? {})).toEqual(['file', 'text', 'lines', 'provider', 'ms', 'rotation', 'blocks']);
    expect(String(good?.text).toLowerCase()).toContain('invoice');
    const bad = jsonl.find((l) => l.file === 'bad/empty.png');
    expect(Object.keys(bad ?? {})).toEqual(['file', 'error']);
    const csv = parseCsv([...jobs.export(jobId, 'csv')].join(''));
    expect(csv.map((r) => r.file)).toEqual(files);
    expect(csv.find((r) => r.file === 'bad/notes.png')?.error_code).toBeTruthy();
    const txt = [...jobs.export(jobId, 'txt')].join('');
    for (const f of files) expect(txt).toContain(`==> ${f} <==`);
  });

  it('re-running an unchanged folder recognises nothing and reuses every result', async () => {
    const before = engine.stats().processed;
    const results = (store.db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
    const job = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    const end = await jobs.settled(job.id);
    expect(end).toMatchObject({ state: 'done', total: GOOD + 3, done: GOOD, failed: 3, reused: GOOD + 3 });
    expect(engine.stats().processed).toBe(before);
    expect((store.db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n).toBe(results);
    // The same results, each flagged as reused and costing no engine time.
    const lines = (id: string): Record<string, unknown>[] =>
      [...jobs.export(id, 'jsonl')]
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const again = lines(job.id);
    const strip = ({ ms: _ms, reused: _reused, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
    expect(again.map(strip)).toEqual(lines(jobId).map(strip));
    for (const l of again.filter((l) => !('error' in l))) expect(l).toMatchObject({ reused: true, ms: 0 });
    expect(jobs.items(job.id, 0, 100).items.every((i) => i.reused && (i.state === 'failed' || i.ms === 0))).toBe(true);
  });

  it('without recursion leaves subfolders out', async () => {
    const job = jobs.create({ paths: [folder], recursive: false, origin: 'api', keyId: null });
    const end = await jobs.settled(job.id);
    expect(end.total).toBe(GOOD - Math.floor(GOOD / 4));
  });

  it('pauses, resumes and cancels', async () => {
    const job = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    expect(jobs.pause(job.id).state).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));
    expect(jobs.get(job.id)?.state).toBe('paused');
    expect(jobs.resume(job.id).state).toMatch(/queued|running/);
    expect((await jobs.settled(job.id)).state).toBe('done');
    expect(() => jobs.pause(job.id)).toThrow(/cannot be paused/);
    const other = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    jobs.pause(other.id);
    expect(jobs.cancel(other.id).state).toBe('cancelled');
    expect((await jobs.settled(other.id)).state).toBe('cancelled');
  });
});

describe('plaintext at rest', () => {
  it('keeps no recognised text in any file of the data dir', async () => {
    const unique = 'QUOKKA ZEPHYR 73914';
    const dir = join(root, 'unique');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'unique.png'), await renderText({ lines: [unique], fontSize: 32 }));
    const job = jobs.create({ paths: [dir], recursive: false, origin: 'api', keyId: null });
    await jobs.settled(job.id);
    const text = [...jobs.export(job.id, 'jsonl')].join('');
    expect(text).toContain('ZEPHYR');
    const recognised = (JSON.parse(text) as { text: string }).text;
    const probes = [unique, 'ZEPHYR', 'QUOKKA', '73914', recognised].filter((p) => p.length >= 5);
    for (const e of readdirSync(store.dataDir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const bytes = readFileSync(join(e.parentPath, e.name));
      for (const p of probes) expect(bytes.includes(p), `${e.name} holds "${p}"`).toBe(false);
    }
  });
});

describe('results the engine answers from its cache', () => {
  it('are flagged as reused in items, progress, counts and every export, with no engine time', async () => {
    const cached = await createEngine({ workers: 1, queueDepth: 16, cacheEntries: 16, providers: ['cpu'] });
    const cachedJobs = createJobService({ store, engine: cached, config: loadConfig({ dataDir: join(root, 'data') }, {}) });
    try {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const dir = join(root, 'cached');
      mkdirSync(dir);
      const seen = await renderText({ lines: ['seen before 42'], fontSize: 28 });
      writeFileSync(join(dir, 'a-seen.png'), seen);
      writeFileSync(join(dir, 'b-new.png'), await renderText({ lines: ['never seen 77'], fontSize: 28 }));
      // An earlier request (the API, the console) recognised this image already.
      expect((await cached.ocr(seen)).reused).toBeUndefined();

      const events: JobProgress[] = [];
      const job = cachedJobs.create({ paths: [dir], recursive: false, origin: 'api', keyId: null });
      const off = cachedJobs.subscribe(job.id, (p) => events.push(p));
      const end = await cachedJobs.settled(job.id);
      off();
      expect(end).toMatchObject({ state: 'done', total: 2, done: 2, failed: 0, reused: 1 });
      expect(events.at(-1)?.reused).toBe(1);

      const items = cachedJobs.items(job.id, 0, 10).items;
      expect(items.map((i) => [i.file, i.reused, i.ms === 0])).toEqual([
        ['a-seen.png', true, true],
        ['b-new.png', false, false],
      ]);

      const jsonl = [...cachedJobs.export(job.id, 'jsonl')]
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(jsonl[0]).toMatchObject({ file: 'a-seen.png', reused: true, ms: 0 });
      expect(jsonl[1].reused).toBeUndefined();
      expect(Number(jsonl[1].ms)).toBeGreaterThan(0);
      const csv = parseCsv([...cachedJobs.export(job.id, 'csv')].join(''));
      expect(csv.map((r) => [r.file, r.reused, r.ms])).toEqual([
        ['a-seen.png', 'true', '0'],
        ['b-new.png', 'false', String(jsonl[1].ms)],
      ]);
    } finally {
      await cachedJobs.close();
      await cached.close();
    }
  });
});
