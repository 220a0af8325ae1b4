// A node killed mid-work leaves hearth.db-wal and -shm beside the store. Starting it with a wrong store key must
// be refused without touching any of the three files: the key is verified on a handle that cannot write.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runHearth } from '../../e2e/hearthProcess';
import { startTestNode, type TestNode } from '../testkit/hearthNode';
import { renderText } from '../testkit/renderText';

let node: TestNode | undefined;

afterAll(async () => {
  await node?.stop();
});

const md5 = (file: string): string => createHash('md5').update(readFileSync(file)).digest('hex');

it('a wrong store key after a crash leaves hearth.db, -wal and -shm byte for byte as they were', async () => {
  node = await startTestNode();
  const png = await renderText({ lines: ['Crash 1'] });
  expect((await node.request('POST', '/v1/ocr', { body: png, headers: { 'content-type': 'image/png' } })).status).toBe(200);
  process.kill(node.process.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  expect(node.process.alive()).toBe(false);
  const files = ['hearth.db', 'hearth.db-wal', 'hearth.db-shm'].map((f) => join(node!.dataDir, f));
  for (const f of files) expect(existsSync(f), f).toBe(true);
  const before = files.map(md5);

  expect(() => runHearth(['keys', 'list', '--data', node!.dataDir], { HEARTH_STORE_KEY: 'not-the-key' })).toThrow(/store key/);
  expect(files.map(md5)).toEqual(before);

  // The right key still opens it, with everything the crash left in the WAL.
  expect(runHearth(['keys', 'list', '--data', node.dataDir], { HEARTH_STORE_KEY: node.storeKey })).toMatch(/no keys yet/);
});
