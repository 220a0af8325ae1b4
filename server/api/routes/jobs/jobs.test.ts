// Jobs and results over real HTTP on a whole node (loopback owner): create, SSE progress, items, exports,
// search, result images and the error answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import type { Job, JobItemsPage, JobProgress } from '../../../contract/jobs';
import type { ResultDetail, ResultsPage } from '../../../contract/results';
import { makeImageFolder } from '../../../testkit/imageFolder';
import { startServer, type RunningServer } from '../../../serve';

let root: string;
let folder: string;
let server: RunningServer;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-jobs-api-'));
  folder = join(root, 'scans');
  await makeImageFolder(folder, 5, { bad: true });
  const config = loadConfig({ dataDir: join(root, 'data'), port: 0, engine: { workers: 2 } }, { HEARTH_STORE_KEY: 'jobs-api-key' });
  server = await startServer(config);
  url = server.url;
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Reads an SSE stream to its end: the events in order. */
async function readEvents(path: string): Promise<{ event: string; data: unknown }[]> {
  const res = await fetch(url + path);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [ev, data] = block.split('\n');
      return { event: ev.slice('event: '.length), data: JSON.parse(data.slice('data: '.length)) as unknown };
    });
}

describe('jobs API', () => {
  let job: Job;

  it('creates a job and streams its progress to the end', async () => {
    const res = await post('/v1/jobs', { path: folder, recursive: true });
    expect(res.status).toBe(201);
    job = (await res.json()) as Job;
    expect(job.state).toMatch(/queued|running/);
    const events = await readEvents(`/v1/jobs/${job.id}/events`);
    expect(events[0].event).toBe('progress');
    expect(events.at(-1)?.event).toBe('end');
    const last = events.filter((e) => e.event === 'progress').at(-1)?.data as JobProgress;
    expect(last).toMatchObject({ state: 'done', total: 8, done: 5, failed: 3 });
    // A finished job's stream is one snapshot and the end.
    const again = await readEvents(`/v1/jobs/${job.id}/events`);
    expect(again.map((e) => e.event)).toEqual(['progress', 'end']);
  });

  it("lists, shows and pages a job's items", async () => {
    const list = (await (await fetch(`${url}/v1/jobs`)).json()) as { jobs: Job[] };
    expect(list.jobs.map((j) => j.id)).toContain(job.id);
    const one = (await (await fetch(`${url}/v1/jobs/${job.id}`)).json()) as JobProgress;
    expect(one).toMatchObject({ id: job.id, state: 'done', total: 8 });
    const page = (await (await fetch(`${url}/v1/jobs/${job.id}/items?offset=2&limit=3`)).json()) as JobItemsPage;
    expect(page.total).toBe(8);
    expect(page.items).toHaveLength(3);
    const all = (await (await fetch(`${url}/v1/jobs/${job.id}/items`)).json()) as JobItemsPage;
    expect(all.items.map((i) => i.file)).toEqual([
      'bad/empty.png',
      'bad/notes.png',
      'bad/truncated.jpg',
      'img-000.png',
      'img-001.png',
      'img-002.png',
      'img-004.png',
      'sub/img-003.png',
    ]);
    expect(page.items.map((i) => i.file)).toEqual(all.items.slice(2, 5).map((i) => i.file));
    const failed = (await (await fetch(`${url}/v1/jobs/${job.id}/items?state=failed&limit=2`)).json()) as JobItemsPage;
    expect([failed.total, failed.items.map((i) => i.file)]).toEqual([3, ['bad/empty.png', 'bad/notes.png']]);
    const done = (await (await fetch(`${url}/v1/jobs/${job.id}/items?state=done`)).json()) as JobItemsPage;
    expect([done.total, done.items.every((i) => i.state === 'done')]).toEqual([5, true]);
    expect((await fetch(`${url}/v1/jobs/${job.id}/items?state=broken`)).status).toBe(400);
  });

  it('exports every path in each format', async () => {
    const items = ((await (await fetch(`${url}/v1/jobs/${job.id}/items?limit=100`)).json()) as JobItemsPage).items.map((i) => i.file);
    for (const format of ['jsonl', 'csv', 'txt']) {
      const res = await fetch(`${url}/v1/jobs/${job.id}/export?format=${format}`);
      expect(res.status).toBe(200);
      const body = await res.text();
      for (const f of items) expect(body).toContain(f);
    }
    expect((await fetch(`${url}/v1/jobs/${job.id}/export?format=xml`)).status).toBe(400);
  });

  it('answers bad requests with the error shape', async () => {
    const missing = await post('/v1/jobs', { path: join(root, 'nope') });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    expect((await post('/v1/jobs', { recursive: true })).status).toBe(400);
    expect((await fetch(`${url}/v1/jobs/no-such-job`)).status).toBe(404);
    const conflict = await post(`/v1/jobs/${job.id}/pause`, {});
    expect(conflict.status).toBe(409);
  });
});

describe('results API', () => {
  it('searches, shows a result and serves its image', async () => {
    const all = (await (await fetch(`${url}/v1/results?limit=2&offset=1`)).json()) as ResultsPage;
    expect(all).toMatchObject({ total: 5, limit: 2, offset: 1 });
    // Search for what the engine actually read in one of them.
    const probe = all.items[0].text.slice(0, 6);
    const page = (await (await fetch(`${url}/v1/results?q=${encodeURIComponent(probe)}&limit=10`)).json()) as ResultsPage;
    expect(page.total).toBeGreaterThanOrEqual(1);
    const first = page.items[0];
    expect(first.text).toContain(probe);
    const detail = (await (await fetch(`${url}/v1/results/${first.id}`)).json()) as ResultDetail;
    expect(detail.lines.length).toBeGreaterThan(0);
    const image = await fetch(`${url}/v1/results/${first.id}/image`);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await fetch(`${url}/v1/results/nope`)).status).toBe(404);
    expect((await fetch(`${url}/v1/results?from=yesterday-ish`)).status).toBe(400);
  });
});
