// <data>/node.json: where the node serving this data dir listens (URL and process id, no secrets). A node
// writes it once it accepts requests and removes it on exit; `hearth ocr` reads it to use that node instead of
// loading the models itself. A file left by a node that was killed is recognised by its dead process id.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API } from './contract/paths';
import { isLoopbackHost } from './loopback';
import { loopbackFetch } from './loopbackFetch';

export const NODE_FILE = 'node.json';

/** How long `hearth ocr` waits for a running node's health answer before recognising by itself. */
export const PROBE_TIMEOUT_MS = 500;

export interface RunningNodeInfo {
  url: string;
  pid: number;
  version: string;
  /** Open to the LAN: every request then needs a key, so the keyless warm path does not apply. */
  lan: boolean;
}

/** Writes node.json whole (temp file, then rename), readable by the owner only. */
export function writeNodeFile(dataDir: string, info: RunningNodeInfo): void {
  const file = join(dataDir, NODE_FILE);
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(info) + '\n', { mode: 0o600 });
  renameSync(temp, file);
}

/** Removes node.json if this process wrote it (another node may have started on the same data dir since). */
export function removeNodeFile(dataDir: string, pid = process.pid): void {
  if (readNodeFile(dataDir)?.pid === pid) rmSync(join(dataDir, NODE_FILE), { force: true });
}

export function readNodeFile(dataDir: string): RunningNodeInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dataDir, NODE_FILE), 'utf8')) as Partial<RunningNodeInfo>;
    if (typeof v.url !== 'string' || !Number.isInteger(v.pid) || typeof v.lan !== 'boolean') return undefined;
    return { url: v.url, pid: v.pid as number, version: String(v.version ?? ''), lan: v.lan };
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A plain-HTTP URL on this machine's loopback interface (where the owner needs no key). */
function loopbackHttp(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}

/**
 * The node running on this data dir that `hearth ocr` can use without a key, or undefined: no node.json, its
 * process is gone, it is open to the LAN, or it does not answer its health check within `timeoutMs`.
 */
export async function findRunningNode(dataDir: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<RunningNodeInfo | undefined> {
  const info = readNodeFile(dataDir);
  if (!info || info.lan || !loopbackHttp(info.url) || !processAlive(info.pid)) return undefined;
  try {
    const res = await loopbackFetch(new URL(API.health, info.url).href, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { status?: string; lan?: boolean };
    return body.status === 'ok' && body.lan !== true ? info : undefined;
  } catch {
    return undefined;
  }
}
