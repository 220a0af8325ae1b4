// A key held to shared folders swaps a scanned file for a symlink to a file outside them while its job is
// paused: on resume that item fails on its own, and nothing read from outside reaches results or images.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job, JobItemsPage } from '../contract/jobs';
import { startTestNode, type TestNode } from '../testkit/hearthNode';
import { renderText } from '../testkit/renderText';

const FILES = 24;
let node: TestNode;
let shared: string;
let secret: Buffer;

beforeAll(async () => {
  node = await startTestNode({ keys: { worker: ['jobs', 'infer'] } });
  shared = join(node.dataDir, 'shared');
  const outside = join(node.dataDir, 'outside');
  mkdirSync(shared);
  mkdirSync(outside);
  // Distinct images, so the engine's result cache cannot finish the job before it is paused.
  for (let i = 0; i < FILES; i++) {
    writeFileSync(join(shared, `page-${String(i).padStart(2, '0')}.png`), await renderText({ lines: [`Page ${i} inside`], seed: i + 1 }));
  }
  secret = await renderText({ lines: ['SECRET 9931'], fontSize: 36 });
  writeFileSync(join(outside, 'secret.png'), secret);
  // Loopback without a key is the owner: the shared root is set as the owner would in the console.
  const res = await node.request('PUT', '/v1/settings', { body: JSON.stringify({ sharedRoots: [shared] }) });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await node?.stop();
});

it('a file swapped for a symlink after the scan is not read: a per-item error, no outside bytes stored', async () => {
  const key = node.keys.worker;
  const created = await node.request('POST', '/v1/jobs', { key, body: JSON.stringify({ path: shared, recursive: true }) });
  expect(created.status).toBe(201);
  const id = created.json<Job>().id;
  // Wait for the scan, then pause while most items are still pending.
  let job = created.json<Job>();
  for (let i = 0; i < 600 && job.total === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = (await node.request('GET', `/v1/jobs/${id}`, { key })).json<Job>();
  }
  expect((await node.request('POST', `/v1/jobs/${id}/pause`, { key })).status).toBe(200);
  const pending = (await node.request('GET', `/v1/jobs/${id}/items?state=pending&limit=1000`, { key })).json<JobItemsPage>();
  expect(pending.items.length).toBeGreaterThan(0);
  for (const item of pending.items) {
    renameSync(join(shared, item.file), join(shared, `${item.file}.gone`));
    symlinkSync(join(node.dataDir, 'outside', 'secret.png'), join(shared, item.file));
  }

  expect((await node.request('POST', `/v1/jobs/${id}/resume`, { key })).status).toBe(200);
  for (let i = 0; i < 1200 && !['done', 'failed'].includes(job.state); i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = (await node.request('GET', `/v1/jobs/${id}`, { key })).json<Job>();
  }
  expect(job.state).toBe('done');
  // Items already in flight at the pause were read before the swap; every other swapped one fails alone.
  expect(job.failed).toBeGreaterThanOrEqual(pending.items.length - 2);
  expect(job.failed).toBeGreaterThan(0);

  const all = (await node.request('GET', `/v1/jobs/${id}/items?limit=1000`, { key })).json<JobItemsPage>();
  const swapped = new Set(pending.items.map((i) => i.file));
  for (const item of all.items) {
    if (item.state === 'failed') {
      expect(swapped.has(item.file)).toBe(true);
      expect(item.error?.code).toBe('forbidden');
      expect(item.resultId).toBeNull();
      continue;
    }
    expect(item.resultId).not.toBeNull();
    const image = await node.request('GET', `/v1/results/${item.resultId}/image`, { key });
    expect(image.status).toBe(200);
    expect(Buffer.from(image.text, 'latin1').equals(secret)).toBe(false);
  }
  const found = await node.request('GET', `/v1/results?q=SECRET`, { key });
  expect(found.status).toBe(200);
  expect(JSON.stringify(found.json())).not.toMatch(/9931/);
});

it("a shared root taken out of the settings stops the reads of a key's job under it", async () => {
  const key = node.keys.worker;
  const dir = join(shared, 'later');
  mkdirSync(dir);
  for (let i = 0; i < 16; i++) writeFileSync(join(dir, `l${i}.png`), await renderText({ lines: [`Later ${i}`], seed: 100 + i }));
  const created = await node.request('POST', '/v1/jobs', { key, body: JSON.stringify({ path: dir, recursive: true }) });
  expect(created.status).toBe(201);
  const id = created.json<Job>().id;
  let job = created.json<Job>();
  for (let i = 0; i < 600 && job.total === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = (await node.request('GET', `/v1/jobs/${id}`, { key })).json<Job>();
  }
  expect((await node.request('POST', `/v1/jobs/${id}/pause`, { key })).status).toBe(200);
  expect((await node.request('PUT', '/v1/settings', { body: JSON.stringify({ sharedRoots: [] }) })).status).toBe(200);
  expect((await node.request('POST', `/v1/jobs/${id}/resume`, { key })).status).toBe(200);
  for (let i = 0; i < 600 && job.state !== 'done'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = (await node.request('GET', `/v1/jobs/${id}`, { key })).json<Job>();
  }
  expect(job.state).toBe('done');
  // Items read before the pause stay done; every one read after the root left the settings was refused.
  expect(job.failed).toBeGreaterThan(0);
  expect(job.done + job.failed).toBe(16);
  const failed = (await node.request('GET', `/v1/jobs/${id}/items?state=failed&limit=100`, { key })).json<JobItemsPage>();
  for (const item of failed.items) expect(item.error?.code).toBe('forbidden');
});
