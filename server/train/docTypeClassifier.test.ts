// A document-type classifier trained with no imported model, end to end over a real node: rendered pages of
// three kinds (invoices, letters, timetables; English, Chinese or both), 20 of each to train on, then 30 unseen
// pages classified through /v1/classify, a PDF read by its first page or the page asked for, and a folder job
// that tags every file with its type in its exports. The version's manifest says how pages become features; the
// same pages and seed give the same model bytes.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import type { ClassifyResponse } from '../contract/models';
import type { TrainRun } from '../contract/training';
import { openModelRepository } from '../engine/models/repository';
import { DOC_TYPE_FEATURES } from '../engine/models/docType';
import { startServer, type RunningServer } from '../serve';
import { DOC_KINDS, docPage, writeDocPages } from '../testkit/docPages';
import { imagesToPdf } from '../testkit/pdf';

const run = promisify(execFile);
let root: string;
let server: RunningServer;
const UNSEEN_PER_KIND = 10;
const UNSEEN_SEED = 5000;

/** The stream's last `progress` event once it ends. */
async function lastEvent<T>(url: string): Promise<T> {
  const text = await (await fetch(url)).text();
  const blocks = text.split('\n\n').filter((b) => b.startsWith('event: progress'));
  return JSON.parse(blocks[blocks.length - 1].split('\n')[1].slice('data: '.length)) as T;
}

