// The compatibility APIs on real `hearth serve` processes: a LAN node answers Umi and Paddle clients only with an
// `infer` key (refusals in each API's shape), also on --compat-port; a document task survives kill -9.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth, startHearth } from '../../../../e2e/hearthProcess';
import { parseListeningLine } from '../../../contract/listening';
import { send } from '../../../testkit/request';
import { renderText } from '../../../testkit/renderText';

let root: string;
let image: Buffer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-compat-proc-'));
  image = await renderText({ lines: ['Delivery note 88-231', '收货人：王小明'], fontSize: 30 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `hearth serve` with its compatibility port: both URLs from its output. */
async function serveWithCompat(
  data: string,
  env: Record<string, string>,
  extra: string[],
): Promise<{ url: string; compat: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/hearth.js', 'serve', '--port', '0', '--compat-port', '0', '--data', data, ...extra], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let compat = '';
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const c = /^compatibility port: (\S+)/.exec(line);
      if (c) compat = c[1];
      const listening = parseListeningLine(line);
      if (listening) resolve(listening);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  return {
    url,
    compat,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('compatibility APIs on a LAN node', () => {
  it('need an infer key, on the main port and on the compatibility port', async () => {
    const data = join(root, 'lan');
    const env = { HEARTH_STORE_KEY: 'compat-lan-key' };
    const key =
      runHearth(['keys', 'create', '--name', 'umi-client', '--scopes', 'infer', '--data', data], env).trim().split('\n').at(-1) ?? '';
    const metricsKey =
      runHearth(['keys', 'create', '--name', 'scraper', '--scopes', 'metrics', '--data', data], env).trim().split('\n').at(-1) ?? '';
    const node = await serveWithCompat(data, env, ['--lan', '--host', '127.0.0.1']);
    try {
      const ca = readFileSync(join(data, 'tls', 'cert.pem'));
      const body = JSON.stringify({ base64: image.toString('base64'), options: { 'data.format': 'text', 'tbpu.parser': 'single_line' } });
      for (const base of [node.url, node.compat]) {
        expect(base).toMatch(/^https:/);
        const none = await send(base, 'POST', '/api/ocr', { body, ca });
        expect(none.status).toBe(401);
        expect(none.json<{ code: number; data: string }>()).toMatchObject({ code: 401, data: expect.any(String) });
        const wrong = await send(base, 'POST', '/predict/ocr_system', {
          body: JSON.stringify({ images: [image.toString('base64')] }),
          key: metricsKey,
          ca,
        });
        expect(wrong.status).toBe(403);
        expect(wrong.json<{ status: string }>().status).toBe('101');
        const ok = await send(base, 'POST', '/api/ocr', { body, key, ca });
        expect(ok.status).toBe(200);
        expect(ok.json<{ code: number; data: string }>()).toEqual(
          expect.objectContaining({ code: 100, data: 'Delivery note 88-231\n收货人：王小明\n' }),
        );
      }
      // Metered per key like every route.
      const usage = await send(node.url, 'GET', '/v1/usage?format=json', {
        key: runHearth(['keys', 'create', '--name', 'admin', '--scopes', 'admin', '--data', data], env).trim().split('\n').at(-1),
        ca,
      });
      const rows = usage.json<{ rows: { keyName: string | null; images: number }[] }>().rows;
      expect(rows.find((r) => r.keyName === 'umi-client')?.images).toBe(2);
    } finally {
      await node.stop();
    }
  });
});

describe('Umi-OCR document task', () => {
  it('survives kill -9 of the node and finishes after the restart', async () => {
    const data = join(root, 'doc');
    const env = { HEARTH_STORE_KEY: 'compat-doc-key' };
    const first = spawn(process.execPath, ['bin/hearth.js', 'serve', '--port', '0', '--data', data], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const url = await new Promise<string>((resolve) =>
      createInterface({ input: first.stdout }).on('line', (line) => {
        const listening = parseListeningLine(line);
        if (listening) resolve(listening);
      }),
    );
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'note.png');
    const up = (await (await fetch(`${url}/api/doc/upload`, { method: 'POST', body: form })).json()) as { code: number; data: string };
    expect(up.code).toBe(100);
    const killed = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await killed;

    const second = await startHearth(['--data', data], env);
    try {
      let state: Record<string, unknown> = {};
      for (let i = 0; i < 200 && !state.is_done; i++) {
        const res = await fetch(`${second.url}/api/doc/result`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: up.data, is_data: true, format: 'text', is_unread: false }),
        });
        state = (await res.json()) as Record<string, unknown>;
        if (!state.is_done) await new Promise((r) => setTimeout(r, 100));
      }
      expect(state).toMatchObject({ code: 100, state: 'success', pages_count: 1 });
      expect(state.data).toContain('Delivery note 88-231');
    } finally {
      await second.stop();
    }
  });
});
