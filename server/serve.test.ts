// `hearth serve` end to end as a user's script sees it: the listening line, POST /v1/ocr, errors, SIGTERM.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from './contract/health';
import { listeningUrlIn } from './contract/listening';
import type { OcrResponse } from './contract/ocr';
import { renderText } from './testkit/renderText';

const BIN = new URL('../bin/hearth.js', import.meta.url).pathname;

function waitForListening(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no listening line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const listening = listeningUrlIn(out);
      if (listening) {
        clearTimeout(timer);
        resolve(listening);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening; stderr: ${err}`)));
  });
}

describe('hearth serve', () => {
  let dataDir: string;
  let child: ChildProcessWithoutNullStreams;
  let url: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-serve-'));
    child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dataDir], {
      env: { ...process.env, HEARTH_STORE_KEY: 'serve-test-key', HEARTH_LOG_CONSOLE: '0' },
    });
    url = await waitForListening(child, 60_000);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers health with the provider that runs', async () => {
    const res = await fetch(`${url}/v1/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthResponse;
    expect(body.status).toBe('ok');
    expect(body.providers).toContain('cpu');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('reads an uploaded image (multipart) in the documented shape', async () => {
    const png = await renderText({ lines: ['Hearth reads 42 lines'], fontSize: 32 });
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'hello.png');
    const res = await fetch(`${url}/v1/ocr`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as OcrResponse;
    expect(body.text.replace(/\s/g, '')).toBe('Hearthreads42lines');
    expect(body.provider).toBe('cpu');
    expect(typeof body.ms).toBe('number');
    expect(body.lines[0].box).toHaveLength(4);
    expect(body.lines[0].confidence).toBeGreaterThan(0.8);
  });

  it('answers garbage bytes with a 4xx JSON error, not a stack', async () => {
    const res = await fetch(`${url}/v1/ocr`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from('this is not a picture at all'),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toMatch(/^[a-z_]+$/);
    expect(body.error.message).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('answers unknown routes and wrong content types with the error shape', async () => {
    const missing = await fetch(`${url}/v1/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrongType = await fetch(`${url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(wrongType.status).toBe(415);
  });

  it('serves `hearth ocr --server` from another process, bad files as per-file errors', async () => {
    const folder = join(dataDir, 'remote-scans');
    mkdirSync(folder);
    writeFileSync(join(folder, 'note.png'), await renderText({ lines: ['Remote node 7'], fontSize: 30 }));
    writeFileSync(join(folder, 'broken.png'), 'not an image');
    const cli = spawnSync(process.execPath, [BIN, 'ocr', folder, '--server', url, '--data', join(dataDir, 'client')], {
      env: { ...process.env, HEARTH_STORE_KEY: 'client-key' },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    const rows = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text?: string; error?: { code: string } });
    expect(rows.find((r) => r.file === 'note.png')?.text?.replace(/\s/g, '')).toBe('Remotenode7');
    expect(rows.find((r) => r.file === 'broken.png')?.error?.code).toBe('not_an_image');
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
