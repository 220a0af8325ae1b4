// Stopping the engine at awkward moments: terminating a worker thread while ONNX Runtime is inside a session
// load or a run aborts the whole process (SIGABRT), so these run in a child process and check that it lives.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'hearth-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a TypeScript module in a fresh Node process (tsx) and returns how it ended. */
function runChild(source: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const file = join(dir, `child-${Date.now()}.mts`);
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const engineModule = JSON.stringify(resolve('server/engine/index.ts'));
const workerModule = JSON.stringify(resolve('server/engine/workerThread.ts'));
const renderModule = JSON.stringify(resolve('server/testkit/renderText.ts'));
const prestartModule = JSON.stringify(resolve('server/engine/prestart.ts'));

describe('engine shutdown', () => {
  it('terminating workers at any point of their model load leaves the process running', () => {
    const r = runChild(`
      import { WorkerThread } from ${workerModule};
      const ctx = { providers: ['cpu'], threads: 1 };
      // Points spread over the ~0.5-1 s a worker takes to import ONNX Runtime and create its three sessions.
      for (const ms of [0, 150, 300, 450, 600, 750, 900]) {
        const t = new WorkerThread(ctx, () => undefined);
        await new Promise((r) => setTimeout(r, ms));
        await t.terminate();
      }
      console.log('alive');
    `);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('alive');
  });

  it('a worker booted ahead and never taken is dropped without the load grace, and the process still ends', () => {
    const r = runChild(`
      import { dropPrestartedWorker, prestartWorker } from ${prestartModule};
      prestartWorker();
      await new Promise((r) => setTimeout(r, 100));
      const t = Date.now();
      await dropPrestartedWorker();
      console.log('dropped in', Date.now() - t);
      prestartWorker();
      // Nothing else holds the event loop: the process ends although the second thread was never started
      // (it is stopped once its code has loaded).
    `);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    // Not inside ONNX Runtime: stopped once its code has loaded, without the load grace (seconds).
    expect(Number(/dropped in (\d+)/.exec(r.stdout)?.[1])).toBeLessThan(1000);
  });

  it('the engine adopts a worker booted ahead as its first', () => {
    const r = runChild(`
      import { createEngine } from ${engineModule};
      import { prestartWorker, takePrestartedWorker } from ${prestartModule};
      import { renderText } from ${renderModule};
      prestartWorker();
      const prestarted = takePrestartedWorker();
      const engine = await createEngine({ workers: 1, queueDepth: 4, cacheEntries: 0, providers: ['cpu'], prestarted });
      const result = await engine.ocr(await renderText({ lines: ['Booted early 5'], fontSize: 28 }));
      console.log(JSON.stringify({ text: result.text, workers: engine.stats().workers, taken: takePrestartedWorker() === undefined }));
      await engine.close();
    `);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')).toEqual({ text: 'Booted early 5', workers: 1, taken: true });
  });

  it('close() with images in flight lets them finish, refuses the queued ones, and the process lives', () => {
    const r = runChild(`
      import { createEngine } from ${engineModule};
      import { renderText } from ${renderModule};
      const engine = await createEngine({ workers: 2, queueDepth: 16, cacheEntries: 0, providers: ['cpu'] });
      const images = await Promise.all(Array.from({ length: 8 }, (_, i) => renderText({ lines: ['Closing line ' + i], fontSize: 28 })));
      const outcomes = images.map((png) => engine.ocr(png).then((r) => 'done:' + r.text, (e) => 'refused:' + e.code));
      await new Promise((r) => setTimeout(r, 50));
      await engine.close();
      console.log(JSON.stringify(await Promise.all(outcomes)));
    `);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const outcomes = JSON.parse(r.stdout.trim().split('\n').pop() ?? '[]') as string[];
    expect(outcomes).toHaveLength(8);
    // The images the workers had started (at least the first, taken as soon as one worker was ready) were read
    // to the end; the rest were refused, none crashed.
    expect(outcomes.filter((o) => o.startsWith('done:Closing line')).length).toBeGreaterThanOrEqual(1);
    for (const o of outcomes) expect(o).toMatch(/^(done:Closing line \d|refused:shutting_down)$/);
  });
});
