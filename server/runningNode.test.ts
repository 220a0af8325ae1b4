// Finding the node that serves a data dir: node.json written whole, removed only by its writer, and trusted
// only for a live process on loopback HTTP, out of LAN mode, that answers its health check in time.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findRunningNode, NODE_FILE, readNodeFile, removeNodeFile, writeNodeFile } from './runningNode';

let dir: string;
let server: http.Server;
let url: string;
/** What the fake node's health answers; `delayMs` holds the answer back. */
let health: { status: number; body: unknown; delayMs: number };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    setTimeout(() => {
      res.writeHead(req.url === '/v1/health' ? health.status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(health.body));
    }, health.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-running-node-'));
  health = { status: 200, body: { status: 'ok', lan: false }, delayMs: 0 };
  return () => rmSync(dir, { recursive: true, force: true });
});

const me = { pid: process.pid, version: '1', lan: false };

describe('running node discovery', () => {
  it('finds a live node on loopback that answers health', async () => {
    writeNodeFile(dir, { url, ...me });
    expect(readdirSync(dir)).toEqual([NODE_FILE]);
    expect(await findRunningNode(dir)).toEqual({ url, ...me });
  });

  it('finds nothing without node.json, or with one that is not JSON of the right shape', async () => {
    expect(await findRunningNode(dir)).toBeUndefined();
    writeFileSync(join(dir, NODE_FILE), 'half a fi');
    expect(readNodeFile(dir)).toBeUndefined();
    writeFileSync(join(dir, NODE_FILE), JSON.stringify({ url: 8686, pid: process.pid, lan: false }));
    expect(readNodeFile(dir)).toBeUndefined();
    expect(await findRunningNode(dir)).toBeUndefined();
  });

  it('ignores a node.json whose process is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeNodeFile(dir, { url, ...me, pid: dead });
    expect(await findRunningNode(dir)).toBeUndefined();
  });

  it('ignores a node open to the LAN (it needs a key) and URLs that are not loopback HTTP', async () => {
    writeNodeFile(dir, { url, ...me, lan: true });
    expect(await findRunningNode(dir)).toBeUndefined();
    writeNodeFile(dir, { url: url.replace('http:', 'https:'), ...me });
    expect(await findRunningNode(dir)).toBeUndefined();
    writeNodeFile(dir, { url: 'http://192.0.2.1:8686', ...me });
    expect(await findRunningNode(dir)).toBeUndefined();
    health.body = { status: 'ok', lan: true };
    writeNodeFile(dir, { url, ...me });
    expect(await findRunningNode(dir)).toBeUndefined();
  });

  it('ignores a node that does not answer health in time or answers it badly', async () => {
    writeNodeFile(dir, { url, ...me });
    health.delayMs = 400;
    expect(await findRunningNode(dir, 100)).toBeUndefined();
    health = { status: 503, body: { error: { code: 'shutting_down' } }, delayMs: 0 };
    expect(await findRunningNode(dir)).toBeUndefined();
  });

  it('is removed only by the process that wrote it', () => {
    writeNodeFile(dir, { url, ...me, pid: process.pid + 100_000 });
    removeNodeFile(dir);
    expect(existsSync(join(dir, NODE_FILE))).toBe(true);
    writeNodeFile(dir, { url, ...me });
    removeNodeFile(dir);
    expect(existsSync(join(dir, NODE_FILE))).toBe(false);
  });
});
