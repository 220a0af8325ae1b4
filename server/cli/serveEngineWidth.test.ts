// `hearth serve --workers N --threads-per-worker N`: the engine starts that wide (its start line says so), and a
// value out of range is a usage error before anything starts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killNode, startNode, tempRoot, until } from '../testkit/cluster';

const BIN = new URL('../../bin/hearth.js', import.meta.url).pathname;

describe('hearth serve engine width', () => {
  const tmp = tempRoot('hearth-serve-width-');
  afterAll(() => tmp.cleanup());

  it('runs the workers with the ONNX threads asked for', async () => {
    const node = await startNode({ name: 'narrow', dataDir: join(tmp.root, 'a'), args: ['--workers', '2', '--threads-per-worker', '1'] });
    try {
      // The log is written in the background: wait for the line rather than read at once.
      const ready = await until('the engine start line', 10_000, () => {
        const line = node
          .log()
          .split('\n')
          .find((l) => l.includes('"msg":"engine ready"'));
        return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
      });
      expect(ready).toMatchObject({ workers: 2, threadsPerWorker: 1 });
    } finally {
      await killNode(node, 'SIGTERM');
    }
  }, 120_000);

  it('refuses a width out of range with a usage error', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--data', join(tmp.root, 'b'), '--threads-per-worker', '65'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("option '--threads-per-worker <n>' argument '65' is invalid. a whole number from 0 (one per core) to 64");
  });
});
