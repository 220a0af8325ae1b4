// How `hearth ocr` sizes its local engine before the store opens: images counted cheaply, no more workers
// than images, and which command lines boot a worker ahead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNodeFile } from '../runningNode';
import { localRecognitionDir } from './earlyWorker';
import { IMAGES_PER_WORKER, imageCountHint, workersFor } from './ocr';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-ocr-start-'));
  for (const f of ['a.png', 'b.JPG', 'notes.txt']) writeFileSync(join(dir, f), 'x');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'c.png'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hearth ocr start-up sizing', () => {
  it('counts named image files and images directly in named folders', () => {
    expect(imageCountHint([join(dir, 'a.png')], false)).toBe(1);
    expect(imageCountHint([join(dir, 'notes.txt'), join(dir, 'missing.png')], false)).toBe(0);
    expect(imageCountHint([dir], false)).toBe(2);
    expect(imageCountHint([dir, join(dir, 'sub', 'c.png')], false)).toBe(3);
    // A recursive folder would need the full scan: unknown.
    expect(imageCountHint([dir], true)).toBeUndefined();
    expect(imageCountHint([join(dir, 'a.png')], true)).toBe(1);
  });

  it('starts no more workers than images, at least one, as configured otherwise', () => {
    expect(workersFor(0, 1, 8)).toBe(1);
    expect(workersFor(0, 60, 8)).toBe(8);
    expect(workersFor(3, 60, 8)).toBe(3);
    expect(workersFor(3, 2, 8)).toBe(2);
    expect(workersFor(0, undefined, 2)).toBe(2);
    expect(workersFor(0, 0, 2)).toBe(1);
  });

  it('chooses one worker per core only for runs large enough to repay each start', () => {
    expect(workersFor(0, IMAGES_PER_WORKER, 2)).toBe(1);
    expect(workersFor(0, IMAGES_PER_WORKER + 1, 2)).toBe(2);
    expect(workersFor(0, 3 * IMAGES_PER_WORKER, 8)).toBe(3);
    expect(workersFor(0, 4, 2)).toBe(1);
  });

  it('boots a worker ahead, on the data dir it will read, only for an ocr run that will likely recognise here', () => {
    const argv = (...a: string[]): string[] => ['node', 'hearth', ...a];
    const data = join(dir, 'data');
    mkdirSync(data);
    const mayRecogniseLocally = (args: string[], env?: NodeJS.ProcessEnv): boolean => localRecognitionDir(args, env) !== undefined;
    expect(localRecognitionDir(argv('ocr', 'one.png', '--data', data))).toBe(data);
    expect(localRecognitionDir(argv('ocr', 'one.png'), { HEARTH_DATA: data })).toBe(data);
    expect(mayRecogniseLocally(argv('ocr', 'one.png', '--data', data))).toBe(true);
    // A live node serves the data dir: the run will most likely go to it.
    writeNodeFile(data, { url: 'http://127.0.0.1:1', pid: process.pid, version: '1', lan: false });
    expect(mayRecogniseLocally(argv('ocr', 'one.png', '--data', data))).toBe(false);
    expect(mayRecogniseLocally(argv('ocr', 'one.png', `--data=${data}`))).toBe(false);
    expect(mayRecogniseLocally(argv('ocr', 'one.png'), { HEARTH_DATA: data })).toBe(false);
    expect(mayRecogniseLocally(argv('ocr', 'one.png', '--data', data, '--local'))).toBe(true);
    // Its process gone, or open to the LAN (needs a key): this process recognises.
    writeNodeFile(data, { url: 'http://127.0.0.1:1', pid: spawnSync(process.execPath, ['-e', '']).pid ?? 0, version: '1', lan: false });
    expect(mayRecogniseLocally(argv('ocr', 'one.png', '--data', data))).toBe(true);
    writeNodeFile(data, { url: 'https://127.0.0.1:1', pid: process.pid, version: '1', lan: true });
    expect(mayRecogniseLocally(argv('ocr', 'one.png', '--data', data))).toBe(true);
    expect(mayRecogniseLocally(argv('ocr', 'one.png', '--server', 'http://h:1'))).toBe(false);
    expect(mayRecogniseLocally(argv('ocr', '--server=http://h:1', 'one.png'))).toBe(false);
    expect(mayRecogniseLocally(argv('ocr', '--help'))).toBe(false);
    expect(mayRecogniseLocally(argv('serve'))).toBe(false);
  });
});