async function classify(body: Buffer, type: string, query = ''): Promise<{ status: number; json: ClassifyResponse }> {
  const res = await fetch(`${server.url}/v1/classify?model=doc-types${query}`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, json: (await res.json()) as ClassifyResponse };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-doctype-'));
  // Rendering 90 pages with real fonts takes a while on a busy machine.
  await writeDocPages(join(root, 'set'), 20, 1);
  await writeDocPages(join(root, 'unseen'), UNSEEN_PER_KIND, UNSEEN_SEED);
  server = await startServer(
    loadConfig({ dataDir: join(root, 'data'), port: 0, engine: { workers: 2 } }, { HEARTH_STORE_KEY: 'doctype-key' }),
  );
}, 300_000);

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a document-type classifier', () => {
  it('trains from labelled pages on the node, with no imported model, into a doctype version', async () => {
    const res = await fetch(`${server.url}/v1/train`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: join(root, 'set'), name: 'doc-types', kind: 'doctype', seed: 1 }),
    });
    expect(res.status).toBe(202);
    const started = (await res.json()) as TrainRun;
    const run = await lastEvent<TrainRun>(`${server.url}/v1/train/${started.id}/events`);
    expect(run.error).toBeNull();
    expect(run.state).toBe('done');
    expect(run.report).toMatchObject({ kind: 'doctype', model: 'doc-types', version: 1, active: true, labels: [...DOC_KINDS] });
    expect(run.report?.examples).toEqual({ train: 48, validation: 12 });
    expect(run.report?.accuracy).toBeGreaterThanOrEqual(0.9);

    const resolved = openModelRepository({ dataDir: join(root, 'data') }).resolve('doc-types');
    expect(resolved.manifest.task).toBe('doctype');
    expect(resolved.labels).toEqual([...DOC_KINDS]);
    expect(resolved.manifest.docType).toMatchObject({
      textDims: DOC_TYPE_FEATURES.textDims,
      visual: { tensor: DOC_TYPE_FEATURES.visual.tensor },
    });
    expect(resolved.manifest.docType?.visual.dims).toBeGreaterThan(16);
  }, 1_800_000);

  it('gives the same model bytes for the same pages and seed', async () => {
    await writeDocPages(join(root, 'small'), 5, 300);
    const train = async (name: string): Promise<Buffer> => {
      const res = await fetch(`${server.url}/v1/train`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: join(root, 'small'), name, seed: 4 }),
      });
      const run = await lastEvent<TrainRun>(`${server.url}/v1/train/${((await res.json()) as TrainRun).id}/events`);
      expect(run.report?.kind).toBe('doctype');
      return readFileSync(openModelRepository({ dataDir: join(root, 'data') }).resolve(name).modelPath);
    };
    expect(Buffer.compare(await train('twice-a'), await train('twice-b'))).toBe(0);
  }, 1_200_000);

  it('tells the type of 30 unseen pages through /v1/classify, at least 95 % of them right', async () => {
    let right = 0;
    const wrong: string[] = [];
    for (const kind of DOC_KINDS) {
      for (let i = 0; i < UNSEEN_PER_KIND; i++) {
        const { status, json } = await classify(readFileSync(join(root, 'unseen', kind, `${kind}-${i}.png`)), 'image/png');
        expect(status).toBe(200);
        expect(json.labels.map((l) => l.label).sort()).toEqual([...DOC_KINDS].sort());
        if (json.labels[0].label === kind) right++;
        else wrong.push(`${kind}-${i} read as ${json.labels[0].label}`);
      }
    }
    expect(wrong).toEqual(wrong.slice(0, 1)); // names the mistakes when there are more
    expect(right / (3 * UNSEEN_PER_KIND)).toBeGreaterThanOrEqual(0.95);
  }, 900_000);

  it('reads a PDF by its first page, or by the page asked for', async () => {
    const pdf = await imagesToPdf([await docPage('timetable', 9001), await docPage('invoice', 9002)], 72);
    const first = await classify(pdf, 'application/pdf');
    expect(first.status).toBe(200);
    expect(first.json.labels[0].label).toBe('timetable');
    expect((await classify(pdf, 'application/pdf', '&page=2')).json.labels[0].label).toBe('invoice');
    const beyond = await classify(pdf, 'application/pdf', '&page=3');
    expect(beyond.status).toBe(400);
  }, 300_000);

  it('tags every file of a folder job with its type and confidence, in jsonl and csv', async () => {
    const folder = join(root, 'inbox');
    mkdirSync(folder);
    for (const kind of DOC_KINDS) writeFileSync(join(folder, `${kind}.png`), readFileSync(join(root, 'unseen', kind, `${kind}-0.png`)));
    writeFileSync(join(folder, 'scan.pdf'), await imagesToPdf([await docPage('letter', 9003), await docPage('timetable', 9004)], 72));
    const res = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: folder, classify: 'doc-types' }),
    });
    expect(res.status).toBe(201);
    const job = (await res.json()) as { id: string };
    expect((await lastEvent<{ state: string }>(`${server.url}/v1/jobs/${job.id}/events`)).state).toBe('done');

    const lines = (await (await fetch(`${server.url}/v1/jobs/${job.id}/export?format=jsonl`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; page?: number; label?: { label: string; confidence: number } });
    const tags = Object.fromEntries(lines.map((l) => [`${l.file}${l.page ? `#${l.page}` : ''}`, l.label?.label]));
    expect(tags).toEqual({
      'invoice.png': 'invoice',
      'letter.png': 'letter',
      'timetable.png': 'timetable',
      'scan.pdf#1': 'letter',
      'scan.pdf#2': 'timetable',
    });
    for (const l of lines) expect(l.label?.confidence).toBeGreaterThan(0.34);
    // The items list (what the console's Jobs view shows) carries the same labels.
    const { items } = (await (await fetch(`${server.url}/v1/jobs/${job.id}/items`)).json()) as {
      items: { file: string; page?: number; label?: { label: string } }[];
    };
    expect(Object.fromEntries(items.map((i) => [`${i.file}${i.page ? `#${i.page}` : ''}`, i.label?.label]))).toEqual(tags);

    const csv = await (await fetch(`${server.url}/v1/jobs/${job.id}/export?format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('file,text,provider,ms,error_code,error_message,reused,page,label,label_confidence');
    // Text cells span lines; each row ends in its label and confidence.
    const tagged = [...csv.matchAll(/,(invoice|letter|timetable),(0\.\d+|1)\r?\n/g)].map((m) => m[1]).sort();
    expect(tagged).toEqual(['invoice', 'letter', 'letter', 'timetable', 'timetable']);
  }, 600_000);

  it('tags files from the command line too: hearth ocr --classify, against the node', async () => {
    const folder = join(root, 'cli-inbox');
    mkdirSync(folder);
    for (const kind of DOC_KINDS) writeFileSync(join(folder, `${kind}.png`), readFileSync(join(root, 'unseen', kind, `${kind}-1.png`)));
    const args = ['bin/hearth.js', 'ocr', folder, '--classify', 'doc-types', '--server', server.url, '--data', join(root, 'cli-data')];
    // Asynchronous: the node answering the command runs in this very process.
    const { stdout } = await run(process.execPath, args, { env: { ...process.env, NO_COLOR: '1' } });
    const tags = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; label?: { label: string } })
        .map((l) => [l.file, l.label?.label]),
    );
    expect(tags).toEqual({ 'invoice.png': 'invoice', 'letter.png': 'letter', 'timetable.png': 'timetable' });
    const refused = await run(process.execPath, [...args.slice(0, 3), '--classify', 'pp-ocrv4', ...args.slice(5)]).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/"pp-ocrv4" (on \S+ )?is an OCR model, not a document-type classifier/),
    });
  }, 600_000);

  it('refuses a job whose classifier is not a document-type classifier, in words', async () => {
    const res = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: join(root, 'unseen'), classify: 'pp-ocrv4' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /"pp-ocrv4" is an OCR model, not a document-type classifier/,
    );
  });
});
