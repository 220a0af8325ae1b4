// Training runs over real HTTP: start one, follow its epochs as SSE to the end, read its report, and the run
// that a node shutdown interrupted finishing after the restart; a cancelled run leaves no version behind.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import type { TrainRun } from '../../../contract/training';
import { openModelRepository } from '../../../engine/models/repository';
import { startServer } from '../../../serve';
import { colourClassifier, solidPng } from '../../../testkit/onnx';

let root: string;
const dataDir = (): string => join(root, 'data');
const config = () => loadConfig({ dataDir: dataDir(), port: 0, engine: { workers: 1 } }, { HEARTH_STORE_KEY: 'train-api-key' });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-train-api-'));
  await openModelRepository({ dataDir: dataDir() }).import({
    model: colourClassifier({ size: 16 }),
    manifest: { name: 'colours', task: 'classify', preprocess: { size: [16, 16] } },
    labels: 'red\ngreen\nblue\n',
  });
  for (const [label, base] of [
    ['warm', [230, 60, 30]],
    ['cool', [30, 90, 230]],
  ] as const) {
    mkdirSync(join(root, 'set', label), { recursive: true });
    for (let i = 0; i < 8; i++)
      writeFileSync(join(root, 'set', label, `${i}.png`), await solidPng([base[0] - i * 5, base[1] + i * 7, base[2] - i * 3], 24));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: TrainRun }> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as TrainRun };
}

describe('training API', () => {
  it('trains, streams every epoch to the end, and reports', async () => {
    const server = await startServer(config());
    try {
      const started = await post(server.url, '/v1/train', { path: join(root, 'set'), name: 'temperature', backbone: 'colours', seed: 2 });
      expect(started.status).toBe(202);
      const events = await (await fetch(`${server.url}/v1/train/${started.json.id}/events`)).text();
      const runs = events
        .split('\n\n')
        .filter((b) => b.startsWith('event: progress'))
        .map((b) => JSON.parse(b.split('\n')[1].slice('data: '.length)) as TrainRun);
      expect(events).toContain('event: end');
      // Epochs stream while fitting (a small set may fit between two events); the last event holds them all.
      for (const r of runs) if (r.progress?.phase === 'fitting') expect(typeof r.progress.epoch?.loss).toBe('number');
      const done = runs.at(-1);
      expect(done?.state).toBe('done');
      expect(done?.report).toMatchObject({ model: 'temperature', version: 1, accuracy: 1, labels: ['cool', 'warm'] });
      expect(done?.report?.history.length).toBeGreaterThan(0);
      expect(done?.report?.history.every((e) => typeof e.loss === 'number' && typeof e.valAccuracy === 'number')).toBe(true);
      const listed = (await (await fetch(`${server.url}/v1/train`)).json()) as { runs: TrainRun[] };
      expect(listed.runs[0].id).toBe(started.json.id);
      const classify = await fetch(`${server.url}/v1/classify?model=temperature`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: await solidPng([240, 50, 40], 24),
      });
      expect(((await classify.json()) as { labels: { label: string }[] }).labels[0].label).toBe('warm');
    } finally {
      await server.close();
    }
  });

  it('says what is wrong with a request, and a failed run says why', async () => {
    const server = await startServer(config());
    try {
      expect((await post(server.url, '/v1/train', { path: join(root, 'set'), name: 'x', kind: 'image' })).status).toBe(400);
      const bad = await post(server.url, '/v1/train', { path: join(root, 'set'), name: 'x', backbone: 'no-such-model' });
      expect(bad.status).toBe(202);
      let run = bad.json;
      for (let i = 0; i < 100 && !['done', 'failed'].includes(run.state); i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = (await (await fetch(`${server.url}/v1/train/${run.id}`)).json()) as TrainRun;
      }
      expect(run.state).toBe('failed');
      expect(run.error?.message).toMatch(/no-such-model/);
      expect((await fetch(`${server.url}/v1/train/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('links a thumbnail of every example the new version got wrong', async () => {
    // Two labels of the same colours, taken in turns: no layer can tell them apart, so validation has mistakes.
    for (const label of ['left', 'right']) mkdirSync(join(root, 'twins', label), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const label = i % 2 ? 'right' : 'left';
      writeFileSync(join(root, 'twins', label, `${i}.png`), await solidPng([120 + i * 4, 120 - i * 3, 90 + i * 2], 24 + i));
    }
    const server = await startServer(config());
    try {
      const started = await post(server.url, '/v1/train', { path: join(root, 'twins'), name: 'twins', backbone: 'colours', seed: 3 });
      await (await fetch(`${server.url}/v1/train/${started.json.id}/events`)).text();
      const run = (await (await fetch(`${server.url}/v1/train/${started.json.id}`)).json()) as TrainRun;
      const wrong = run.report?.misclassified ?? [];
      expect(wrong.length).toBeGreaterThan(0);
      for (const [n, m] of wrong.entries()) {
        expect(m.thumbnail).toBe(`/v1/train/${run.id}/misclassified/${n}/thumbnail`);
        const res = await fetch(server.url + (m.thumbnail ?? ''));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/jpeg');
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        expect(meta.format).toBe('jpeg');
      }
      const beyond = await fetch(`${server.url}/v1/train/${run.id}/misclassified/${wrong.length}/thumbnail`);
      expect(beyond.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('a run a shutdown interrupted starts again and finishes after the restart', async () => {
    const first = await startServer(config());
    const started = await post(first.url, '/v1/train', { path: join(root, 'set'), name: 'resumed', backbone: 'colours' });
    await first.close();
    const second = await startServer(config());
    try {
      let run = started.json;
      for (let i = 0; i < 200 && run.state !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        run = (await (await fetch(`${second.url}/v1/train/${run.id}`)).json()) as TrainRun;
      }
      expect(run.state).toBe('done');
      expect(run.report?.model).toBe('resumed');
    } finally {
      await second.close();
    }
  });
});
