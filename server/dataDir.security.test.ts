// Whichever command creates the data dir first, it and everything in it is private: folders 0700, files 0600
// (the log names files and key ids; the store, its WAL and index are encrypted but still the owner's alone).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runHearth, startHearth } from '../e2e/hearthProcess';
import { TEST_STORE_KEY } from './testkit/hearthNode';

const root = mkdtempSync(join(tmpdir(), 'hearth-perm-'));
const env = { HEARTH_STORE_KEY: TEST_STORE_KEY };

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every path under dir (dir included) whose mode is not 0700 (folders) or 0600 (files). */
function tooOpen(dir: string): string[] {
  const bad: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) bad.push(`${p} ${mode.toString(8)}`);
      for (const e of readdirSync(p)) visit(join(p, e));
    } else if (mode !== 0o600) bad.push(`${p} ${mode.toString(8)}`);
  };
  visit(dir);
  return bad;
}

it('a data dir created by serve is 0700 with 0600 files, logs included', async () => {
  const dir = join(root, 'by-serve');
  const node = await startHearth(['--data', dir], env);
  try {
    expect(statSync(join(dir, 'logs', 'hearth.log')).isFile()).toBe(true);
    expect(tooOpen(dir)).toEqual([]);
  } finally {
    await node.stop();
  }
  expect(tooOpen(dir)).toEqual([]);
});

it('a LAN node adds its TLS material under the same rule', async () => {
  const dir = join(root, 'by-lan');
  const node = await startHearth(['--data', dir, '--lan', '--host', '127.0.0.1'], env);
  try {
    expect(statSync(join(dir, 'tls', 'key.pem')).isFile()).toBe(true);
    expect(tooOpen(dir)).toEqual([]);
  } finally {
    await node.stop();
  }
});

it('a data dir created by keys create is the same', () => {
  const dir = join(root, 'by-keys');
  runHearth(['keys', 'create', '--name', 'k', '--scopes', 'infer', '--data', dir], env);
  expect(tooOpen(dir)).toEqual([]);
});
