// `hearth serve` end to end as a user's script sees it: the listening line, POST /v1/ocr, errors, SIGTERM.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from './contract/health';
import { listeningUrlIn } from './contract/listening';
import type { OcrResponse } from './contract/ocr';
import { NODE_FILE, type RunningNodeInfo } from './runningNode';
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

  it('corrects look-alikes with the raw reading kept, ?corrections=off reads raw, a bad value is a 400', async () => {
    const png = await renderText({ lines: ['the r00m is BL0CKED'], fontSize: 28 });
    const post = (query: string): Promise<Response> =>
      fetch(`${url}/v1/ocr${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    const corrected = (await (await post('')).json()) as OcrResponse;
    expect(corrected.lines[0].text).toBe('the room is BLOCKED');
    expect(corrected.lines[0].raw).toBeDefined();
    expect(corrected.lines[0].raw).not.toBe('the room is BLOCKED');
    const raw = (await (await post('?corrections=off')).json()) as OcrResponse;
    expect(raw.lines[0].text).toBe(corrected.lines[0].raw);
    expect(raw.lines[0].raw).toBeUndefined();
    const bad = await post('?corrections=maybe');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/corrections/);
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
    const rows = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; text?: string; error?: { code: string } });
    expect(rows.find((r) => r.file === 'note.png')?.text?.replace(/\s/g, '')).toBe('Remotenode7');
    expect(rows.find((r) => r.file === 'broken.png')?.error?.code).toBe('not_an_image');
  });

  /** `hearth ocr <file> --data DIR …` with this node's store key; stdout, stderr, exit code. */
  function ocrCli(
    data: string,
    extra: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ): { status: number | null; stdout: string; stderr: string } {
    return spawnSync(process.execPath, [BIN, 'ocr', join(dataDir, 'warm.png'), '--data', data, '--format', 'txt', ...extra], {
      env: { ...process.env, HEARTH_STORE_KEY: 'serve-test-key', ...env },
      encoding: 'utf8',
    });
  }

  /** Requests the node has answered on POST /v1/ocr, from its metrics. */
  async function ocrRequests(): Promise<number> {
    // A kept-alive socket may have been closed by the node while spawnSync held this process: one retry.
    const get = (): Promise<Response> => fetch(`${url}/metrics`);
    const text = await (await get().catch(get)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('hearth_http_requests_total{') && l.includes('method="POST"') && /route="(\/v1\/)?ocr"/.test(l))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  }

  it('writes node.json (URL and process id, no key) while it listens', () => {
    const info = JSON.parse(readFileSync(join(dataDir, NODE_FILE), 'utf8')) as RunningNodeInfo;
    expect(info).toMatchObject({ url, pid: child.pid, lan: false });
    expect(Object.keys(info).sort()).toEqual(['lan', 'pid', 'url', 'version']);
  });

  it('`hearth ocr` on the same data dir uses the running node by itself, and says so', async () => {
    writeFileSync(join(dataDir, 'warm.png'), await renderText({ lines: ['Warm path 21'], fontSize: 30 }));
    const before = await ocrRequests();
    const cli = ocrCli(dataDir);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout.replace(/\s/g, '')).toContain('Warmpath21');
    expect(cli.stderr).toContain(`hearth: recognising on the node at ${url} (running on this machine`);
    expect(await ocrRequests()).toBe(before + 1);
  });

  it('`hearth ocr --local` recognises in its own process; HEARTH_DEBUG=startup says where the time went', async () => {
    const before = await ocrRequests();
    // The provider forced: where a GPU provider could start, measuring the providers would prepare the graphs
    // before the engine starts (tested in engine/providers.test.ts), and the engine would rewrite nothing.
    const cli = ocrCli(join(dataDir, 'local-client'), ['--local', '--provider', 'cpu'], { HEARTH_DEBUG: 'startup' });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout.replace(/\s/g, '')).toContain('Warmpath21');
    expect(cli.stderr).toContain('hearth: recognising in this process');
    expect(await ocrRequests()).toBe(before);
    const table = cli.stderr.slice(cli.stderr.indexOf('start-up (ms from process start):'));
    for (const phase of [
      'node start',
      'code load',
      'store open',
      'worker 1 thread start',
      'worker 1 det graph rewrite',
      'worker 1 rec session',
      'first image',
      'exit',
    ]) {
      expect(table, cli.stderr).toContain(phase);
    }
    // A second fresh store on the same machine finds the prepared graphs in the data dir's cache.
    rmSync(join(dataDir, 'local-client', 'hearth.db'));
    for (const f of ['hearth.db-wal', 'hearth.db-shm', 'store.key']) rmSync(join(dataDir, 'local-client', f), { force: true });
    const again = ocrCli(join(dataDir, 'local-client'), ['--local'], { HEARTH_DEBUG: 'startup' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.replace(/\s/g, '')).toContain('Warmpath21');
    expect(again.stderr).toContain('worker 1 det read optimised graph (cached)');
    expect(again.stderr, again.stderr).not.toContain('graph rewrite');
    // An unchanged re-run reuses the results: its worker (stopped as soon as that is known) reads no image.
    const rerun = ocrCli(join(dataDir, 'local-client'), ['--local'], { HEARTH_DEBUG: 'startup' });
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('1 file, 0 failed, 1 reused');
    expect(rerun.stderr, rerun.stderr).not.toContain('first task');
  });

  it('a node.json left by a node that is gone is ignored', async () => {
    const stale = join(dataDir, 'stale-client');
    mkdirSync(stale);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    // Its URL even answers (it is this test's node): only the dead process id tells it is not this data dir's.
    writeFileSync(join(stale, NODE_FILE), JSON.stringify({ url, pid: dead, version: '0', lan: false }));
    const before = await ocrRequests();
    const cli = ocrCli(stale);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('hearth: recognising in this process');
    expect(await ocrRequests()).toBe(before);
  });

  it('exits 0 on SIGTERM and removes node.json', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dataDir, NODE_FILE))).toBe(false);
  });
});
