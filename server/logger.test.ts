import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { configureLogging, createLogger, flushLogs } from './logger';

const dir = mkdtempSync(join(tmpdir(), 'hearth-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('writes off the calling tick, rotates by size and keeps only the configured number of files', async () => {
  configureLogging({ dataDir: dir, console: false, rotation: { maxBytes: 4_000, keep: 2 } });
  const log = createLogger('test');
  const file = join(dir, 'logs', 'hearth.log');
  log.info('first line', { n: 0 });
  // Queued, not yet written: the caller never waits on the disk.
  expect(existsSync(file) ? readFileSync(file, 'utf8') : '').not.toContain('first line');
  await flushLogs();
  expect(readFileSync(file, 'utf8')).toContain('first line');

  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < 20; i++) log.info('filler line for rotation', { round, i });
    await flushLogs();
  }
  expect(existsSync(`${file}.1`)).toBe(true);
  expect(existsSync(`${file}.2`)).toBe(true);
  expect(existsSync(`${file}.3`)).toBe(false);
  for (const f of [file, `${file}.1`, `${file}.2`]) {
    expect(statSync(f).size).toBeLessThanOrEqual(8_000);
    expect(statSync(f).mode & 0o777).toBe(0o600);
  }
  // The newest lines are in the current file.
  expect(readFileSync(file, 'utf8')).toContain('"round":11');
});
