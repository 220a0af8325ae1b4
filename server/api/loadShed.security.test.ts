// Overload is normal operation: requests beyond the engine queue get 503 with Retry-After, counted in /metrics
// and logged at debug only, so an overload cannot flood the log with error lines and stacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../testkit/hearthNode';
import { renderText } from '../testkit/renderText';

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ config: { engine: { workers: 1, queueDepth: 1, cacheEntries: 0 } } });
});

afterAll(async () => {
  await node?.stop();
});

it('sheds load with 503 + Retry-After, counts it, and writes no error line for it', async () => {
  const images = await Promise.all(Array.from({ length: 24 }, (_, i) => renderText({ lines: [`Load ${i} test`], seed: i + 3 })));
  const replies = await Promise.all(
    images.map((body) => node.request('POST', '/v1/ocr', { body, headers: { 'content-type': 'image/png' } })),
  );
  const shed = replies.filter((r) => r.status === 503);
  expect(shed.length).toBeGreaterThan(0);
  for (const r of shed) {
    expect(r.json().error.code).toBe('queue_full');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  }
  expect(replies.every((r) => r.status === 200 || r.status === 503)).toBe(true);

  const metrics = (await node.request('GET', '/metrics')).text;
  const counted = /hearth_load_shed_total\{route="ocr"\} (\d+)/.exec(metrics);
  expect(Number(counted?.[1])).toBe(shed.length);

  // Lines reach the file off the request path; give the writer a moment.
  await new Promise((r) => setTimeout(r, 500));
  const lines = readFileSync(join(node.dataDir, 'logs', 'hearth.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: string; msg: string });
  expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  expect(lines.filter((l) => /shed|busy|queue/i.test(JSON.stringify(l)))).toEqual([]);
});
